"""Security headers every page gets (ADR 0008): Content-Security-Policy and friends.

Django 5.2 has no CSP of its own (6.0 adds one); this small middleware sets it from
settings.ELICENSE_CSP, a dict of directive → list of sources. Pages carry no inline script
or style (everything is in static files), so the policy needs no nonces. A view may relax it
for itself with the ``csp_update`` decorator (e.g. to add a form-action target)."""
from __future__ import annotations

from functools import wraps

from django.conf import settings


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
