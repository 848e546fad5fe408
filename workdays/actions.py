"""The working-day calendar's actions: saving and removing an override. Through the ORM, so the signals
(workdays.signals) drop the calendar's cached overrides at once."""
from __future__ import annotations

import datetime

from django.db import transaction

from audit import actions as audit
from workdays.models import WorkingDayOverride


def save_override(*, date: datetime.date, is_working_day: bool, reason_kk: str = "", reason_ru: str = "",
                  reason_en: str = "", actor=None) -> WorkingDayOverride:
    """A new override of ``date``: a working day (``is_working_day``) or a day off, whatever the calendar says."""
    with transaction.atomic():
        override = WorkingDayOverride(date=date, is_working_day=is_working_day, reason_kk=reason_kk,
                                      reason_ru=reason_ru, reason_en=reason_en)
        override.save()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=override, data={
            "change": "calendar_override_saved", "date": date, "is_working_day": is_working_day})
    return override


def delete_override(*, override_id, actor=None) -> None:
    """Remove an override (none with that id: nothing happens)."""
    with transaction.atomic():
        override = WorkingDayOverride.objects.filter(pk=override_id).first()
        if override is not None:
            override.delete()
            audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=("workdays.workingdayoverride", override_id),
                         data={"change": "calendar_override_deleted", "date": override.date,
                               "is_working_day": override.is_working_day})
