"""The public spectrum register (no log-in): assignments by frequency, radio service, area and holder, with a map
and a CSV export; the devices of the S4 permits in force, with a CSV export."""
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from core import csvcells
from registry.models import Record
from spectrum import maps, public
from spectrum.forms import AssignmentFilter, DeviceFilter

PAGE_SIZE = 25
MAP_POINTS = 2000


def _filters(request, form_class=AssignmentFilter):
    form = form_class(request.GET or None)
    params = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, params


def assignments(request):
    form, params = _filters(request)
    qs = public.search(params)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = dict(Record.Status.choices)
    regions = public.regions()
    rows = [{**public.row(a, regions), "status_label": statuses.get(a.status, a.status)} for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    svg = maps.registry_map(qs[:MAP_POINTS], title=_("Spectrum assignments"))
    return render(request, "spectrum/assignments.html", {
        "form": form, "page": page, "rows": rows, "map": svg, "query": query.urlencode(),
        "map_limited": page.paginator.count > MAP_POINTS, "map_points": MAP_POINTS})


def export_csv(request):
    _form, params = _filters(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="elicense-spectrum.csv"'
    response.write("\ufeff")
    writer = csvcells.writer(response)
    writer.writerow(public.CSV_HEADERS)
    regions = public.regions()
    for a in public.search(params).iterator(chunk_size=500):
        writer.writerow(public.csv_row(a, regions))
    return response


def devices(request):
    form, params = _filters(request, DeviceFilter)
    page = Paginator(public.device_search(params), PAGE_SIZE).get_page(request.GET.get("page"))
    statuses = dict(Record.Status.choices)
    rows = [{**public.device_row(d), "status_label": statuses.get(d.record.status, d.record.status)}
            for d in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "spectrum/devices.html", {"form": form, "page": page, "rows": rows,
                                                     "query": query.urlencode()})


def devices_csv(request):
    _form, params = _filters(request, DeviceFilter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="elicense-devices.csv"'
    response.write("\ufeff")
    writer = csvcells.writer(response)
    writer.writerow(public.DEVICE_CSV_HEADERS)
    for d in public.device_search(params).iterator(chunk_size=500):
        writer.writerow(public.device_csv_row(d))
    return response
