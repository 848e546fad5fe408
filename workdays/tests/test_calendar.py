"""The working-day calendar: library facts, hand-computed deadlines, properties."""
import datetime

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.norms import parse_norm
from workdays import calendar
from workdays.calendar import (
    ALMATY,
    add_calendar_days,
    add_working_days,
    due_at,
    due_in_working_time,
    is_working_day,
    library_holidays,
    library_is_working_day,
    working_days_between,
)
from workdays.models import WorkingDayOverride, WorkingHours

pytestmark = pytest.mark.django_db

D = datetime.date
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2035, 12, 31))
db_settings = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)


# --- what the holidays library says about Kazakhstan -------------------------

def test_library_kz_2026_holidays():
    days_off = set(library_holidays(2026))
    assert {
        D(2026, 1, 1), D(2026, 1, 2),                   # New Year
        D(2026, 1, 7),                                   # Orthodox Christmas
        D(2026, 3, 8), D(2026, 3, 9),                    # Women's Day (Sunday) + observed Monday
        D(2026, 3, 21), D(2026, 3, 22), D(2026, 3, 23),  # Nauryz
        D(2026, 3, 24), D(2026, 3, 25),                  # Nauryz Sat/Sun observed Tue/Wed
        D(2026, 5, 1), D(2026, 5, 7), D(2026, 5, 9), D(2026, 5, 11),
        D(2026, 5, 27),                                  # Kurban Ait (library: estimated)
        D(2026, 7, 6), D(2026, 10, 25), D(2026, 10, 26), D(2026, 12, 16),
    } == days_off


def test_constitution_day_2026_is_not_a_holiday():
    # The 2026 constitution moved Constitution Day from 30 August to 15 March
    # from 2027 on; in 2026 it is not celebrated. holidays 0.109 knows this,
    # so the project ships no override for it. If this fails after a library
    # change, add a data migration with the override (docs/deadlines.md).
    assert D(2026, 8, 30) not in library_holidays(2026)
    assert is_working_day(D(2026, 8, 31))  # Monday; would be the observed day
    assert D(2025, 8, 30) in library_holidays(2025)
    assert not is_working_day(D(2025, 9, 1))  # 2025: Saturday holiday observed on Monday
    assert D(2027, 3, 15) in library_holidays(2027)


def test_library_transfers_are_used_both_ways():
    # 2025 government transfer: Sunday 5 January worked, Friday 3 January off.
    assert is_working_day(D(2025, 1, 5))
    assert not is_working_day(D(2025, 1, 3))
    # A transfer listed under 2014 that moves a day in 2013.
    assert is_working_day(D(2013, 12, 28))


def test_plain_weekends_and_weekdays():
    assert not is_working_day(D(2026, 11, 21))  # Saturday
    assert not is_working_day(D(2026, 11, 22))  # Sunday
    assert is_working_day(D(2026, 11, 23))      # Monday
    assert is_working_day(D(2025, 12, 31))      # 31 December is a working day


def test_dates_only():
    with pytest.raises(TypeError):
        is_working_day(datetime.datetime(2026, 3, 20, 10, 0))
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 20), -1)


# --- known deadlines, counted by hand ----------------------------------------

def test_29_working_days_across_nauryz_2026():
    # Received Monday 16 March 2026. Working days after it:
    #  1-4  Tue 17 .. Fri 20 March
    #       Sat 21 .. Wed 25 off (Nauryz 21-23; 21/22 fall on the weekend,
    #       so Tue 24 and Wed 25 are the observed days off), Sat 28/Sun 29
    #  5-6  Thu 26, Fri 27
    #  7-11 Mon 30 March .. Fri 3 April
    # 12-16 6-10 April, 17-21 13-17 April, 22-26 20-24 April
    # 27-29 Mon 27, Tue 28, Wed 29 April
    assert add_working_days(D(2026, 3, 16), 29) == D(2026, 4, 29)
    assert working_days_between(D(2026, 3, 16), D(2026, 4, 29)) == 29


