"""The spectrum registry in the API: the public lists of assignments and devices (no log-in) and the interference
pre-check of a station (logged in: applicants before they file, officers in their check)."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from core.errors import DomainError
from spectrum import precheck, public
from spectrum.forms import AssignmentFilter, DeviceFilter
from spectrum.models import RadioService

router = Router(tags=["spectrum"])
MAX_ROWS = 500


class AssignmentOut(Schema):
    permit: str
    holder: str
    radio_service: str
    centre_mhz: float
    bandwidth_khz: float
    low_mhz: float
    high_mhz: float
    area: str
    status: str


@router.get("/assignments", auth=None, response=list[AssignmentOut],
            summary="Spectrum assignments in force (public: holder, frequencies, area, status)")
def assignments(request, low_mhz: str = "", high_mhz: str = "", radio_service: str = "", area: str = "",
                holder: str = "", offset: int = Query(0, ge=0, le=1_000_000_000),
                limit: int = Query(100, ge=1, le=MAX_ROWS)):
    form = AssignmentFilter({"low_mhz": low_mhz, "high_mhz": high_mhz, "radio_service": radio_service, "area": area,
                             "holder": holder})
    if not form.is_valid():
        raise DomainError(_("The filters are not valid."), code="invalid_input", status=422,
                          fields=form.errors.get_json_data())
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_ROWS)
    regions = public.regions()
    return [public.row(a, regions) for a in public.search(form.cleaned_data)[offset:offset + limit]]


class DeviceOut(Schema):
    permit: str
    holder: str
    device_type: str
    manufacturer: str
    model: str
    certificate_number: str
    low_mhz: float | None
    high_mhz: float | None
    power_w: float | None
    mobile: bool
    spectrum_permit: str
    status: str


@router.get("/devices", auth=None, response=list[DeviceOut],
            summary="Devices of the S4 permits in force (public: never their place)")
def devices(request, low_mhz: str = "", high_mhz: str = "", device: str = "", holder: str = "",
            offset: int = Query(0, ge=0, le=1_000_000_000), limit: int = Query(100, ge=1, le=MAX_ROWS)):
    form = DeviceFilter({"low_mhz": low_mhz, "high_mhz": high_mhz, "device": device, "holder": holder})
    if not form.is_valid():
        raise DomainError(_("The filters are not valid."), code="invalid_input", status=422,
                          fields=form.errors.get_json_data())
    offset, limit = max(offset, 0), min(max(limit, 1), MAX_ROWS)
    return [public.device_row(d) for d in public.device_search(form.cleaned_data)[offset:offset + limit]]


class StationIn(Schema):
    centre_mhz: float
    bandwidth_khz: float
    eirp_dbw: float
    latitude: float
    longitude: float
    radio_service: str


class EffectOut(Schema):
    path_loss_db: float
    interference_dbw: float
    tolerance_dbw: float
    margin_db: float


class FindingOut(Schema):
    permit: str
    holder: str
    centre_mhz: float
    bandwidth_khz: float
    distance_km: float
    relation: str
    separation_khz: float
    conflict: bool
    as_interferer: EffectOut
    as_victim: EffectOut


class PrecheckOut(Schema):
    reach_km: float
    conflicts: int
    findings: list[FindingOut]


def _effect(e) -> dict:
    return {"path_loss_db": e.path_loss_db, "interference_dbw": e.interference_dbw, "tolerance_dbw": e.tolerance_dbw,
            "margin_db": e.margin_db}


@router.post("/precheck", response=PrecheckOut, summary="Interference pre-check of a station (free space, both ways)")
def run_precheck(request, body: StationIn):
    if body.radio_service not in RadioService.values:
        raise DomainError(_("Unknown radio service."), code="invalid_input", status=422)
    if not (0.009 <= body.centre_mhz <= 400000 and 0 < body.bandwidth_khz <= 2_000_000 and -90 <= body.latitude <= 90
            and -180 <= body.longitude <= 180 and -60 <= body.eirp_dbw <= 90):
        raise DomainError(_("A value of the station is out of range."), code="invalid_input", status=422)
    result = precheck.run(precheck.Station(body.centre_mhz, body.bandwidth_khz, body.eirp_dbw, body.latitude,
                                           body.longitude, body.radio_service))
    return {"reach_km": result.reach_km, "conflicts": len(result.conflicts), "findings": [
        {"permit": f.assignment.number, "holder": f.assignment.holder_name, "centre_mhz": f.station.centre_mhz,
         "bandwidth_khz": f.station.bandwidth_khz, "distance_km": f.distance_km, "relation": f.relation,
         "separation_khz": f.separation_khz, "conflict": f.conflict, "as_interferer": _effect(f.as_interferer),
         "as_victim": _effect(f.as_victim)} for f in result.findings]}
