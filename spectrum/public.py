"""What anyone may see of the spectrum registry (like Ofcom's Wireless Telegraphy Register): holder, frequencies,
radio service, area, status, permit number — never a station's address, and never an individual's identifier.
One query for the page, the CSV and the API."""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import get_language

from registry.models import Record
from services.models import Region
from spectrum.models import Assignment, Device

CSV_HEADERS = ["permit", "holder", "radio_service", "centre_mhz", "bandwidth_khz", "low_mhz", "high_mhz",
               "area", "status"]


def search(params: dict):
    """Assignments in force (not of a terminated permit) matching the cleaned filters."""
    qs = Assignment.objects.select_related("record").exclude(record__status=Record.Status.TERMINATED)
    if params.get("low_mhz") is not None:
        qs = qs.filter(high_mhz__gt=float(params["low_mhz"]))
    if params.get("high_mhz") is not None:
        qs = qs.filter(low_mhz__lt=float(params["high_mhz"]))
    if params.get("radio_service"):
        qs = qs.filter(radio_service=params["radio_service"])
    if params.get("area"):
        qs = qs.filter(area__icontains=params["area"])
    if params.get("holder"):
        qs = qs.filter(Q(holder_name__icontains=params["holder"]) | Q(holder_bin=params["holder"]))
    return qs.order_by("low_mhz", "id")


def area_name(a: Assignment, regions: dict) -> str:
    """The region's name in the current language (the region code is never shown), else the area as recorded."""
    region = regions.get(a.region) if a.region else None
    if region is None:
        return a.area if a.area != a.region else ""
    lang = (get_language() or "kk")[:2]
    return getattr(region, f"name_{lang}", None) or region.name_en


def regions() -> dict:
    return {r.code: r for r in Region.objects.all()}


def row(a: Assignment, regions: dict) -> dict:
    return {"permit": a.number, "holder": a.holder_name, "radio_service": a.radio_service,
            "radio_service_label": str(a.get_radio_service_display()), "centre_mhz": a.centre_mhz,
            "bandwidth_khz": a.bandwidth_khz, "low_mhz": a.low_mhz, "high_mhz": a.high_mhz, "area": area_name(a, regions),
            "status": a.status}


def csv_row(a: Assignment, regions: dict) -> list:
    r = row(a, regions)
    return [r[k] for k in CSV_HEADERS]


# -- devices ------------------------------------------------------------------------------------------------
DEVICE_CSV_HEADERS = ["permit", "holder", "device_type", "manufacturer", "model", "certificate_number", "low_mhz",
                      "high_mhz", "power_w", "mobile", "spectrum_permit", "status"]


def device_search(params: dict):
    """Devices of permits in force matching the cleaned filters (frequency range, holder, type or model)."""
    qs = (Device.objects.select_related("record", "record__holder", "assignment", "assignment__record")
          .exclude(record__status=Record.Status.TERMINATED))
    if params.get("low_mhz") is not None:
        qs = qs.filter(high_mhz__gte=float(params["low_mhz"]))
    if params.get("high_mhz") is not None:
        qs = qs.filter(low_mhz__lte=float(params["high_mhz"]))
    if params.get("holder"):
        qs = qs.filter(Q(record__holder__name__icontains=params["holder"]) | Q(record__holder__bin=params["holder"]))
    if params.get("device"):
        qs = qs.filter(Q(device_type__icontains=params["device"]) | Q(model__icontains=params["device"]))
    return qs.order_by("record__issued_at", "id")


def device_row(d: Device) -> dict:
    """Never the serial number's owner's address: the place of a device is not public."""
    return {"permit": d.record.number, "holder": d.record.holder.name, "device_type": d.device_type,
            "manufacturer": d.manufacturer, "model": d.model, "certificate_number": d.certificate_number,
            "low_mhz": d.low_mhz, "high_mhz": d.high_mhz, "power_w": d.power_w, "mobile": d.mobile,
            "spectrum_permit": d.assignment.number if d.assignment_id else "", "status": d.record.status}


def device_csv_row(d: Device) -> list:
    r = device_row(d)
    return [r[k] for k in DEVICE_CSV_HEADERS]
