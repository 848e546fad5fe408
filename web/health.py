"""Health endpoints for the load balancer and the process supervisor (docs/deployment.md, ADR 0011).

* ``GET /healthz`` — the process is alive and answers: 200 ``{"status": "ok"}``; touches nothing else
  (no database, no storage), so a busy database never makes a supervisor restart healthy web workers.
* ``GET /readyz`` — the instance can serve requests: runs every check in ``settings.ELICENSE_READINESS_CHECKS``
  (dotted paths of functions returning ``(ok: bool, detail: str)``; a check that raises fails with the error
  as its detail) and answers 200 when all pass, 503 otherwise::

      {"status": "ok" | "failing", "checks": {"database": {"ok": true, "detail": "…"}, …}, "failing": […]}

  A check's name is its function's ``check_name`` attribute, or the function's name without ``check_``.
"""
from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from integrations.signatures import TrustStore, X509SignatureVerifier
from web.production import is_demo_ca


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_name(check) -> str:
    return getattr(check, "check_name", None) or check.__name__.removeprefix("check_")


def run_checks(paths) -> dict[str, dict]:
    results = {}
    for path in paths:
        check = import_string(path)
        try:
            ok, detail = check()
        except Exception as exc:  # noqa: BLE001 — a failing check is an answer, not a crash of the probe
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        results[check_name(check)] = {"ok": bool(ok), "detail": str(detail)}
    return results


@never_cache
@require_GET
def readyz(request):
    checks = run_checks(settings.ELICENSE_READINESS_CHECKS)
    failing = [name for name, result in checks.items() if not result["ok"]]
    body = {"status": "failing" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


# -- the checks -----------------------------------------------------------------------------------------
def check_database(alias: str = "default") -> tuple[bool, str]:
    """A trivial query on the database (through the pool when it is on)."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, f"{connections[alias].vendor}: SELECT 1 answered"


def check_storage() -> tuple[bool, str]:
    """Django's default storage takes a small file, gives it back and deletes it (``health/`` prefix)."""
    data = b"elicense readiness probe\n"
    name = default_storage.save(f"health/probe-{uuid.uuid4().hex}.txt", ContentFile(data))
    try:
        with default_storage.open(name, "rb") as f:
            read = f.read()
    finally:
        default_storage.delete(name)
    if read != data:
        return False, f"{name}: read back {len(read)} bytes, not the {len(data)} written"
    return True, f"{type(default_storage).__name__}: wrote, read back and deleted {name}"


def check_trust_store(now: dt.datetime | None = None, store: TrustStore | None = None) -> tuple[bool, str]:
    """The trust store the signature checks use (``X509SignatureVerifier().trust_store()``) has CAs, every CA
    has a CRL and none is past its next update: the verifier fails closed on a missing or stale CRL, so no
    signature could be accepted. In production mode, a demo PKI CA trusted is a failure too."""
    now = now or dt.datetime.now(dt.UTC)
    store = store if store is not None else X509SignatureVerifier().trust_store()
    source = getattr(store, "source", None) or store.directory
    if not store.cas:
        return False, f"{source}: no trusted CA certificate"
    problems, next_updates = [], []
    for ca in store.cas.values():
        name = ca.cert.subject.rfc4514_string()
        if ca.crl is None:
            problems.append(f"{name}: no CRL")
        elif ca.crl.next_update_utc is None or ca.crl.next_update_utc < now:
            when = ca.crl.next_update_utc.isoformat() if ca.crl.next_update_utc else "none"
            problems.append(f"{name}: CRL stale (next update {when})")
        else:
            next_updates.append(ca.crl.next_update_utc)
        if settings.ELICENSE_ENV == "production" and is_demo_ca(ca.cert):
            problems.append(f"{name}: the demo PKI's CA, trusted in production")
    if problems:
        return False, "; ".join(problems)
    return True, f"{len(store.cas)} CAs, CRLs current until {min(next_updates).isoformat()}"
