"""The project's URLs with the bench endpoints mounted, as ELICENSE_BENCH_ENDPOINTS=1 does (web/tests/test_health.py)."""
from django.urls import include, path

from elicense.urls import urlpatterns as project_urlpatterns

urlpatterns = [*project_urlpatterns, path("", include("web.bench"))]
