from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from api.urls import api
from web.views import index

urlpatterns = [
    path("", index, name="index"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("documents.urls")),
    path("", include("registry.urls")),
    path("", include("spectrum.urls")),
    path("", include("numbering.urls")),
    path("portal/", include("portal.urls")),
    path("office/", include("backoffice.urls")),
    path("psc/", include("pscdesk.urls")),
    path("", include("web.urls")),
]
# The bare baseline endpoints for scripts/bench and scripts/loadtest (web/bench.py): never in production.
if settings.ELICENSE_BENCH_ENDPOINTS and settings.ELICENSE_ENV != "production":
    urlpatterns.append(path("", include("web.bench")))

# Pool exhaustion outside a view (e.g. a middleware's query) is a 503 too (web/middleware.py).
# One error contract (web/errors.py): JSON under /api/, a styled page in the visitor's language elsewhere.
handler400 = "web.errors.bad_request"
handler403 = "web.errors.permission_denied"
handler404 = "web.errors.page_not_found"
handler500 = "web.errors.server_error"
