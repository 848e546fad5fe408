"""Decree-level corrections to the Kazakh working-day calendar.

The `holidays` library gives the statutory holidays, the Labour Code's
moves of a holiday falling on a weekend, and the government's transfers
that the library has caught up with. A `WorkingDayOverride` row wins over
all of that, both ways: a Saturday the government made a working day, or a
day off the library does not know about (see docs/deadlines.md).
"""
import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkingDayOverride(models.Model):
    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"),
        help_text=_("Ticked: the date is a working day whatever the calendar says "
                    "(e.g. a transferred working Saturday). Unticked: the date is a day off."),
    )
    reason_kk = models.CharField(_("reason (Kazakh)"), max_length=500, blank=True)
    reason_ru = models.CharField(_("reason (Russian)"), max_length=500, blank=True)
    reason_en = models.CharField(_("reason (English)"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self):
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date.isoformat()}: {kind}"


class WorkingHours(models.Model):
    """The provider's working hours, in Asia/Almaty time: one row, set by an administrator (none: 09:00–18:00).

    A day-based deadline ends at the closing time of its last day; an office step's norm in hours or
    minutes is counted in working time — between opening and closing, on working days (docs/deadlines.md)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    opens_at = models.TimeField(_("opens at"), default=datetime.time(9, 0))
    closes_at = models.TimeField(_("closes at"), default=datetime.time(18, 0))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        constraints = [
            models.CheckConstraint(condition=models.Q(singleton=True), name="working_hours_one_row"),
            models.CheckConstraint(condition=models.Q(opens_at__lt=models.F("closes_at")),
                                   name="working_hours_open_before_close"),
        ]

    def __str__(self):
        return f"{self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
