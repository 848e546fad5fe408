"""Property-based and hand-checked tests of core.identifiers (IIN / BIN)."""
import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, example, given
from hypothesis import strategies as st

from core import identifiers
from core.identifiers import (
    IdentifierError,
    check_digit,
    complete,
    is_valid_bin,
    is_valid_iin,
    parse_bin,
    parse_iin,
    validate_bin_field,
    validate_iin_field,
)

# An independent statement of the algorithm (not the module's constants).
FIRST_PASS = list(range(1, 12))
SECOND_PASS = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def _pass(first_eleven, weights):
    return sum(int(c) * w for c, w in zip(first_eleven, weights, strict=True)) % 11


def reference_check_digit(first_eleven):
    for weights in (FIRST_PASS, SECOND_PASS):
        rest = _pass(first_eleven, weights)
        if rest != 10:
            return rest
    return None


def uses_second_pass(number):
    return _pass(number[:11], FIRST_PASS) == 10


def century_digit(year, sex):
    base = {18: 1, 19: 3, 20: 5}[year // 100]
    return base + (sex == "female")


# --- strategies ----------------------------------------------------------------

@st.composite
def iin_parts(draw):
    birth = draw(st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2099, 12, 31)))
    sex = draw(st.sampled_from(["male", "female"]))
    serial = draw(st.integers(min_value=0, max_value=9999))
    first = f"{birth:%y%m%d}{century_digit(birth.year, sex)}{serial:04d}"
    digit = reference_check_digit(first)
    assume(digit is not None)  # about 1 prefix in 121 has no check digit: never issued
    return first + str(digit), birth, sex


def this_year():
    return datetime.date.today().year


@st.composite
def bin_parts(draw):
    # Two year digits: the module reads them as the latest year not in the future.
    year = draw(st.integers(min_value=this_year() - 99, max_value=this_year()))
    month = draw(st.integers(min_value=1, max_value=12))
    kind = draw(st.sampled_from(sorted(identifiers.ENTITY_KINDS)))
    division = draw(st.sampled_from(sorted(identifiers.DIVISIONS)))
    serial = draw(st.integers(min_value=0, max_value=99999))
    first = f"{year % 100:02d}{month:02d}{kind}{division}{serial:05d}"
    digit = reference_check_digit(first)
    assume(digit is not None)
    return first + str(digit), (year, month), identifiers.ENTITY_KINDS[kind], identifiers.DIVISIONS[division]


valid_iins = iin_parts().map(lambda parts: parts[0])
valid_bins = bin_parts().map(lambda parts: parts[0])


def error_code(parse, value):
    with pytest.raises(IdentifierError) as info:
        parse(value)
    return info.value.code


# --- round trips -----------------------------------------------------------------

@given(iin_parts())
def test_iin_round_trip(parts):
    value, birth, sex = parts
    iin = parse_iin(value)
    assert (iin.value, iin.birth_date, iin.sex) == (value, birth, sex)
    assert is_valid_iin(value)
    assert check_digit(value[:11]) == int(value[11])
    assert complete(value[:11]) == value
    validate_iin_field(value)  # no exception


@given(bin_parts())
def test_bin_round_trip(parts):
    value, registered, kind, division = parts
    bin_ = parse_bin(value)
    assert (bin_.value, bin_.registered, bin_.entity_kind, bin_.division) == (value, registered, kind, division)
    assert is_valid_bin(value)
    validate_bin_field(value)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_check_digit_matches_the_reference(first_eleven):
    assert check_digit(first_eleven) == reference_check_digit(first_eleven)
    expected = reference_check_digit(first_eleven)
    assert complete(first_eleven) == (None if expected is None else first_eleven + str(expected))


# --- single-digit changes --------------------------------------------------------

def _mutate(value, position, digit):
    assume(value[position] != str(digit))
    return value[:position] + str(digit) + value[position + 1:]


@given(valid_iins | valid_bins, st.integers(min_value=0, max_value=9))
def test_changing_the_check_digit_is_always_rejected(value, digit):
    mutated = _mutate(value, 11, digit)
    # Both parsers check the check digit before anything else.
    assert error_code(parse_iin, mutated) == "check_digit"
    assert error_code(parse_bin, mutated) == "check_digit"


@given(valid_iins, st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=9))
def test_single_digit_change_of_an_iin(value, position, digit):
    mutated = _mutate(value, position, digit)
    if reference_check_digit(mutated[:11]) != int(mutated[11]):
        assert error_code(parse_iin, mutated) == "check_digit"
        assert not is_valid_iin(mutated)
        return
    # The check digit let the change through. With the first pass on both
    # sides that happens only for the 11th digit, whose weight is 11 = 0 (mod 11);
    # otherwise one of the two numbers needed the second pass.
    assert position == 10 or uses_second_pass(value) or uses_second_pass(mutated)
    try:
        iin = parse_iin(mutated)
    except IdentifierError as err:
        # The check digit is fine; what breaks is the date or century digit.
        assert err.code in {"birth_date", "century"}
        assert position <= 6
    else:
        assert iin.value == mutated != value


@given(valid_bins, st.integers(min_value=0, max_value=10), st.integers(min_value=0, max_value=9))
def test_single_digit_change_of_a_bin(value, position, digit):
    mutated = _mutate(value, position, digit)
    if reference_check_digit(mutated[:11]) != int(mutated[11]):
        assert error_code(parse_bin, mutated) == "check_digit"
        return
    assert position == 10 or uses_second_pass(value) or uses_second_pass(mutated)
    try:
        parse_bin(mutated)
    except IdentifierError as err:
        assert err.code in {"month", "entity_kind", "division"}
        assert position <= 5


