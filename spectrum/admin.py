"""The administrator's view of the spectrum registry. The per-service parameters are edited here (guard band,
protection ratios, threshold, reach: audited as every admin change); the table of allocations is loaded from CSV
(manage.py load_frequency_table); assignments and devices come from permits (their registry pages and API)."""
from django.contrib import admin

from spectrum.models import ServiceParameters


@admin.register(ServiceParameters)
class ServiceParametersAdmin(admin.ModelAdmin):
    list_display = ("radio_service", "guard_band_khz", "protection_ratio_db", "adjacent_protection_ratio_db",
                    "threshold_dbw", "max_reach_km")
