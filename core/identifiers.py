"""IIN and BIN: Kazakhstan's 12-digit identification numbers.

Both end with a check digit computed the same way: the first eleven digits
weighted 1..11, summed, modulo 11; if that gives 10, weighted again with
3..11,1,2; if that also gives 10 the number is not valid (such numbers are
never issued).

IIN (individual): YYMMDD birth date, then one digit for century and sex
(1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd male, even female), four serial
digits, the check digit.

BIN (legal entity): YYMM of registration, one digit for the kind of entity
(4 resident legal entity, 5 non-resident legal entity, 6 individual
entrepreneur in a joint venture), one for the division (0 head office,
1 branch, 2 representative office, 3 peasant farm), five serial digits, the
check digit.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

ENTITY_KINDS = {4: "resident", 5: "non_resident", 6: "joint_entrepreneur"}
DIVISIONS = {0: "head_office", 1: "branch", 2: "representative_office", 3: "peasant_farm"}
CENTURIES = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}


class IdentifierError(ValueError):
    """Why a string is not a valid IIN/BIN; `code` is stable, `message` is localised."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


def check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when no check digit exists."""
    digits = [int(c) for c in first_eleven]
    for weights in (WEIGHTS_1, WEIGHTS_2):
        rest = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if rest != 10:
            return rest
    return None


def _digits(value: str, what) -> str:
    # Not a string (None, an int from a JSON body, ...) is a format error, not an AttributeError.
    value = value.strip() if isinstance(value, str) else ""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise IdentifierError("format", _("%(what)s must be exactly 12 digits.") % {"what": what})
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise IdentifierError("check_digit", _("%(what)s has a wrong check digit.") % {"what": what})
    return value


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: datetime.date
    sex: str  # "male" / "female"


@dataclass(frozen=True)
class BIN:
    value: str
    registered: tuple[int, int]  # (year, month)
    entity_kind: str
    division: str


def parse_iin(value: str) -> IIN:
    value = _digits(value, _("IIN"))
    century_digit = int(value[6])
    if century_digit not in CENTURIES:
        raise IdentifierError("century", _("IIN has an invalid century/sex digit."))
    try:
        birth = datetime.date(CENTURIES[century_digit] + int(value[0:2]), int(value[2:4]), int(value[4:6]))
    except ValueError:
        raise IdentifierError("birth_date", _("IIN does not begin with a valid birth date.")) from None
    return IIN(value, birth, "male" if century_digit % 2 else "female")


def parse_bin(value: str) -> BIN:
    value = _digits(value, _("BIN"))
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise IdentifierError("month", _("BIN does not begin with a valid registration year and month."))
    kind, division = int(value[4]), int(value[5])
    if kind not in ENTITY_KINDS:
        raise IdentifierError("entity_kind", _("BIN has an invalid entity-kind digit."))
    if division not in DIVISIONS:
        raise IdentifierError("division", _("BIN has an invalid division digit."))
    year = int(value[0:2])
    year += 2000 if year <= datetime.date.today().year % 100 else 1900
    return BIN(value, (year, month), ENTITY_KINDS[kind], DIVISIONS[division])


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except IdentifierError:
        return False
    return True


def is_valid_bin(value: str) -> bool:
    try:
        parse_bin(value)
    except IdentifierError:
        return False
    return True


def complete(first_eleven: str) -> str | None:
    """Append the check digit to eleven digits (None if no valid number has them)."""
    digit = check_digit(first_eleven)
    return None if digit is None else first_eleven + str(digit)


def validate_iin_field(value: str) -> None:
    """Django validator: an empty value passes (use blank=False to require it)."""
    if value:
        try:
            parse_iin(value)
        except IdentifierError as err:
            raise ValidationError(err.message, code=f"iin_{err.code}") from None


def validate_bin_field(value: str) -> None:
    if value:
        try:
            parse_bin(value)
        except IdentifierError as err:
            raise ValidationError(err.message, code=f"bin_{err.code}") from None
