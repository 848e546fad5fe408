"""Regulation time norms, as written in the process definitions.

The regulations give every step an execution-time norm ("10–15 s", "1.5 min",
"3 hours", "15 calendar days", "29 working days", "≤ 15 calendar days") or
none ("—"). `parse_norm` reads that text into a `Norm`; `Norm.canonical()`
writes it back in one spelling. How a norm becomes a deadline is
`workdays.calendar.due_at` (see docs/deadlines.md).

Accepted grammar (surrounding whitespace ignored, case-insensitive units):

    norm    := ""  |  "—"  |  "-"                       -> None (no norm)
             | ["≤" | "<="] number unit                 -> at most `number`
             | number ("–" | "-") number unit           -> a range low..high
             | number unit                              -> exactly `number`
    number  := digits ["." digits]        (a decimal point, not a comma)
    unit    := s | sec | second(s) | min | minute(s) | h | hour(s)
             | calendar day(s) | working day(s)

Day norms must be whole numbers; every norm must be greater than zero; a
range must not run backwards. Anything else raises ValueError. A bare
"days" is rejected as ambiguous (calendar or working?).
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

SECOND = "second"
MINUTE = "minute"
HOUR = "hour"
CALENDAR_DAY = "calendar_day"
WORKING_DAY = "working_day"
UNITS = (SECOND, MINUTE, HOUR, CALENDAR_DAY, WORKING_DAY)
SUB_DAY_UNITS = (SECOND, MINUTE, HOUR)
DAY_UNITS = (CALENDAR_DAY, WORKING_DAY)

UNIT_SECONDS = {SECOND: 1, MINUTE: 60, HOUR: 3600}

# Spellings of each unit (lower-case, internal whitespace collapsed).
_UNIT_ALIASES = {
    "s": SECOND, "sec": SECOND, "second": SECOND, "seconds": SECOND,
    "min": MINUTE, "minute": MINUTE, "minutes": MINUTE,
    "h": HOUR, "hour": HOUR, "hours": HOUR,
    "calendar day": CALENDAR_DAY, "calendar days": CALENDAR_DAY,
    "working day": WORKING_DAY, "working days": WORKING_DAY,
}

NO_NORM_TEXTS = ("", "—", "-")

_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_NORM_RE = re.compile(
    rf"""
    (?:(?P<at_most>≤|<=)\s*)?
    (?P<first>{_NUMBER})
    (?:\s*[–-]\s*(?P<second>{_NUMBER}))?
    \s*(?P<unit>[A-Za-z]+(?:\s+[A-Za-z]+)?)
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Norm:
    """A time norm: `low`..`high` `unit`.

    `low` equals `high` for a single value ("20 s") and is None for an upper
    bound only ("≤ 15 calendar days"). `text` is the original spelling and
    takes no part in equality.
    """

    low: Decimal | None
    high: Decimal
    unit: str
    text: str = field(default="", compare=False)

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unknown unit {self.unit!r}")
        if self.high <= 0 or (self.low is not None and not 0 < self.low <= self.high):
            raise ValueError("a norm must be positive and a range must not run backwards")
        if self.unit in DAY_UNITS and (self.high != self.high.to_integral_value()
                                       or (self.low is not None and self.low != self.low.to_integral_value())):
            raise ValueError("day norms must be whole days")

    @property
    def is_sub_day(self) -> bool:
        return self.unit in SUB_DAY_UNITS

    @property
    def is_range(self) -> bool:
        return self.low is not None and self.low != self.high

    @property
    def upper_bound_seconds(self) -> float | None:
        """The norm's upper bound in seconds (sub-day units); None for day units."""
        if not self.is_sub_day:
            return None
        return float(self.high * UNIT_SECONDS[self.unit])

    @property
    def upper_bound(self) -> datetime.timedelta | None:
        seconds = self.upper_bound_seconds
        return None if seconds is None else datetime.timedelta(seconds=seconds)

    @property
    def days(self) -> int | None:
        """The number of (calendar or working) days; None for sub-day units."""
        return int(self.high) if self.unit in DAY_UNITS else None

    def canonical(self) -> str:
        """One spelling of the norm; parse_norm(n.canonical()) == n."""
        high = _format_number(self.high)
        if self.low is None:
            prefix, number = "≤ ", high
        elif self.low == self.high:
            prefix, number = "", high
        else:
            prefix, number = "", f"{_format_number(self.low)}–{high}"
        plural = self.high != 1 or self.is_range
        unit = {
            SECOND: "s",
            MINUTE: "min",
            HOUR: "hours" if plural else "hour",
            CALENDAR_DAY: "calendar days" if plural else "calendar day",
            WORKING_DAY: "working days" if plural else "working day",
        }[self.unit]
        return f"{prefix}{number} {unit}"

    def __str__(self) -> str:
        return self.text or self.canonical()


def _format_number(value: Decimal) -> str:
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def parse_norm(text: str | None) -> Norm | None:
    """Parse a norm as written; None when the text says there is no norm ("—", "")."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError(f"a norm is text, not {type(text).__name__}")
    stripped = text.strip()
    if stripped in NO_NORM_TEXTS:
        return None
    match = _NORM_RE.fullmatch(stripped)
    if not match:
        raise ValueError(f"not a time norm: {text!r}")
    unit_text = " ".join(match["unit"].lower().split())
    try:
        unit = _UNIT_ALIASES[unit_text]
    except KeyError:
        raise ValueError(f"unknown unit {match['unit']!r} in norm {text!r}") from None
    if match["at_most"] and match["second"]:
        raise ValueError(f"an upper bound cannot be a range: {text!r}")
    first = Decimal(match["first"])
    if match["second"]:
        low, high = first, Decimal(match["second"])
    elif match["at_most"]:
        low, high = None, first
    else:
        low = high = first
    try:
        return Norm(low, high, unit, text)
    except ValueError as err:
        raise ValueError(f"{err}: {text!r}") from None
