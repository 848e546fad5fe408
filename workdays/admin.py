from django.contrib import admin
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from workdays.calendar import library_is_working_day
from workdays.models import WorkingDayOverride, WorkingHours


@admin.register(WorkingDayOverride)
class WorkingDayOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "weekday", "is_working_day", "library_says", "reason_kk", "reason_ru", "reason_en")
    list_filter = ("is_working_day",)
    date_hierarchy = "date"
    search_fields = ("reason_kk", "reason_ru", "reason_en")
    readonly_fields = ("created_at",)
    ordering = ("-date",)

    @admin.display(description=_("weekday"))
    def weekday(self, obj):
        return date_format(obj.date, "D")

    @admin.display(description=_("working day without the override"), boolean=True)
    def library_says(self, obj):
        return library_is_working_day(obj.date)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("opens_at", "closes_at")

    def has_add_permission(self, request):
        return not WorkingHours.objects.exists()