def test_29_working_days_across_new_year_and_christmas_2026():
    # Received Friday 26 December 2025.
    #  1-3  Mon 29, Tue 30, Wed 31 December (31 Dec is a working day)
    #       Thu 1, Fri 2 January off (New Year), Sat 3/Sun 4
    #  4-5  Mon 5, Tue 6 January;  Wed 7 January off (Orthodox Christmas)
    #  6-7  Thu 8, Fri 9
    #  8-12 12-16 Jan, 13-17 19-23 Jan, 18-22 26-30 Jan, 23-27 2-6 Feb
    # 28-29 Mon 9, Tue 10 February
    assert add_working_days(D(2025, 12, 26), 29) == D(2026, 2, 10)


def test_29_working_days_across_8_march_and_nauryz_2026():
    # Received Friday 20 February 2026.
    #  1-5  23-27 February
    #  6-10 2-6 March; Sun 8 March is Women's Day, so Mon 9 March is off
    # 11-14 Tue 10 .. Fri 13 March
    # 15-19 16-20 March; 21-25 March off (Nauryz, see above)
    # 20-21 Thu 26, Fri 27 March
    # 22-26 Mon 30 March .. Fri 3 April
    # 27-29 Mon 6, Tue 7, Wed 8 April
    assert add_working_days(D(2026, 2, 20), 29) == D(2026, 4, 8)


def test_2_working_days_refusal_over_nauryz():
    # Received Friday 20 March 2026: next working days Thu 26, Fri 27 March.
    assert add_working_days(D(2026, 3, 20), 2) == D(2026, 3, 27)


def test_override_working_saturday_shortens_the_deadline():
    assert add_working_days(D(2026, 3, 16), 29) == D(2026, 4, 29)
    WorkingDayOverride.objects.create(
        date=D(2026, 3, 28), is_working_day=True,
        reason_en="hypothetical decree: Saturday 28 March worked",
    )
    assert is_working_day(D(2026, 3, 28))
    assert add_working_days(D(2026, 3, 16), 29) == D(2026, 4, 28)


def test_override_day_off_lengthens_the_deadline_and_delete_restores():
    override = WorkingDayOverride.objects.create(date=D(2026, 4, 10), is_working_day=False, reason_en="extra day off")
    assert not is_working_day(D(2026, 4, 10))
    assert add_working_days(D(2026, 3, 16), 29) == D(2026, 4, 30)
    override.delete()
    assert is_working_day(D(2026, 4, 10))
    assert add_working_days(D(2026, 3, 16), 29) == D(2026, 4, 29)


def test_override_update_is_seen():
    override = WorkingDayOverride.objects.create(date=D(2026, 11, 21), is_working_day=True)
    assert is_working_day(D(2026, 11, 21))
    override.is_working_day = False
    override.save()
    assert not is_working_day(D(2026, 11, 21))


def test_override_can_make_a_library_holiday_a_working_day():
    assert not is_working_day(D(2026, 5, 27))
    WorkingDayOverride.objects.create(date=D(2026, 5, 27), is_working_day=True)
    assert is_working_day(D(2026, 5, 27))
    assert not library_is_working_day(D(2026, 5, 27))


