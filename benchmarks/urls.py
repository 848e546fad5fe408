"""The project's URLs plus the bare baseline endpoint the benchmarks compare against."""
from django.db import connection
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from elicense.urls import urlpatterns as project_urlpatterns


@csrf_exempt
def bare_insert(request):
    """One INSERT of one row, nothing else: the floor any write endpoint stands on."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_row (payload) VALUES (%s)", [request.body[:200].decode(errors="replace")])
    return JsonResponse({"ok": True}, status=201)


urlpatterns = [path("bench/insert", bare_insert), *project_urlpatterns]
