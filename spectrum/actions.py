"""The spectrum registry's actions (one function per action): the table of frequency allocations loaded from
CSV, the per-service parameters, the assignments an S3 permit records, the devices an S4 permit records, and
the rule that a transmitting device is covered by an assignment of its holder.

Rows are written only here; the administrator's changes are audited (``admin_change``); what a permit records
is written inside the issuing transaction (its registry record's ``issued`` event is the history).
"""
from __future__ import annotations

import csv
import io

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit import actions as audit
from core.errors import DomainError
from registry.models import Record
from spectrum.models import Assignment, Device, FrequencyBand, RadioService, ServiceParameters

TABLE_COLUMNS = ("low_mhz", "high_mhz", "radio_service", "primary", "footnote", "source")


class FrequencyTableInvalid(DomainError):
    code = "frequency_table_invalid"
    status = 422
    default_message = _("The frequency table could not be read.")


class DeviceNotCovered(DomainError):
    code = "device_not_covered"
    status = 422
    default_message = _("A transmitting device must be covered by a valid spectrum permit of the applicant.")


def _number(value: str) -> float:
    text = (value or "").strip().replace(" ", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def parse_frequency_table(text: str) -> list[FrequencyBand]:
    """The rows of a table CSV (header: low_mhz,high_mhz,radio_service,primary,footnote,source; lines starting
    with # are comments), checked: known radio services, lower edge below the upper. Raises
    FrequencyTableInvalid naming the first bad line."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [c for c in TABLE_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise FrequencyTableInvalid(_("The frequency table lacks the columns: %(columns)s.")
                                    % {"columns": ", ".join(missing)}, columns=missing)
    services = set(RadioService.values)
    bands = []
    for line_no, row in enumerate(reader, start=2):
        try:
            low, high = _number(row["low_mhz"]), _number(row["high_mhz"])
        except (TypeError, ValueError):
            raise FrequencyTableInvalid(_("Line %(line)d: the band edges must be numbers in MHz.")
                                        % {"line": line_no}, line=line_no) from None
        if not 0 < low < high:
            raise FrequencyTableInvalid(_("Line %(line)d: the lower edge must be above 0 and below the upper edge.")
                                        % {"line": line_no}, line=line_no)
        service = (row.get("radio_service") or "").strip()
        if service not in services:
            raise FrequencyTableInvalid(_("Line %(line)d: unknown radio service.") % {"line": line_no},
                                        line=line_no, radio_service=service)
        primary = (row.get("primary") or "yes").strip().lower() not in ("no", "0", "false", "secondary")
        bands.append(FrequencyBand(low_mhz=low, high_mhz=high, radio_service=service, primary=primary,
                                   footnote=(row.get("footnote") or "").strip()[:200],
                                   source=(row.get("source") or "").strip()[:200]))
    if not bands:
        raise FrequencyTableInvalid(_("The frequency table has no rows."))
    return bands


def load_frequency_table(text: str, *, actor=None) -> int:
    """Replace the national table of frequency allocations with the CSV's rows (all or nothing)."""
    bands = parse_frequency_table(text)
    with transaction.atomic():
        before = FrequencyBand.objects.count()
        FrequencyBand.objects.all().delete()
        FrequencyBand.objects.bulk_create(bands)
        for service in {b.radio_service for b in bands}:
            ServiceParameters.objects.get_or_create(radio_service=service)
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, data={
            "change": "frequency_table_loaded", "rows_before": before, "rows": len(bands)})
    return len(bands)


def set_parameters(radio_service: str, *, actor=None, **values) -> ServiceParameters:
    """The administrator sets a radio service's guard band, protection ratios, threshold and reach."""
    allowed = {"guard_band_khz", "protection_ratio_db", "adjacent_protection_ratio_db", "threshold_dbw",
               "max_reach_km"}
    if radio_service not in RadioService.values or set(values) - allowed:
        raise DomainError(_("Unknown radio service or parameter."), code="parameter_unknown", status=422)
    if values.get("guard_band_khz", 0) < 0 or values.get("max_reach_km", 1) <= 0:
        raise DomainError(_("The guard band cannot be negative and the reach must be positive."),
                          code="parameter_invalid", status=422)
    with transaction.atomic():
        params, _created = ServiceParameters.objects.select_for_update().get_or_create(radio_service=radio_service)
        before = {k: getattr(params, k) for k in allowed}
        for key, value in values.items():
            setattr(params, key, float(value))
        params.save()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=params, data={
            "change": "spectrum_parameters", "radio_service": radio_service, "before": before,
            "after": {k: getattr(params, k) for k in allowed}})
    return params