@given(valid_iins)
def test_eleventh_digit_weakness_is_real(value):
    # Documented property of the official algorithm, not a bug: the first pass
    # weighs the 11th digit by 11, so changing it alone keeps the check digit.
    assume(not uses_second_pass(value))
    for digit in "0123456789":
        mutated = value[:10] + digit + value[11]
        if not uses_second_pass(mutated):
            assert is_valid_iin(mutated)


# --- format errors ----------------------------------------------------------------

@given(st.text(alphabet="0123456789", max_size=30).filter(lambda s: len(s) != 12))
def test_wrong_length_is_a_format_error(value):
    assert error_code(parse_iin, value) == "format"
    assert error_code(parse_bin, value) == "format"


@given(valid_iins, st.integers(min_value=0, max_value=11),
       st.characters(blacklist_categories=["Zs", "Cc"], blacklist_characters="0123456789"))
def test_non_digit_is_a_format_error(value, position, char):
    mutated = value[:position] + char + value[position + 1:]
    assume(mutated.strip() == mutated)
    assert error_code(parse_iin, mutated) == "format"


@pytest.mark.parametrize("value", [
    "", None, "   ", "9005153012345", "90051530123", "90051530123A", "9005-1530123",
    "٩٠٠٥١٥٣٠١٢٣٤",  # Arabic-Indic digits: isdigit() but not ASCII
    "９００５１５３０１２３４",  # full-width digits
    900515301234,  # not a string at all
])
def test_format_examples(value):
    assert error_code(parse_iin, value) == "format"
    assert error_code(parse_bin, value) == "format"
    assert not is_valid_iin(value)


# --- Django validators ----------------------------------------------------------

@given(valid_iins, st.integers(min_value=0, max_value=9))
def test_iin_validator_rejects_wrong_check_digit(value, digit):
    mutated = _mutate(value, 11, digit)
    with pytest.raises(ValidationError) as info:
        validate_iin_field(mutated)
    assert info.value.code == "iin_check_digit"


@pytest.mark.parametrize("validator,value,code", [
    (validate_iin_field, "12345", "iin_format"),
    (validate_iin_field, "900515301235", "iin_check_digit"),
    (validate_iin_field, "900230300009", "iin_birth_date"),  # 30 February 1990
    (validate_iin_field, "900515701241", "iin_century"),     # century digit 7
    (validate_bin_field, "12345", "bin_format"),
    (validate_bin_field, "081140000006", "bin_check_digit"),
    (validate_bin_field, "081340000007", "bin_month"),        # month 13
    (validate_bin_field, "081170000003", "bin_entity_kind"),  # kind 7
    (validate_bin_field, "081148000003", "bin_division"),     # division 8
    (validate_iin_field, 900515301234, "iin_format"),
])
def test_validators_raise_with_codes(validator, value, code):
    with pytest.raises(ValidationError) as info:
        validator(value)
    assert info.value.code == code


def test_validators_let_empty_values_pass():
    validate_iin_field("")
    validate_bin_field("")
    validate_iin_field(None)


# --- fixed examples, computed by hand -------------------------------------------

def test_known_iin_male_1990():
    # 9005153012 3 + check: 9·1 + 0·2 + 0·3 + 5·4 + 1·5 + 5·6 + 3·7 + 0·8 + 1·9 + 2·10 + 3·11
    #   = 9 + 20 + 5 + 30 + 21 + 9 + 20 + 33 = 147 = 13·11 + 4  -> check digit 4
    assert check_digit("90051530123") == 4
    iin = parse_iin("900515301234")
    assert iin.birth_date == datetime.date(1990, 5, 15) and iin.sex == "male"


def test_known_iin_female_2001():
    # 0·1 + 1·2 + 0·3 + 2·4 + 2·5 + 8·6 + 6·7 + 0·8 + 0·9 + 0·10 + 7·11
    #   = 2 + 8 + 10 + 48 + 42 + 77 = 187 = 17·11  -> check digit 0
    iin = parse_iin("010228600070")
    assert iin.birth_date == datetime.date(2001, 2, 28) and iin.sex == "female"


def test_known_iin_female_1800s():
    # 9·1 + 9·2 + 1·3 + 2·4 + 3·5 + 1·6 + 2·7 + 0 + 0 + 0 + 1·11
    #   = 9 + 18 + 3 + 8 + 15 + 6 + 14 + 11 = 84 = 7·11 + 7  -> check digit 7
    iin = parse_iin("991231200017")
    assert iin.birth_date == datetime.date(1899, 12, 31) and iin.sex == "female"


def test_known_bin_needing_the_second_pass():
    # 0811400000 0, first pass: 8·2 + 1·3 + 1·4 + 4·5 = 43 = 3·11 + 10  -> 10, try again
    # second pass (3,4,5,6,7,...): 8·4 + 1·5 + 1·6 + 4·7 = 71 = 6·11 + 5 -> check digit 5
    assert check_digit("08114000000") == 5
    bin_ = parse_bin("081140000005")
    assert bin_.registered == (2008, 11)
    assert (bin_.entity_kind, bin_.division) == ("resident", "head_office")


def test_known_prefix_without_check_digit():
    # 0811400000 8: first pass 43 + 8·11 = 131 = 11·11 + 10; second 71 + 8·2 = 87 = 7·11 + 10.
    # Both passes give 10: no number with these eleven digits exists.
    assert check_digit("08114000008") is None
    assert complete("08114000008") is None
    for last in "0123456789":
        assert error_code(parse_bin, "08114000008" + last) == "check_digit"


@given(valid_iins)
@example("900515301234")
def test_surrounding_whitespace_is_tolerated_by_parse(value):
    assert parse_iin(f" {value}\n").value == value
