"""Saving or deleting an override or the working hours through the ORM drops the calendar's cached calendar data at once
(workdays.calendar); connected in the app's ready()."""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from workdays.calendar import invalidate_overrides
from workdays.models import WorkingDayOverride, WorkingHours


@receiver(post_save, sender=WorkingDayOverride, dispatch_uid="workdays_override_saved")
@receiver(post_delete, sender=WorkingDayOverride, dispatch_uid="workdays_override_deleted")
@receiver(post_save, sender=WorkingHours, dispatch_uid="workdays_hours_saved")
@receiver(post_delete, sender=WorkingHours, dispatch_uid="workdays_hours_deleted")
def _invalidate_override_cache(sender, using=None, **kwargs):
    invalidate_overrides(using)