def allocated_to(radio_service: str, low_mhz: float, high_mhz: float) -> bool:
    """The band lies within the table's allocations to the radio service (adjacent rows join)."""
    rows = FrequencyBand.objects.filter(radio_service=radio_service, low_mhz__lt=high_mhz,
                                        high_mhz__gt=low_mhz).order_by("low_mhz").values_list("low_mhz", "high_mhz")
    reached = low_mhz
    for low, high in rows:
        if low > reached:
            return False
        reached = max(reached, high)
        if reached >= high_mhz:
            return True
    return False


# -- what a permit records (called inside the issuing transaction) --------------------------------------
def stations_of(form: dict) -> list[dict]:
    """The assignments an S3 request's form asks for: one per band, at its station."""
    stations = []
    for band in form.get("bands") or []:
        low, high = float(band["low_mhz"]), float(band["high_mhz"])
        stations.append({
            "centre_mhz": (low + high) / 2, "bandwidth_khz": (high - low) * 1000,
            "eirp_dbw": float(form.get("eirp_dbw") or 0), "antenna_height_m": float(form.get("antenna_height_m") or 30),
            "polarisation": form.get("polarisation") or "vertical", "radio_service": form.get("radio_service", ""),
            "latitude": float(form["latitude"]), "longitude": float(form["longitude"]),
        })
    return stations


def record_assignments(record: Record, form: dict) -> list[Assignment]:
    holder = record.holder
    area = form.get("region", "")
    created = []
    for station in stations_of(form):
        assignment = Assignment(record=record, holder_name=holder.name, holder_iin=holder.iin, holder_bin=holder.bin,
                                area=area, region=area, station_address=form.get("station_address", ""), **station)
        assignment.save()
        created.append(assignment)
    return created


def covering_assignment(*, iin: str, bin: str, low_mhz: float, high_mhz: float,  # noqa: A002
                        permit_number: str = "") -> Assignment | None:
    """A valid assignment of the holder (IIN or BIN) whose band covers [low_mhz, high_mhz]; when
    ``permit_number`` is given, one of that permit's."""
    qs = Assignment.objects.filter(low_mhz__lte=low_mhz + 1e-9, high_mhz__gte=high_mhz - 1e-9,
                                   record__status=Record.Status.VALID).select_related("record")
    qs = qs.filter(holder_bin=bin) if bin else qs.filter(holder_iin=iin, holder_bin="")
    if permit_number:
        qs = qs.filter(record__number=permit_number.strip().upper())
    return qs.order_by("record__issued_at", "id").first()


def device_band(device: dict) -> tuple[float, float] | None:
    """A device's frequency range in MHz: low/high, or its one frequency; None for none."""
    low, high, one = device.get("low_mhz"), device.get("high_mhz"), device.get("frequency_mhz")
    if low not in (None, "") and high not in (None, ""):
        return float(low), float(high)
    if one not in (None, ""):
        return float(one), float(one)
    return None


def uncovered_devices(app, form: dict) -> list[str]:
    """The reasons, one per transmitting device no valid assignment of the applicant covers (empty: all are)."""
    reasons = []
    for index, device in enumerate(form.get("devices") or [], start=1):
        band = device_band(device)
        if band is None:
            continue
        covering = covering_assignment(iin=app.applicant_iin, bin=app.applicant_bin, low_mhz=band[0],
                                       high_mhz=band[1], permit_number=device.get("permit_number", ""))
        if covering is None:
            where = (_("the spectrum permit %(number)s") % {"number": device["permit_number"]}
                     if device.get("permit_number") else _("any valid spectrum permit of the applicant"))
            reasons.append(str(_("Device %(n)d (%(model)s, %(low)s–%(high)s MHz): its frequencies are not covered "
                                 "by %(where)s.") % {"n": index, "model": device.get("model", ""),
                                                      "low": f"{band[0]:g}", "high": f"{band[1]:g}", "where": where}))
    return reasons


def record_devices(record: Record, form: dict, *, transmitting: bool) -> list[Device]:
    """The devices of an S4 permit; a transmitting one linked to the assignment covering it (if any)."""
    holder = record.holder
    mobile = form.get("installation") == "mobile"
    created = []
    for device in form.get("devices") or []:
        band = device_band(device)
        covering = None
        if transmitting and band is not None:
            covering = covering_assignment(iin=holder.iin, bin=holder.bin, low_mhz=band[0], high_mhz=band[1],
                                           permit_number=device.get("permit_number", ""))
        created.append(Device.objects.create(
            record=record, assignment=covering, device_type=device.get("device_type", ""),
            manufacturer=device.get("manufacturer", ""), model=device.get("model", ""),
            serial=device.get("serial", ""), certificate_number=device.get("certificate_number", ""),
            low_mhz=band[0] if band else None, high_mhz=band[1] if band else None,
            power_w=float(device["power_w"]) if device.get("power_w") not in (None, "") else None,
            mobile=mobile, place="" if mobile else form.get("location_address", "")))
    return created
