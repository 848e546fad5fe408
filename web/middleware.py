"""Security headers every page gets (ADR 0008): Content-Security-Policy and friends.

Django 5.2 has no CSP of its own (6.0 adds one); this small middleware sets it from
settings.ELICENSE_CSP, a dict of directive → list of sources. Pages carry no inline script
or style (everything is in static files), so the policy needs no nonces. A view may relax it
for itself with the ``csp_update`` decorator (e.g. to add a form-action target).

And the answer when the database is busy (ADR 0011): 503 with Retry-After instead of a 500."""
from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from psycopg_pool import PoolTimeout


def _policy(directives: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


def csp_update(**directives):
    """Add sources to directives for one view: @csp_update(form_action=["https://pay.example"])."""
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response._csp_update = {k.replace("_", "-"): v for k, v in directives.items()}
            return response
        return wrapped
    return decorator


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" in response or any(
                request.path.startswith(p) for p in settings.ELICENSE_CSP_EXEMPT_PATHS):
            return response
        directives = {k: list(v) for k, v in settings.ELICENSE_CSP.items()}
        directives.setdefault("connect-src", ["'self'"]).append(settings.ELICENSE_NCALAYER_URL)
        if any(request.path.startswith(p) for p in settings.ELICENSE_CSP_INLINE_STYLE_PATHS):
            directives.setdefault("style-src", []).append("'unsafe-inline'")
        for name, sources in getattr(response, "_csp_update", {}).items():
            directives.setdefault(name, []).extend(sources)
        response["Content-Security-Policy"] = _policy(directives)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        return response


# -- the database busy: 503 with Retry-After, never a 500 (ADR 0011) ----------------------------------------
def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is the database refusing more work for now: the connection pool's
    PoolTimeout (every connection of this worker's pool busy for ELICENSE_DB_POOL_TIMEOUT seconds) or
    PostgreSQL's "too many clients" (SQLSTATE 53300). Django wraps both in django.db.OperationalError."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, PoolTimeout):
            return True
        if getattr(exc, "sqlstate", None) == "53300" or "too many clients" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def retry_after_seconds() -> int:
    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    timeout = pool.get("timeout", 5) if isinstance(pool, dict) else 5
    return max(1, round(timeout))


def unavailable_response(request):
    from django.http import HttpResponse, JsonResponse
    from django.utils.html import escape
    from django.utils.translation import gettext as _

    message = _("The service is busy. Please try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "service_busy", "message": message, "details": {}}, status=503)
    else:
        response = HttpResponse(
            f'<!doctype html><html><head><meta charset="utf-8"><title>503</title></head>'
            f"<body><h1>503</h1><p>{escape(message)}</p></body></html>", status=503)
    response["Retry-After"] = str(retry_after_seconds())
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """A view that could not get a database connection answers 503 with Retry-After (JSON under /api/, a plain
    page elsewhere). The same outside a view is handled by ``handler500`` (web.errors.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logging.getLogger("elicense.web").warning("database busy, answered 503: %s %s: %s", request.method,
                                                      request.path, exception)
            return unavailable_response(request)
        return None
