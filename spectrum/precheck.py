"""The interference pre-check: free-space estimates of what a requested assignment would do to the stations
already assigned near it on overlapping frequencies, and what they would do to it.

The method (docs/resources.md, "Spectrum and devices"):

- distance: haversine on a sphere of radius 6371 km;
- path loss: free space, ITU-R P.525: L = 32.45 + 20 log10 f[MHz] + 20 log10 d[km] (dB), f the victim's centre
  frequency; below 0.1 km the distance is taken as 0.1 km;
- interfering signal at the victim: I = EIRP(interferer, dBW) − L (antenna gain of the victim receiver 0 dBi,
  no polarisation discrimination, no terrain or clutter: the worst case free space gives);
- the victim's tolerance (the threshold model): its receiver is protected down to the threshold T (dBW, set per
  radio service: the weakest wanted signal it must still receive); an interferer is tolerable while
  I ≤ T − PR, PR the protection ratio (dB) — the co-channel one when the occupied bands overlap, the
  adjacent-channel one when they do not but are closer than the guard band;
- margin = (T − PR) − I, in dB; negative is a conflict;
- both directions: the requested station as interferer of each existing one, and as victim of it.

Candidates are found through the index (cell, width_class, low_mhz): the cells within the reach (the distance at
which free space brings the strongest signal concerned down to the tolerance, capped by the services'
``max_reach_km``), and in them, per width class, the assignments whose lower edge lies where a band of that class
can meet the requested one widened by the guard band. Nothing scans the table.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.db.models import Max, Q

from registry.models import Record
from spectrum.models import CELL_DEGREES, CELLS_PER_ROW, WIDTH_CLASS_LIMITS_KHZ, Assignment, ServiceParameters

EARTH_RADIUS_KM = 6371.0
MIN_DISTANCE_KM = 0.1
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # 111.19 km
DEFAULTS = ServiceParameters()  # the model's defaults, for a service the administrator has not set


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def fspl_db(frequency_mhz: float, distance_km: float) -> float:
    """Free-space basic transmission loss, ITU-R P.525."""
    d = max(distance_km, MIN_DISTANCE_KM)
    return 32.45 + 20 * math.log10(frequency_mhz) + 20 * math.log10(d)


def reach_km(eirp_dbw: float, frequency_mhz: float, tolerance_dbw: float, cap_km: float) -> float:
    """The distance at which free space brings ``eirp_dbw`` down to ``tolerance_dbw``, at most ``cap_km``."""
    exponent = (eirp_dbw - tolerance_dbw - 32.45 - 20 * math.log10(frequency_mhz)) / 20
    if exponent > math.log10(cap_km):
        return cap_km
    return max(10 ** exponent, MIN_DISTANCE_KM)


def separation_khz(low1: float, high1: float, low2: float, high2: float) -> float:
    """The gap between two bands in kHz: 0 or less when they overlap."""
    return (max(low1, low2) - min(high1, high2)) * 1000


@dataclass(frozen=True)
class Station:
    """What the pre-check needs of a station (an Assignment, or a requested one not saved yet)."""

    centre_mhz: float
    bandwidth_khz: float
    eirp_dbw: float
    latitude: float
    longitude: float
    radio_service: str
    antenna_height_m: float = 30
    polarisation: str = "vertical"

    @property
    def low_mhz(self) -> float:
        return self.centre_mhz - self.bandwidth_khz / 2000

    @property
    def high_mhz(self) -> float:
        return self.centre_mhz + self.bandwidth_khz / 2000

    @classmethod
    def of(cls, a: Assignment) -> Station:
        return cls(a.centre_mhz, a.bandwidth_khz, a.eirp_dbw, a.latitude, a.longitude, a.radio_service,
                   a.antenna_height_m, a.polarisation)


@dataclass(frozen=True)
class Effect:
    """One direction: the interferer's signal at the victim and the victim's margin."""

    path_loss_db: float
    interference_dbw: float
    tolerance_dbw: float  # T − PR
    margin_db: float

    @property
    def conflict(self) -> bool:
        return self.margin_db < 0


@dataclass
class Finding:
    assignment: Assignment | None
    station: Station
    distance_km: float
    relation: str  # "co-channel" / "adjacent"
    separation_khz: float
    as_interferer: Effect  # the requested station interfering with this one
    as_victim: Effect  # this one interfering with the requested station

    @property
    def margin_db(self) -> float:
        return min(self.as_interferer.margin_db, self.as_victim.margin_db)

    @property
    def conflict(self) -> bool:
        return self.as_interferer.conflict or self.as_victim.conflict


@dataclass
class Result:
    station: Station
    reach_km: float
    findings: list[Finding] = field(default_factory=list)
    candidates: int = 0

    @property
    def conflicts(self) -> list[Finding]:
        return [f for f in self.findings if f.conflict]


def parameters() -> dict[str, ServiceParameters]:
    return {p.radio_service: p for p in ServiceParameters.objects.all()}


def _params(table: dict, service: str) -> ServiceParameters:
    return table.get(service) or DEFAULTS


def effect(interferer: Station, victim: Station, distance_km: float, adjacent: bool,
           victim_params: ServiceParameters) -> Effect:
    loss = fspl_db(victim.centre_mhz, distance_km)
    interference = interferer.eirp_dbw - loss
    ratio = victim_params.adjacent_protection_ratio_db if adjacent else victim_params.protection_ratio_db
    tolerance = victim_params.threshold_dbw - ratio
    return Effect(loss, interference, tolerance, tolerance - interference)


def assess(new: Station, other: Station, table: dict | None = None, assignment: Assignment | None = None
           ) -> Finding | None:
    """The two directions between ``new`` and ``other``, or None when their bands are farther apart than the
    guard band (the larger of the two services')."""
    table = parameters() if table is None else table
    p_new, p_other = _params(table, new.radio_service), _params(table, other.radio_service)
    guard = max(p_new.guard_band_khz, p_other.guard_band_khz)
    gap = separation_khz(new.low_mhz, new.high_mhz, other.low_mhz, other.high_mhz)
    if gap >= guard:
        return None
    adjacent = gap >= 0
    distance = haversine_km(new.latitude, new.longitude, other.latitude, other.longitude)
    return Finding(assignment, other, distance, "adjacent" if adjacent else "co-channel", max(gap, 0.0),
                   as_interferer=effect(new, other, distance, adjacent, p_other),
                   as_victim=effect(other, new, distance, adjacent, p_new))


def cells_around(latitude: float, longitude: float, radius_km: float) -> list[int]:
    """The grid cells a circle of ``radius_km`` round the point touches (the cells of its bounding box)."""
    dlat = radius_km / KM_PER_DEGREE
    top, bottom = min(latitude + dlat, 89.9), max(latitude - dlat, -89.9)
    dlon = min(radius_km / (KM_PER_DEGREE * math.cos(math.radians(max(abs(top), abs(bottom))))), 180.0)
    rows = range(math.floor((bottom + 90) / CELL_DEGREES), math.floor((top + 90) / CELL_DEGREES) + 1)
    per_row = round(360 / CELL_DEGREES)
    first = math.floor((longitude - dlon + 180) / CELL_DEGREES)
    last = math.floor((longitude + dlon + 180) / CELL_DEGREES)
    columns = sorted({c % per_row for c in range(first, last + 1)})
    return [row * CELLS_PER_ROW + column for row in rows for column in columns]


def run(new: Station, *, exclude=None, table: dict | None = None) -> Result:
    """The pre-check of ``new`` against the registry: every existing assignment within the reach whose band
    meets the requested one's (with the guard band), with both directions' margins; conflicts first."""
    table = parameters() if table is None else table
    p_new = _params(table, new.radio_service)
    guard_mhz = max([p.guard_band_khz for p in table.values()] + [DEFAULTS.guard_band_khz]) / 1000
    cap = max([p.max_reach_km for p in table.values()] + [p_new.max_reach_km])
    most_sensitive = min([p.threshold_dbw - p.protection_ratio_db for p in table.values()]
                         + [DEFAULTS.threshold_dbw - DEFAULTS.protection_ratio_db])
    strongest = Assignment.objects.aggregate(m=Max("eirp_dbw"))["m"]
    widest = Assignment.objects.aggregate(m=Max("bandwidth_khz"))["m"]
    result = Result(new, 0.0)
    if strongest is None:
        return result
    loudest = max(new.eirp_dbw, strongest)
    radius = reach_km(loudest, max(new.low_mhz - guard_mhz, 0.001), most_sensitive, cap)
    result.reach_km = radius
    low, high = new.low_mhz - guard_mhz, new.high_mhz + guard_mhz
    cells = cells_around(new.latitude, new.longitude, radius)
    reach_of_class = [*(limit / 1000 for limit in WIDTH_CLASS_LIMITS_KHZ), widest / 1000]
    window = Q()
    for width_class, width_mhz in enumerate(reach_of_class):
        window |= Q(width_class=width_class, low_mhz__gte=low - width_mhz, low_mhz__lt=high)
    qs = (Assignment.objects.filter(window, cell__in=cells, high_mhz__gt=low).select_related("record"))
    if exclude:
        qs = qs.exclude(pk__in=exclude)
    for assignment in qs:
        result.candidates += 1
        if assignment.record_id and assignment.record.status == Record.Status.TERMINATED:
            continue
        other = Station.of(assignment)
        distance = haversine_km(new.latitude, new.longitude, other.latitude, other.longitude)
        if distance > radius:
            continue
        finding = assess(new, other, table, assignment)
        if finding is not None:
            result.findings.append(finding)
    result.findings.sort(key=lambda f: (f.margin_db, f.distance_km))
    return result
