"""The form toolkit: numbers as people write them in Kazakhstan (decimal comma, grouped digits)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.forms import DecimalField
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
