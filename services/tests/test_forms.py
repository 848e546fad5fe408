"""The form toolkit: numbers as people write them in Kazakhstan (decimal comma, grouped digits)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.forms import DecimalField, IntegerField, ListField
from services.s3.forms import BandForm

FIELD = DecimalField(min_value=0, max_value=10_000_000, decimal_places=6)


def _written(value: Decimal, comma: bool, space: str) -> str:
    whole, _dot, fraction = f"{value:f}".partition(".")
    groups = []
    while len(whole) > 3:
        whole, groups = whole[:-3], [whole[-3:], *groups]
    text = space.join([whole, *groups])
    return text + ((("," if comma else ".") + fraction) if fraction else "")


@given(st.decimals(min_value=0, max_value=9_999_999, places=3, allow_nan=False, allow_infinity=False),
       st.booleans(), st.sampled_from(["", " ", "\u00a0", "\u202f"]))
def test_the_decimal_comma_and_grouped_digits_mean_the_same_number(value, comma, space):
    assert FIELD.clean(_written(value, comma, space)) == value


@pytest.mark.parametrize("text", ["1,2,3", "1.2,3", "abc", "12,5x"])
def test_what_is_not_a_number_stays_refused(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        FIELD.clean(text)


def test_a_band_written_with_commas(db):
    form = BandForm({"low_mhz": "450,5", "high_mhz": "451,75"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"low_mhz": "450.5", "high_mhz": "451.75"}


WHOLE = IntegerField(min_value=0)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["", " ", "\u00a0", "\u202f"]))
def test_grouped_digits_of_a_whole_number(value, space):
    assert WHOLE.clean(_written(Decimal(value), False, space)) == value


@pytest.mark.parametrize("text", ["1 0 0 0,5", "21,625", "abc", "-"])
def test_a_whole_number_with_a_fraction_or_letters_is_refused(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        WHOLE.clean(text)


def test_a_rows_errors_name_its_fields_by_their_labels_never_by_code(db):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    field = ListField(BandForm)
    texts = []
    for rows in ([{"low_mhz": "2510", "high_mhz": "abc"}], [{"low_mhz": "2500", "high_mhz": "2510"},
                                                           {"low_mhz": "2520", "high_mhz": "2510"}]):
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            field.clean(rows)
        with translation.override("en"):
            texts.append(" ".join(raised.value.messages))
    assert texts == ["Item 1: upper edge, MHz: Enter a number.",
                     "Item 2: The lower edge of a band must be below its upper edge."], texts
