"""Public registry pages (no log-in): search, CSV export, a record's page, the verification page of a document."""
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render

from core import csvcells
from registry import public
from registry.models import Record
from services import registry as services

PAGE_SIZE = 20


def search(request):
    params = {k: request.GET.get(k, "") for k in ("number", "holder", "bin", "service", "status")}
    page = Paginator(public.search(params), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [public.record_public(r) for r in page.object_list]
    query = "&".join(f"{k}={v}" for k, v in params.items() if v)
    return render(request, "registry/search.html", {
        "params": params, "page": page, "rows": rows, "services": [(s.code, s.result_label) for s in services.all_services()], "statuses": Record.Status.choices,
        "query": query,
    })


def export_csv(request):
    params = {k: request.GET.get(k, "") for k in ("number", "holder", "bin", "service", "status")}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="elicense-registry.csv"'
    response.write("\ufeff")  # BOM: spreadsheets open UTF-8 Cyrillic correctly
    writer = csvcells.writer(response)
    writer.writerow(public.CSV_HEADERS)
    for record in public.search(params).iterator(chunk_size=500):
        writer.writerow(public.csv_row(record))
    return response


def record(request, number):
    """A record as it stands: its current version, status since when and why, its documents, its links."""
    found = Record.objects.select_related("holder", "current").filter(number=number.strip().upper()).first()
    if found is None:
        raise Http404
    return render(request, "registry/record.html", {"r": public.record_public(found)})


def verify_lookup(request):
    number = request.GET.get("number", "").strip()
    if number:
        return redirect("registry:verify", number=number.upper())
    return render(request, "registry/verify.html", {"result": None})


def verify(request, number):
    result = public.verification(number)
    return render(request, "registry/verify.html", {"result": result}, status=200 if result["found"] else 404)


def verify_json(request, number):
    result = public.verification(number)
    return JsonResponse(result, status=200 if result["found"] else 404, json_dumps_params={"ensure_ascii": False})
