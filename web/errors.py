"""One error contract for every interface (docs/web.md "Errors").

* The API (everything under ``/api/``) answers **JSON, always**, in one shape —
  ``{"code": "<stable code>", "message": "<localised text>", "details": {…}}`` — for domain errors, for
  validation errors of the request body or parameters (``invalid_input``, the fields in
  ``details.fields``), for authentication (``not_authenticated``), for a path that does not exist, and
  for the unexpected (``internal_error``, logged, with a ``reference`` to quote to the help desk).
* The pages answer a styled page in the visitor's language with the same message.
* The database unreachable or busy answers **503 with Retry-After** (``service_unavailable``), never 500,
  on both.
"""
from __future__ import annotations

import logging
import uuid

from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("elicense.errors")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def body(code: str, message, details: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "details": details or {}}


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("The request could not be read.")),
        401: ("not_authenticated", _("Log in first: this needs a valid log-in or API token.")),
        403: ("forbidden", _("You may not see this page.")),
        404: ("not_found", _("Not found.")),
        405: ("method_not_allowed", _("This address does not accept this kind of request.")),
        500: ("internal_error", _("Something went wrong on our side. Please try again later; if it happens "
                                  "again, quote the reference to the help desk.")),
        503: ("service_unavailable", _("The service is busy or under maintenance. Please try again in a few "
                                       "seconds.")),
    }


def unavailable(exc: BaseException | None) -> bool:
    """The database unreachable or refusing the work (anything the database layer reports as operational or
    as a lost connection, not as the request's fault)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def response(request, status: int, *, code: str | None = None, message=None, details: dict | None = None):
    """The error answer for ``status``: JSON under /api/, a page elsewhere."""
    default_code, default_message = _messages().get(status, (f"http_{status}", _("The request could not be processed.")))
    code, message = code or default_code, message or default_message
    if is_api(request):
        answer = JsonResponse(body(code, message, details), status=status)
    else:
        answer = render(request, "error.html", {"status": status, "code": code, "message": message,
                                                "details": details or {}}, status=status)
    if status == 503:
        from web.middleware import retry_after_seconds

        answer["Retry-After"] = str(retry_after_seconds())
        answer["Cache-Control"] = "no-store"
    return answer


def unexpected(request, exc: BaseException | None):
    """The last resort: a 503 if the database is the cause (busy: ``service_busy``, web.middleware; down:
    ``service_unavailable``), else a logged 500 with a reference."""
    from web.middleware import database_unavailable, unavailable_response

    if database_unavailable(exc):
        return unavailable_response(request)
    if unavailable(exc):
        log.warning("database unavailable, answered 503: %s %s: %s", request.method, request.path, exc)
        return response(request, 503)
    reference = uuid.uuid4().hex[:12]
    log.error("unexpected error %s: %s %s", reference, request.method, request.path, exc_info=exc)
    return response(request, 500, details={"reference": reference})


# -- Django's handlers (elicense/urls.py) ------------------------------------------------------------------
def bad_request(request, exception=None):
    return response(request, 400)


def permission_denied(request, exception=None):
    return response(request, 403)


def page_not_found(request, exception=None):
    return response(request, 404)


def server_error(request):
    import sys

    return unexpected(request, sys.exc_info()[1])


# -- the API's handlers (api/urls.py) ----------------------------------------------------------------------
def install(api) -> None:
    """The API's exception handlers: every error in the one shape."""
    from ninja.errors import AuthenticationError, HttpError, ValidationError

    def validation_error(request, exc: ValidationError):
        fields = [{"location": [str(part) for part in error.get("loc", ())], "message": error.get("msg", ""),
                   "type": error.get("type", "")} for error in exc.errors]
        return api.create_response(request, body("invalid_input", _("The request has errors."), {"fields": fields}),
                                   status=422)

    def http_error(request, exc: HttpError):
        status = exc.status_code
        code, message = _messages().get(status, (f"http_{status}", _("The request could not be processed.")))
        if isinstance(exc, AuthenticationError):
            code, message = _messages()[401]
        return api.create_response(request, body(code, message), status=status)

    def last_resort(request, exc: Exception):
        return unexpected(request, exc)

    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(Exception, last_resort)
