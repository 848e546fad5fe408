"""Idempotency keys over HTTP (ADR 0016; the store: core.idempotency).

* The API: every POST, PUT, PATCH and DELETE under ``/api/`` may carry ``Idempotency-Key`` (1–255 visible
  ASCII characters). ``IdempotencyMiddleware`` keys the call by (the user — bearer token or session — or, for
  a call without log-in, the client's address; the key), and a later call with the same key and the same
  method, path and body gets the first answer again with ``Idempotent-Replayed: true`` and changes nothing.
  The same key with another request: 422 ``idempotency_key_reused``; the first call still running: 409
  ``request_in_progress`` with Retry-After; the first call's process died after its change committed: 409
  ``request_applied`` naming the object changed (``details.object``).
* Pages: ``idempotent(field)`` does the same for one view with a one-time token from a hidden form field
  (``form_token``), so a form sent twice acts once; the second sending gets the first one's answer.
"""
from __future__ import annotations

import functools
import re
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import idempotency
from web import errors

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # visible ASCII, as a header carries it
KEPT_HEADERS = ("Location", "Content-Disposition")
NOT_PROCESSED = frozenset({401, 429, 503})  # "log in" / "wait" / "try again": by contract nothing was changed


def scope_of(request) -> str:
    """Whose key: the bearer token's user, else the session's, else the anonymous client's address."""
    authorization = request.META.get("HTTP_AUTHORIZATION", "")
    if authorization[:7].lower() == "bearer ":
        from accounts.models import ApiToken

        user_id = ApiToken.objects.filter(key_hash=ApiToken.hash(authorization[7:].strip())).values_list(
            "user_id", flat=True).first()
        if user_id is not None:
            return f"user:{user_id}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    from accounts.lockout import client_ip

    return f"anon:{client_ip(request) or '-'}"[:80]


def fingerprint_of(request, ignore: tuple[str, ...] = ("csrfmiddlewaretoken",)) -> str:
    """The request as a client would send it again: method, path with query, and the body — for a form or
    an upload its fields and files' contents (a multipart boundary differs between two sendings)."""
    parts: list[bytes | str] = [request.method, request.get_full_path()]
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in sorted(request.POST):
            if name not in ignore:
                parts += [name, *request.POST.getlist(name)]
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                parts += [name, upload.name or "", upload.content_type or "", *upload.chunks()]
                upload.seek(0)
    else:
        parts.append(request.body)
    return idempotency.fingerprint(*parts)


def _replay(row) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status, content_type=row.content_type or None)
    for name, value in (row.headers or {}).items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _answer(request, claim: idempotency.Claim):
    """The answer to a call whose key an earlier call holds."""
    if claim.outcome == idempotency.REPLAY:
        return _replay(claim.row)
    if claim.outcome == idempotency.MISMATCH:
        return errors.response(request, 422, code="idempotency_key_reused", message=_(
            "This idempotency key was used for another request; use a new key for a new request."))
    if claim.outcome == idempotency.APPLIED:
        row = claim.row
        return errors.response(request, 409, code="request_applied", message=_(
            "This request was carried out already, but its answer was lost; read the current state of what it "
            "changed."), details={"applied": True, "object": {"type": row.object_type, "id": row.object_id}})
    response = errors.response(request, 409, code="request_in_progress", message=_(
        "A request with this idempotency key is still being processed; try again in a few seconds."))
    response["Retry-After"] = "2"
    return response


def _settle(claim: idempotency.Claim, response) -> None:
    status = response.status_code
    if status in NOT_PROCESSED:
        idempotency.release(claim.row)
    elif status >= 500 or getattr(response, "streaming", False):
        idempotency.settle_without_answer(claim.row)
    else:
        idempotency.finish(claim.row, status, response.content, response.get("Content-Type", ""),
                           {name: response[name] for name in KEPT_HEADERS if name in response})


def handle(request, key: str, call, *, wait: float = 0.0):
    """Run ``call(request)`` once for ``key``; ``wait``: seconds to wait for a first call still running."""
    if not KEY_PATTERN.match(key):
        return errors.response(request, 422, code="idempotency_key_invalid", message=_(
            "The idempotency key must be 1 to 255 visible ASCII characters."))
    scope, request_fingerprint = scope_of(request), fingerprint_of(request)
    deadline = time.monotonic() + wait
    while True:
        claim = idempotency.claim(scope, key, request_fingerprint, request.method, request.path)
        if claim.outcome != idempotency.IN_PROGRESS or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
    if claim.outcome != idempotency.RUN:
        return _answer(request, claim)
    with idempotency.running(claim.row):
        response = call(request)
    _settle(claim, response)
    return response


class IdempotencyMiddleware:
    """``Idempotency-Key`` on every state-changing call under /api/ (after the session and log-in
    middleware: the key is the user's)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get(HEADER)
        if key is None or request.method not in UNSAFE_METHODS or not errors.is_api(request):
            return self.get_response(request)
        return handle(request, key, self.get_response)


def idempotent(field: str = "form_token"):
    """A page's POST view acting once per one-time token in the form's hidden ``field`` (a double submit: the
    second sending waits for the first and gets its answer). Without the field the view runs as before."""
    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            key = request.POST.get(field, "") if request.method in UNSAFE_METHODS else ""
            if not key:
                return view(request, *args, **kwargs)
            wait = float(getattr(settings, "ELICENSE_IDEMPOTENCY_FORM_WAIT_SECONDS", 10))
            return handle(request, f"form:{request.path}:{key}"[:255], lambda r: view(r, *args, **kwargs),
                          wait=wait)
        return wrapped
    return decorator
