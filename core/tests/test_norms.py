"""Tests of core.norms: the regulation's time norms as written."""
import dataclasses
import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.norms import (
    CALENDAR_DAY,
    HOUR,
    MINUTE,
    SECOND,
    WORKING_DAY,
    Norm,
    parse_norm,
)

D = Decimal


@pytest.mark.parametrize("text,low,high,unit,seconds", [
    ("10–15 s", D(10), D(15), SECOND, 15),
    ("10-15 s", D(10), D(15), SECOND, 15),
    ("10 – 15 s", D(10), D(15), SECOND, 15),
    ("20 s", D(20), D(20), SECOND, 20),
    ("10 s", D(10), D(10), SECOND, 10),
    ("1.5 min", D("1.5"), D("1.5"), MINUTE, 90),
    ("15 minutes", D(15), D(15), MINUTE, 900),
    ("20 minutes", D(20), D(20), MINUTE, 1200),
    ("1 hour", D(1), D(1), HOUR, 3600),
    ("3 hours", D(3), D(3), HOUR, 10800),
    ("15 calendar days", D(15), D(15), CALENDAR_DAY, None),
    ("29 working days", D(29), D(29), WORKING_DAY, None),
    ("2 working days", D(2), D(2), WORKING_DAY, None),
    ("≤ 15 calendar days", None, D(15), CALENDAR_DAY, None),
    ("≤ 30 calendar days", None, D(30), CALENDAR_DAY, None),
    ("  3 Hours ", D(3), D(3), HOUR, 10800),
])
def test_norms_as_written(text, low, high, unit, seconds):
    norm = parse_norm(text)
    assert (norm.low, norm.high, norm.unit, norm.text) == (low, high, unit, text)
    assert norm.upper_bound_seconds == seconds
    if seconds is None:
        assert norm.days == int(high) and not norm.is_sub_day and norm.upper_bound is None
    else:
        assert norm.upper_bound == datetime.timedelta(seconds=seconds) and norm.days is None


@pytest.mark.parametrize("text", ["", "—", "  ", " — ", "-", None])
def test_no_norm(text):
    assert parse_norm(text) is None


@pytest.mark.parametrize("text", [
    "15 days",              # calendar or working? ambiguous
    "15",                   # no unit
    "s",                    # no number
    "0 s",                  # zero
    "15–10 s",              # backwards range
    "1.5 working days",     # fractional days
    "≤ 10–15 s",            # bound and range at once
    "1,5 min",              # decimal comma
    "10 s extra",
    "10 weeks",
    "-15 s",
    "10—15 s",              # em dash is the "no norm" sign, not a range
    "١٥ s",                 # non-ASCII digits
    "10 s; 20 s",
    "≤",
])
def test_rejected(text):
    with pytest.raises(ValueError):
        parse_norm(text)


def test_not_text_is_rejected():
    with pytest.raises(ValueError):
        parse_norm(15)


def test_text_does_not_take_part_in_equality():
    assert parse_norm("15 minutes") == parse_norm("15 min") == Norm(D(15), D(15), MINUTE)
    assert parse_norm("10-15 s") == parse_norm("10–15 s")
    assert hash(parse_norm("1 hour")) == hash(parse_norm("1 hours"))


def test_norm_is_frozen_and_validated():
    norm = parse_norm("3 hours")
    with pytest.raises(dataclasses.FrozenInstanceError):
        norm.high = D(4)
    with pytest.raises(ValueError):
        Norm(D(1), D(1), "fortnight")


# --- round trip of generated norm strings -------------------------------------

SPELLINGS = {
    SECOND: ["s", "sec", "second", "seconds"],
    MINUTE: ["min", "minute", "minutes"],
    HOUR: ["h", "hour", "hours"],
    CALENDAR_DAY: ["calendar day", "calendar days"],
    WORKING_DAY: ["working day", "working days"],
}


def number_text(value: Decimal) -> str:
    return format(value, "f")


@st.composite
def norm_texts(draw):
    """(text, expected Norm) pairs in any accepted spelling."""
    unit = draw(st.sampled_from(sorted(SPELLINGS)))
    if unit in (CALENDAR_DAY, WORKING_DAY):
        numbers = st.integers(min_value=1, max_value=400).map(Decimal)
    else:
        numbers = st.decimals(min_value=D("0.1"), max_value=D(1000), places=1)
    high = draw(numbers)
    shape = draw(st.sampled_from(["single", "range", "at_most"]))
    space = draw(st.sampled_from([" ", "", "  ", "\u00a0"]))
    spelling = draw(st.sampled_from(SPELLINGS[unit]))
    if shape == "range":
        low = draw(numbers.filter(lambda x: x <= high))
        dash = draw(st.sampled_from(["–", "-", " – ", " - "]))
        text = f"{number_text(low)}{dash}{number_text(high)}{space or ' '}{spelling}"
    elif shape == "at_most":
        low = None
        text = f"{draw(st.sampled_from(['≤ ', '≤', '<= ']))}{number_text(high)} {spelling}"
    else:
        low = high
        text = f"{number_text(high)}{space}{spelling}"
    padding = draw(st.sampled_from(["", " ", "\t"]))
    return padding + text + padding, Norm(low, high, unit)


@given(norm_texts())
def test_generated_norm_texts_parse(pair):
    text, expected = pair
    norm = parse_norm(text)
    assert norm == expected
    assert norm.text == text
    assert str(norm) == text


@given(norm_texts())
def test_canonical_round_trip(pair):
    _, expected = pair
    canonical = expected.canonical()
    again = parse_norm(canonical)
    assert again == expected
    assert again.canonical() == canonical


@given(norm_texts())
def test_upper_bound_seconds(pair):
    _, norm = pair
    factor = {SECOND: 1, MINUTE: 60, HOUR: 3600}.get(norm.unit)
    if factor is None:
        assert norm.upper_bound_seconds is None
        assert norm.days == int(norm.high)
    else:
        assert norm.upper_bound_seconds == pytest.approx(float(norm.high) * factor)
        assert norm.upper_bound_seconds >= (float(norm.low * factor) if norm.low is not None else 0)
