"""What the pages show about a request's resources: the interference pre-check of an S3 request (its station on
each band it asks for) and the coverage of an S4 request's devices by spectrum permits. Read-only: the rule that
refuses an uncovered device is the action's (services/s4/checks.py through applications.actions)."""
from __future__ import annotations

from django.utils.translation import gettext as _

from services import registry as services
from spectrum import actions, maps, precheck
from spectrum.models import Assignment

MAP_CONTEXT = 300  # the other stations drawn round the requested one, at most


def _form_class(app):
    service = services.find(app.service)
    if service is None or not service.has_sub_kind(app.sub_kind):
        return None
    return service.sub_kind(app.sub_kind).form


def kind_of(app) -> str:
    """"station" (the pre-check applies), "devices" (coverage applies) or ""."""
    form_class = _form_class(app)
    if getattr(form_class, "spectrum_station", False):
        return "station"
    if getattr(form_class, "spectrum_devices", False):
        return "devices"
    return ""


def _cleaned(app) -> dict | None:
    form = _form_class(app)(app.form_data or {})
    return form.cleaned_json() if form.is_valid() else None


def precheck_of(app) -> dict:
    """The pre-check of every band the request asks for, each with its map; ``complete`` False while the form
    lacks what the pre-check needs."""
    form = _cleaned(app)
    if form is None:
        return {"complete": False}
    table = precheck.parameters()
    own = list(app_assignment_ids(app))
    bands = []
    for station in actions.stations_of(form):
        new = precheck.Station(**station)
        result = precheck.run(new, exclude=own, table=table)
        half = maps.view_half_km(result)
        context = (Assignment.objects.filter(cell__in=precheck.cells_around(new.latitude, new.longitude, half * 1.5))
                   .exclude(pk__in=own).only("pk", "latitude", "longitude", "centre_mhz")[:MAP_CONTEXT])
        bands.append({
            "station": new, "result": result, "conflicts": len(result.conflicts),
            "allocated": actions.allocated_to(new.radio_service, new.low_mhz, new.high_mhz),
            "map": maps.precheck_map(result, title=_("Stations near the requested one on overlapping frequencies"),
                                     requested_label=_("the requested station"),
                                     conflict_label=_("conflict"), other_label=_("no conflict"),
                                     context=context, context_label=_("another station, other frequencies")),
        })
    return {"complete": True, "bands": bands, "conflicts": sum(b["conflicts"] for b in bands)}


def app_assignment_ids(app):
    """The request's own assignments (once its permit is issued): not compared with themselves."""
    return Assignment.objects.filter(record__application=app).values_list("pk", flat=True)


def coverage_of(app) -> dict:
    """Each device with frequencies: the applicant's assignment covering it, or none."""
    form = app.form_data or {}
    rows = []
    for index, device in enumerate(form.get("devices") or [], start=1):
        try:
            band = actions.device_band(device)
        except (TypeError, ValueError):
            band = None
        if band is None:
            continue
        covering = actions.covering_assignment(iin=app.applicant_iin, bin=app.applicant_bin, low_mhz=band[0],
                                               high_mhz=band[1], permit_number=str(device.get("permit_number", "")))
        rows.append({"n": index, "model": device.get("model", ""), "low": band[0], "high": band[1],
                     "covering": covering})
    try:
        reasons = services.check_request(app, form) if rows else []
    except (TypeError, ValueError):  # a draft's half-typed number: the form's own errors say so
        reasons = []
    return {"rows": rows, "reasons": reasons}
