"""The Kazakh working-day calendar and regulation deadlines.

A date is a working day unless it is a Saturday or Sunday or a public holiday
of Kazakhstan, where

* holidays and day-off transfers come from the `holidays` library
  (``holidays.country_holidays("KZ")``): the statutory holidays, the Labour
  Code's move of a holiday falling on a weekend to the next working day
  ("observed"), and the government's transfers of days off that the library
  records (a weekday off, and the Saturday/Sunday that becomes a working day
  in exchange — the library's ``weekend_workdays``);
* a `WorkingDayOverride` row, when there is one for the date, wins over all
  of that, both ways.

Deadlines (`due_at`) are documented with examples in docs/deadlines.md.

Caching: the library calendar is computed once per year per process
(`functools.lru_cache`); the override table is read whole, kept for
`OVERRIDES_TTL` seconds and dropped at once when a row is saved or deleted
(signals in workdays.signals, also on transaction commit). A deadline
computation therefore costs at most one query, not one per day.
"""
from __future__ import annotations

import datetime
import functools
import threading
import time
import zoneinfo

import holidays

from core.norms import CALENDAR_DAY, WORKING_DAY, Norm

COUNTRY = "KZ"
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
# The provider's working hours when no administrator has set them (workdays.models.WorkingHours): a
# day-based deadline ends at the closing time of its last day.
DEFAULT_HOURS = (datetime.time(9, 0), datetime.time(18, 0))
END_OF_WORKING_DAY = DEFAULT_HOURS[1]
# Seconds a process keeps the override table before re-reading it. Saving or
# deleting an override through the ORM clears it at once in this process;
# the TTL bounds how long other processes (and bulk updates that send no
# signals) can see a stale table.
OVERRIDES_TTL = 300.0

_overrides_lock = threading.Lock()
_overrides: dict[datetime.date, bool] | None = None
_overrides_loaded_at = 0.0
_hours: tuple[datetime.time, datetime.time] | None = None
_hours_loaded_at = 0.0
# While a transaction that changed an override is open, nobody may cache the
# table: it could be rolled back, and rollbacks send no signal. Commit (or the
# TTL, after a rollback) ends this.
_no_caching_until = 0.0


# --- the library calendar -------------------------------------------------

@functools.lru_cache(maxsize=256)
def _library_year(year: int) -> tuple[frozenset[datetime.date], frozenset[datetime.date]]:
    """(holidays, weekend working days) of one year, from the `holidays` library.

    The neighbouring years are populated too: a transfer listed under one year
    can move a day in the next or previous one (e.g. the library's 2014 entry
    makes Saturday 28 Dec 2013 a working day).
    """
    calendar = holidays.country_holidays(COUNTRY, years=[year - 1, year, year + 1])
    days_off = frozenset(d for d in calendar if d.year == year)
    weekend_workdays = frozenset(d for d in getattr(calendar, "weekend_workdays", ()) if d.year == year)
    return days_off, weekend_workdays


def library_holidays(year: int) -> dict[datetime.date, str]:
    """The library's holidays of a year with their names (for display and docs)."""
    calendar = holidays.country_holidays(COUNTRY, years=[year - 1, year, year + 1], language="en_US")
    return {d: name for d, name in sorted(calendar.items()) if d.year == year}


def library_is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day by weekends and the library alone (no overrides)."""
    _check_date(day)
    return _library_working(day)


def _library_working(day: datetime.date) -> bool:
    days_off, weekend_workdays = _library_year(day.year)
    if day in weekend_workdays:
        return True
    return day.weekday() < 5 and day not in days_off


# --- overrides --------------------------------------------------------------

def _load_overrides() -> dict[datetime.date, bool]:
    from workdays.models import WorkingDayOverride

    return dict(WorkingDayOverride.objects.values_list("date", "is_working_day"))


def _load_hours() -> tuple[datetime.time, datetime.time]:
    from workdays.models import WorkingHours

    row = WorkingHours.objects.values_list("opens_at", "closes_at").first()
    return row if row is not None else DEFAULT_HOURS


def overrides() -> dict[datetime.date, bool]:
    """date -> is_working_day for every override row (cached, see module docstring)."""
    global _overrides, _overrides_loaded_at
    with _overrides_lock:
        if time.monotonic() < _no_caching_until:
            return _load_overrides()
        if _overrides is None or time.monotonic() - _overrides_loaded_at > OVERRIDES_TTL:
            _overrides = _load_overrides()
            _overrides_loaded_at = time.monotonic()
        return _overrides


def working_hours() -> tuple[datetime.time, datetime.time]:
    """(opens, closes) of the provider's working day, Asia/Almaty (``WorkingHours``; cached like the overrides)."""
    global _hours, _hours_loaded_at
    with _overrides_lock:
        if time.monotonic() < _no_caching_until:
            return _load_hours()
        if _hours is None or time.monotonic() - _hours_loaded_at > OVERRIDES_TTL:
            _hours = _load_hours()
            _hours_loaded_at = time.monotonic()
        return _hours


