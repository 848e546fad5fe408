"""The working-day calendar's actions: saving and removing an override. Through the ORM, so the signals
(workdays.signals) drop the calendar's cached overrides at once."""
from __future__ import annotations

import datetime

from django.db import transaction

from workdays.models import WorkingDayOverride


def save_override(*, date: datetime.date, is_working_day: bool, reason_kk: str = "", reason_ru: str = "",
                  reason_en: str = "") -> WorkingDayOverride:
    """A new override of ``date``: a working day (``is_working_day``) or a day off, whatever the calendar says."""
    with transaction.atomic():
        override = WorkingDayOverride(date=date, is_working_day=is_working_day, reason_kk=reason_kk,
                                      reason_ru=reason_ru, reason_en=reason_en)
        override.save()
    return override


def delete_override(*, override_id) -> None:
    """Remove an override (none with that id: nothing happens)."""
    with transaction.atomic():
        WorkingDayOverride.objects.filter(pk=override_id).delete()