def test_one_query_per_deadline(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        add_working_days(D(2026, 1, 1), 250)
        add_working_days(D(2026, 6, 1), 250)
    with django_assert_max_num_queries(0):
        working_days_between(D(2026, 1, 1), D(2027, 1, 1))


def test_calendar_days():
    assert add_calendar_days(D(2026, 8, 14), 15) == D(2026, 8, 29)
    assert add_calendar_days(D(2026, 12, 20), 15) == D(2027, 1, 4)


# --- due_at -------------------------------------------------------------------

def almaty(*args):
    return datetime.datetime(*args, tzinfo=ALMATY)


def test_due_at_sub_day_norms_add_elapsed_time():
    start = almaty(2026, 3, 20, 17, 30)
    assert due_at(start, parse_norm("10–15 s")) == start + datetime.timedelta(seconds=15)
    assert due_at(start, parse_norm("1.5 min")) == start + datetime.timedelta(seconds=90)
    # Elapsed time: 3 hours from 17:30 on the eve of Nauryz is 20:30 the same day.
    assert due_at(start, parse_norm("3 hours")) == almaty(2026, 3, 20, 20, 30)


def test_due_at_working_days_ends_at_1800_almaty():
    assert due_at(almaty(2026, 3, 16, 9, 0), parse_norm("29 working days")) == almaty(2026, 4, 29, 18, 0)
    # Receipt late in the evening counts by its Almaty date, not its UTC date.
    late = datetime.datetime(2026, 3, 16, 19, 30, tzinfo=datetime.UTC)  # 00:30 on 17 March in Almaty
    assert due_at(late, parse_norm("2 working days")) == almaty(2026, 3, 19, 18, 0)


def test_due_at_calendar_days_ending_on_a_day_off_move_to_the_next_working_day():
    # Civil Code art. 173: S1's 15 calendar days from Friday 14 August 2026 end on Saturday 29 August,
    # a day off: the term ends on Monday 31 August.
    due = due_at(almaty(2026, 8, 14, 11, 0), parse_norm("≤ 15 calendar days"))
    assert due == almaty(2026, 8, 31, 18, 0)
    assert due.utcoffset() == datetime.timedelta(hours=5)
    # 15 days from 1 December 2026 end on Wednesday 16 December, Independence Day: Thursday 17 December.
    assert due_at(almaty(2026, 12, 1, 10, 0), parse_norm("15 calendar days")) == almaty(2026, 12, 17, 18, 0)
    # On a working day nothing moves: 15 days from 2 December end on Thursday 17 December.
    assert due_at(almaty(2026, 12, 2, 10, 0), parse_norm("15 calendar days")) == almaty(2026, 12, 17, 18, 0)
    # A run of days off: 15 days from 6 March 2026 end on Saturday 21 March (Nauryz, off until Wednesday
    # 25 March): Thursday 26 March.
    assert due_at(almaty(2026, 3, 6, 10, 0), parse_norm("15 calendar days")) == almaty(2026, 3, 26, 18, 0)


def test_an_override_day_off_moves_a_calendar_deadline():
    WorkingDayOverride.objects.create(date=D(2026, 12, 17), is_working_day=False)
    assert due_at(almaty(2026, 12, 1, 10, 0), parse_norm("15 calendar days")) == almaty(2026, 12, 18, 18, 0)


@db_settings
@given(start=dates, days=st.integers(min_value=1, max_value=90))
def test_calendar_deadline_is_the_first_working_day_on_or_after_the_plain_count(start, days):
    due = due_at(datetime.datetime.combine(start, datetime.time(12), tzinfo=ALMATY),
                 parse_norm(f"{days} calendar days")).date()
    plain = add_calendar_days(start, days)
    assert due >= plain and is_working_day(due)
    assert all(not is_working_day(plain + datetime.timedelta(days=k)) for k in range((due - plain).days))


def test_day_deadlines_end_at_the_closing_time_an_administrator_sets():
    WorkingHours.objects.create(opens_at=datetime.time(8, 30), closes_at=datetime.time(17, 30))
    assert due_at(almaty(2026, 3, 16, 9, 0), parse_norm("29 working days")) == almaty(2026, 4, 29, 17, 30)


# --- office steps in working time -----------------------------------------------
def test_working_time_within_one_day():
    assert due_in_working_time(almaty(2026, 12, 2, 10, 0), 3 * 3600) == almaty(2026, 12, 2, 13, 0)


def test_working_time_carries_over_closing_to_the_next_working_morning():
    # Thursday 17:30 + 3 h: half an hour that day, 2.5 h on Friday from 09:00.
    assert due_in_working_time(almaty(2026, 12, 3, 17, 30), 3 * 3600) == almaty(2026, 12, 4, 11, 30)
    # Friday 17:00 + 2 h: one hour on Friday, one on Monday.
    assert due_in_working_time(almaty(2026, 12, 4, 17, 0), 2 * 3600) == almaty(2026, 12, 7, 10, 0)


def test_working_time_opened_at_night_or_on_a_day_off_starts_at_the_next_opening():
    # A request that arrived at 00:03 on a Wednesday: 3 hours from 09:00, not 03:03.
    assert due_in_working_time(almaty(2026, 12, 2, 0, 3), 3 * 3600) == almaty(2026, 12, 2, 12, 0)
    # Tuesday 15 December 20:00 + 15 min: Wednesday 16 December is Independence Day: Thursday 09:15.
    assert due_in_working_time(almaty(2026, 12, 15, 20, 0), 15 * 60) == almaty(2026, 12, 17, 9, 15)
    # Saturday: Monday morning.
    assert due_in_working_time(almaty(2026, 12, 5, 11, 0), 3600) == almaty(2026, 12, 7, 10, 0)


def test_working_time_follows_the_hours_an_administrator_sets():
    WorkingHours.objects.create(opens_at=datetime.time(10, 0), closes_at=datetime.time(12, 0))
    assert due_in_working_time(almaty(2026, 12, 2, 11, 0), 2 * 3600) == almaty(2026, 12, 3, 11, 0)


@db_settings
@given(start=st.datetimes(min_value=datetime.datetime(2025, 1, 1), max_value=datetime.datetime(2027, 12, 31)),
       minutes=st.integers(min_value=1, max_value=5 * 9 * 60))
def test_working_time_due_is_within_working_hours_and_counts_exactly(start, minutes):
    start = start.replace(tzinfo=ALMATY)
    due = due_in_working_time(start, minutes * 60)
    assert due > start and is_working_day(due.date())
    assert datetime.time(9, 0) < due.timetz().replace(tzinfo=None) <= datetime.time(18, 0)
    # The working minutes between start and due, counted minute by minute, are the norm.
    counted, at = 0, start.replace(second=0, microsecond=0)
    if at < start:
        at += datetime.timedelta(minutes=1)
    step = datetime.timedelta(minutes=1)
    while at < due:
        local = at.timetz().replace(tzinfo=None)
        if is_working_day(at.date()) and datetime.time(9, 0) <= local < datetime.time(18, 0):
            counted += 1
        at += step
    assert abs(counted - minutes) <= 1


def test_due_at_refuses_naive_datetimes_and_no_norm():
    with pytest.raises(ValueError):
        due_at(datetime.datetime(2026, 3, 16, 9, 0), parse_norm("2 working days"))
    with pytest.raises(ValueError):
        due_at(almaty(2026, 3, 16, 9, 0), parse_norm("—"))


# --- properties ----------------------------------------------------------------

@db_settings
@given(start=dates, n=st.integers(min_value=1, max_value=300))
def test_add_working_days_lands_on_a_working_day_n_days_on(start, n):
    end = add_working_days(start, n)
    assert is_working_day(end)
    assert end > start
    assert working_days_between(start, end) == n
    assert working_days_between(end, start) == -n
    # Nothing in between is skipped: one working day less lands strictly earlier.
    assert add_working_days(start, n - 1) < end


@db_settings
@given(start=dates, n=st.integers(min_value=0, max_value=300), m=st.integers(min_value=0, max_value=300))
def test_add_working_days_is_monotonic_and_composes(start, n, m):
    if n < m:
        assert add_working_days(start, n) < add_working_days(start, m)
    assert add_working_days(add_working_days(start, n), m) == add_working_days(start, n + m)


@db_settings
@given(a=dates, b=dates)
def test_working_days_between_counts_days(a, b):
    lo, hi = min(a, b), max(a, b)
    if (hi - lo).days > 800:
        hi = lo + datetime.timedelta(days=800)
    expected = sum(is_working_day(lo + datetime.timedelta(days=i)) for i in range(1, (hi - lo).days + 1))
    assert working_days_between(lo, hi) == expected
    assert working_days_between(lo, hi) <= (hi - lo).days


@db_settings
@given(day=dates, start_offset=st.integers(min_value=1, max_value=40))
def test_overrides_take_effect_both_ways(day, start_offset):
    start = day - datetime.timedelta(days=start_offset)
    before = is_working_day(day)
    n = working_days_between(start, day) + (0 if before else 1)
    due_before = add_working_days(start, n)
    with transaction.atomic():
        WorkingDayOverride.objects.create(date=day, is_working_day=not before)
        assert is_working_day(day) is (not before)
        assert library_is_working_day(day) is before
        eve = day - datetime.timedelta(days=1)
        assert working_days_between(start, day) == working_days_between(start, eve) + (not before)
        due_after = add_working_days(start, n)
        if before:
            assert due_after > due_before  # a day taken off pushes the deadline out
        else:
            assert due_after == day < due_before  # a day worked brings it in
        transaction.set_rollback(True)
    calendar.clear_caches()
    assert is_working_day(day) is before
