"""The bare baseline endpoints the benchmarks and the load test compare against (scripts/loadtest, ADR 0011):
the floor of any write and of any answer through the same server, middleware and database pool. Mounted by
elicense/urls.py only when ELICENSE_BENCH_ENDPOINTS=1, never in production (web/production.py refuses it).

* ``POST /bench/insert`` — one INSERT of one row (benchmarks.BenchRow), 201 ``{"id": …}``;
* ``GET /bench/json`` — a small JSON answer, no database.
"""
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from benchmarks.models import BenchRow


@csrf_exempt
@require_POST
def bench_insert(request):
    row = BenchRow.objects.create(payload=request.body[:200].decode(errors="replace"))
    return JsonResponse({"id": row.pk}, status=201)


@require_GET
def bench_json(request):
    return JsonResponse({"status": "ok", "items": list(range(10))})


urlpatterns = [
    path("bench/insert", bench_insert, name="bench-insert"),
    path("bench/json", bench_json, name="bench-json"),
]