def invalidate_overrides(using: str | None = None) -> None:
    """Forget the cached override table: now, and again when the transaction commits.

    Inside a transaction the table is not cached again until it commits (or
    OVERRIDES_TTL passes, should it roll back).
    """
    global _no_caching_until
    from django.db import transaction

    _clear_overrides()
    if transaction.get_connection(using).in_atomic_block:
        with _overrides_lock:
            _no_caching_until = time.monotonic() + OVERRIDES_TTL
    transaction.on_commit(_clear_overrides, using=using)


def _clear_overrides() -> None:
    global _overrides, _hours, _no_caching_until
    with _overrides_lock:
        _overrides = None
        _hours = None
        _no_caching_until = 0.0


def clear_caches() -> None:
    """Forget everything cached (tests; after upgrading the holidays library)."""
    _clear_overrides()
    _library_year.cache_clear()


# --- working days ------------------------------------------------------------

def _check_date(day) -> None:
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError(f"expected a date, got {type(day).__name__}")


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day in Kazakhstan (five-day week), overrides included."""
    _check_date(day)
    return _working(day, overrides())


def _working(day: datetime.date, table: dict[datetime.date, bool]) -> bool:
    """`is_working_day` against an override table the caller read once (a count over many days reads it
    once, not once a day: the signed submission's deadline counts some thirty days)."""
    override = table.get(day)
    return _library_working(day) if override is None else override


def add_calendar_days(start: datetime.date, n: int) -> datetime.date:
    """The date `n` calendar days after `start` (the day of receipt does not count)."""
    _check_date(start)
    return start + datetime.timedelta(days=n)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The `n`-th working day after `start`; `start` itself never counts, whatever it is.

    n == 0 gives `start` back unchanged; n < 0 is refused.
    """
    _check_date(start)
    if n < 0:
        raise ValueError("n must not be negative")
    day, table, one = start, overrides(), datetime.timedelta(days=1)
    while n:
        day += one
        if _working(day, table):
            n -= 1
    return day


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """How many working days d there are with a < d <= b (negative if b < a).

    So working_days_between(d, add_working_days(d, n)) == n.
    """
    _check_date(a)
    _check_date(b)
    if b < a:
        return -working_days_between(b, a)
    count, day, table, one = 0, a, overrides(), datetime.timedelta(days=1)
    while day < b:
        day += one
        count += _working(day, table)
    return count


# --- deadlines -------------------------------------------------------------

def next_working_day(day: datetime.date) -> datetime.date:
    """`day` itself if it is a working day, else the first working day after it."""
    _check_date(day)
    table = overrides()
    while not _working(day, table):
        day += datetime.timedelta(days=1)
    return day


def _aware_start(start) -> None:
    if not isinstance(start, datetime.datetime):
        raise TypeError(f"expected a datetime, got {type(start).__name__}")
    if start.tzinfo is None or start.tzinfo.utcoffset(start) is None:
        raise ValueError("start must be an aware datetime")


def due_at(start: datetime.datetime, norm: Norm) -> datetime.datetime:
    """When a step that started at `start` (aware) is due under `norm`.

    * seconds / minutes / hours: `start` plus the norm's upper bound, as
      elapsed time (a range "10–15 s" gives 15 s); an office step's norm is
      counted in working time instead (`due_in_working_time`, chosen by the
      caller).
    * calendar days: the n-th calendar day after the local (Asia/Almaty) date
      of `start`; a last day that is not a working day gives way to the next
      working day (Civil Code of the Republic of Kazakhstan, art. 173 — see
      docs/deadlines.md).
    * working days: the n-th working day after the local date of `start`.

    Day norms end at the provider's closing time (`working_hours`, 18:00 unless
    an administrator set it) on the last day, Asia/Almaty. The result is in
    Asia/Almaty for day norms, in `start`'s zone otherwise.
    """
    _aware_start(start)
    if norm is None:
        raise ValueError("no norm, no deadline")
    if norm.is_sub_day:
        return start + norm.upper_bound
    received = start.astimezone(ALMATY).date()
    if norm.unit == CALENDAR_DAY:
        last_day = next_working_day(add_calendar_days(received, norm.days))
    elif norm.unit == WORKING_DAY:
        last_day = add_working_days(received, norm.days)
    else:  # pragma: no cover - Norm validates its unit
        raise ValueError(f"unknown unit {norm.unit!r}")
    return datetime.datetime.combine(last_day, working_hours()[1], tzinfo=ALMATY)


def due_in_working_time(start: datetime.datetime, seconds: float) -> datetime.datetime:
    """When `seconds` of the provider's working time have passed since `start` (aware): only the time
    between opening and closing (`working_hours`) of working days counts. A step opened at night, on a
    day off or after closing starts counting at the next opening. Asia/Almaty."""
    _aware_start(start)
    if seconds < 0:
        raise ValueError("seconds must not be negative")
    opens, closes = working_hours()
    table = overrides()
    at = start.astimezone(ALMATY)
    left = datetime.timedelta(seconds=seconds)
    while True:
        day = at.date()
        opening = datetime.datetime.combine(day, opens, tzinfo=ALMATY)
        closing = datetime.datetime.combine(day, closes, tzinfo=ALMATY)
        if not _working(day, table) or at >= closing:
            at = datetime.datetime.combine(next_working_day(day + datetime.timedelta(days=1)), opens, tzinfo=ALMATY)
            continue
        at = max(at, opening)
        if at + left <= closing:
            return at + left
        left -= closing - at
        at = closing
