"""The radio-frequency resource: the national table of frequency allocations, the per-service interference
parameters the administrator sets, the assignments (stations) and the devices operated on them.

Units, everywhere: frequencies in MHz, bandwidths in kHz, EIRP in dBW (0 dBW = 1 W = 30 dBm), receiver
thresholds in dBW, protection ratios in dB, distances in km, antenna heights in metres above ground.

The pre-check (``spectrum.precheck``) finds candidates through one composite index, never a scan: ``cell`` is
the station's cell on a 0.5° × 0.5° latitude/longitude grid (``cell_of``), ``width_class`` the order of its
bandwidth (≤ 1 MHz, ≤ 10 MHz, ≤ 100 MHz, wider), and the index (cell, width_class, low_mhz) lets one query ask
"in the cells round a point, the assignments of each width class whose lower edge lies in the frequency window
that class can reach" — a narrow request's window is then narrow, whatever wide links the registry also holds.
"""
from __future__ import annotations

import math

from django.db import models
from django.utils.translation import gettext_lazy as _

CELL_DEGREES = 0.5
CELLS_PER_ROW = 1000  # cell = row * 1000 + column, row from latitude, column from longitude


WIDTH_CLASS_LIMITS_KHZ = (1_000, 10_000, 100_000)  # class 0, 1, 2; wider: class 3


def width_class_of(bandwidth_khz: float) -> int:
    return sum(1 for limit in WIDTH_CLASS_LIMITS_KHZ if bandwidth_khz > limit)


def cell_of(latitude: float, longitude: float) -> int:
    row = math.floor((latitude + 90) / CELL_DEGREES)
    column = math.floor((longitude + 180) / CELL_DEGREES)
    return row * CELLS_PER_ROW + column


class RadioService(models.TextChoices):
    FIXED = "fixed", _("fixed")
    MOBILE = "mobile", _("mobile")
    BROADCASTING = "broadcasting", _("broadcasting")
    SATELLITE = "satellite", _("fixed-satellite")
    RADIOLOCATION = "radiolocation", _("radiolocation")


class Polarisation(models.TextChoices):
    VERTICAL = "vertical", _("vertical")
    HORIZONTAL = "horizontal", _("horizontal")
    CIRCULAR = "circular", _("circular")
    DUAL = "dual", _("dual (slant ±45°)")


class FrequencyBand(models.Model):
    """One row of the national table of frequency allocations: a band allocated to a radio service
    (loaded from CSV by ``manage.py load_frequency_table``)."""

    low_mhz = models.FloatField()
    high_mhz = models.FloatField()
    radio_service = models.CharField(max_length=20, choices=RadioService.choices)
    primary = models.BooleanField(default=True, help_text="primary (else secondary) allocation")
    footnote = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="where the row comes from")

    class Meta:
        ordering = ["low_mhz", "radio_service"]
        indexes = [models.Index(fields=["radio_service", "low_mhz"], name="spectrum_band_service_low")]
        constraints = [models.CheckConstraint(condition=models.Q(low_mhz__lt=models.F("high_mhz")),
                                              name="spectrum_band_order")]

    def __str__(self):
        return f"{self.low_mhz}–{self.high_mhz} MHz {self.radio_service}"


class ServiceParameters(models.Model):
    """What the administrator sets per radio service for the pre-check (demo values until set)."""

    radio_service = models.CharField(max_length=20, choices=RadioService.choices, unique=True)
    guard_band_khz = models.FloatField(default=25, help_text="adjacent-channel guard band, kHz")
    protection_ratio_db = models.FloatField(default=20, help_text="co-channel protection ratio, dB")
    adjacent_protection_ratio_db = models.FloatField(
        default=-25, help_text="adjacent-channel protection ratio (within the guard band), dB")
    threshold_dbw = models.FloatField(default=-120, help_text="the victim receiver's minimum wanted signal, dBW")
    max_reach_km = models.FloatField(default=150, help_text="the farthest the pre-check looks, km")

    def __str__(self):
        return self.radio_service


class Assignment(models.Model):
    """A frequency assignment: one station transmitting on one channel (centre frequency and bandwidth) at a
    place. Recorded when an S3 permit is issued (``record``: its registry record), or loaded from the register
    kept before the system (``reference``: that register's number)."""

    record = models.ForeignKey("registry.Record", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assignments")
    reference = models.CharField(max_length=60, blank=True, help_text="a number from the register before the system")
    holder_name = models.CharField(max_length=300)
    holder_iin = models.CharField(max_length=12, blank=True, db_index=True)
    holder_bin = models.CharField(max_length=12, blank=True, db_index=True)
    radio_service = models.CharField(max_length=20, choices=RadioService.choices)
    centre_mhz = models.FloatField()
    bandwidth_khz = models.FloatField()
    low_mhz = models.FloatField(help_text="centre − bandwidth/2")
    high_mhz = models.FloatField(help_text="centre + bandwidth/2")
    eirp_dbw = models.FloatField(help_text="EIRP, dBW")
    antenna_height_m = models.FloatField(default=30)
    polarisation = models.CharField(max_length=12, choices=Polarisation.choices, default=Polarisation.VERTICAL)
    latitude = models.FloatField()
    longitude = models.FloatField()
    cell = models.IntegerField(help_text="0.5° grid cell (spectrum.models.cell_of)")
    width_class = models.PositiveSmallIntegerField(default=0, help_text="spectrum.models.width_class_of")
    area = models.CharField(max_length=200, blank=True, help_text="the region or settlement (public)")
    station_address = models.CharField(max_length=300, blank=True, help_text="never public for an individual")
    region = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["low_mhz", "id"]
        indexes = [
            models.Index(fields=["cell", "width_class", "low_mhz"], name="spectrum_assignment_cell_low"),
            models.Index(fields=["low_mhz"], name="spectrum_assignment_low"),
            models.Index(fields=["bandwidth_khz"], name="spectrum_assignment_width"),
            models.Index(fields=["eirp_dbw"], name="spectrum_assignment_eirp"),
        ]

    def __str__(self):
        return f"{self.centre_mhz} MHz {self.holder_name}"

    def save(self, *args, **kwargs):
        self.low_mhz = self.centre_mhz - self.bandwidth_khz / 2000
        self.high_mhz = self.centre_mhz + self.bandwidth_khz / 2000
        self.cell = cell_of(self.latitude, self.longitude)
        self.width_class = width_class_of(self.bandwidth_khz)
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        return self.record.status if self.record_id else "valid"

    @property
    def number(self) -> str:
        return self.record.number if self.record_id else self.reference

    @property
    def holder_is_individual(self) -> bool:
        return not self.holder_bin


class Device(models.Model):
    """A radio-electronic or high-frequency device, recorded when an S4 permit is issued; a transmitting one
    names the assignment (S3) that covers its frequencies."""

    record = models.ForeignKey("registry.Record", on_delete=models.PROTECT, related_name="devices")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="devices")
    device_type = models.CharField(max_length=100)
    manufacturer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100)
    serial = models.CharField(max_length=60)
    certificate_number = models.CharField(max_length=60, blank=True, help_text="conformity certificate")
    low_mhz = models.FloatField(null=True, blank=True)
    high_mhz = models.FloatField(null=True, blank=True)
    power_w = models.FloatField(null=True, blank=True)
    mobile = models.BooleanField(default=False)
    place = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["record", "id"]

    def __str__(self):
        return f"{self.device_type} {self.model} {self.serial}"
