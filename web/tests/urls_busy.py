"""A URLconf for web/tests/test_pool.py: views whose database is busy (the pool timed out)."""
from django.db import OperationalError
from django.urls import path
from psycopg_pool import PoolTimeout


def busy(request):
    try:
        raise PoolTimeout("couldn't get a connection after 5.00 sec")
    except PoolTimeout as exc:
        raise OperationalError(str(exc)) from exc  # as Django's DatabaseErrorWrapper raises it


def broken(request):
    raise ValueError("a bug, not a busy database")


urlpatterns = [
    path("api/v1/busy", busy),
    path("page/busy", busy),
    path("page/raw-pool-timeout", lambda request: (_ for _ in ()).throw(PoolTimeout("timeout"))),
    path("page/broken", broken),
]
