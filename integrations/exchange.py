"""The one HTTP path to every outside system: signed, logged, timed out, retried.

`ServiceClient.call()` sends one logical call and returns the answer, or raises
`AdapterUnavailable` when the system cannot be reached or keeps failing.

* Signing (X-Road style, shared secret per system): the request carries
  X-Client-Id, X-Correlation-Id, X-Timestamp and X-Signature = hex
  HMAC-SHA256(secret, "{ts}\\n{METHOD}\\n{path?query}\\n{correlation}\\n" + body);
  the answer must carry X-Signature = hex HMAC-SHA256(secret,
  "{ts}\\n{status}\\n{correlation}\\n" + body) — an answer without a valid
  signature is not believed (outcome `bad_signature`, retried like an outage).
* Logging: every attempt writes an `ExchangeLog` row (time, system, operation,
  correlation id, digests and bodies — never the secret or signature —, status,
  duration, outcome), tied to the request being processed (`about()`).
* Timeouts and retries: `timeout` seconds per attempt; idempotent calls (GET,
  POST with an Idempotency-Key) are retried up to `retries` times with
  exponential backoff (`backoff` × 2^n); others are tried once.
"""
from __future__ import annotations

import contextlib
import contextvars
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from integrations.adapters import AdapterUnavailable

_application_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("exchange_application", default=None)


@contextlib.contextmanager
def about(application):
    """Exchanges made inside this block are logged as part of this request's processing."""
    token = _application_id.set(application.pk if application is not None else None)
    try:
        yield
    finally:
        _application_id.reset(token)


def request_mac(secret: str, ts: str, method: str, path: str, correlation: str, body: bytes) -> str:
    msg = f"{ts}\n{method.upper()}\n{path}\n{correlation}\n".encode() + body
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def response_mac(secret: str, ts: str, status: int, correlation: str, body: bytes) -> str:
    msg = f"{ts}\n{status}\n{correlation}\n".encode() + body
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def body_mac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    status: int
    body: dict | None
    correlation_id: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def _json(data: bytes):
    if not data:
        return None
    try:
        return json.loads(data)
    except ValueError:
        return {"_raw": data[:500].decode("utf-8", "replace")}


def log_exchange(**fields):
    from integrations.models import ExchangeLog

    fields.setdefault("application_id", _application_id.get())
    fields.setdefault("at", timezone.now())
    return ExchangeLog.objects.create(**fields)


class ServiceClient:
    def __init__(self, system: str, base_url: str, secret: str, *, timeout: float | None = None,
                 retries: int | None = None, backoff: float | None = None):
        self.system = system
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout if timeout is not None else settings.ELICENSE_ADAPTER_TIMEOUT
        self.retries = retries if retries is not None else settings.ELICENSE_ADAPTER_RETRIES
        self.backoff = backoff if backoff is not None else settings.ELICENSE_ADAPTER_BACKOFF

    def call(self, operation: str, method: str, path: str, body: dict | None = None, *,
             idempotency_key: str = "") -> Answer:
        if not self.base_url:
            raise AdapterUnavailable(self.system, operation, "not configured")
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        idempotent = method == "GET" or bool(idempotency_key)
        attempts = 1 + (self.retries if idempotent else 0)
        correlation = str(uuid.uuid4())  # one logical call, one correlation id across its attempts
        last_error = ""
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(self.backoff * 2 ** (attempt - 2))
            answer, outcome, last_error = self._attempt(operation, method, path, data, body, correlation, attempt,
                                                        idempotency_key)
            if answer is not None:
                return answer
            if outcome == "rejected":  # our credentials were refused: retrying will not help
                break
        raise AdapterUnavailable(self.system, operation, last_error)

    def _attempt(self, operation, method, path, data, body, correlation, attempt, idempotency_key):
        ts = str(int(time.time()))
        headers = {
            "X-Client-Id": settings.ELICENSE_CLIENT_ID, "X-Correlation-Id": correlation, "X-Timestamp": ts,
            "X-Signature": request_mac(self.secret, ts, method, path, correlation, data),
            "Accept": "application/json",
        }
        if data:
            headers["Content-Type"] = "application/json"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(self.base_url + path, data=data or None, method=method, headers=headers)
        started = time.monotonic()
        status, raw, response_headers, error = None, b"", {}, ""
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw, response_headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as err:
            status, raw, response_headers = err.code, err.read(), err.headers
        except (OSError, ValueError) as err:  # refused, reset, timeout, DNS, malformed answer
            error = f"{type(err).__name__}: {err}"[:300]
        duration = (time.monotonic() - started) * 1000
        answer, outcome = None, "unavailable"
        if status is not None:
            expected = response_mac(self.secret, response_headers.get("X-Timestamp", ""), status, correlation, raw)
            if status in (401, 403):  # believed or not, nothing was done: retrying will not help
                outcome, error = "rejected", f"HTTP {status}: our signature or credentials were refused"
            elif not hmac.compare_digest(expected, response_headers.get("X-Signature", "") or ""):
                outcome, error = "bad_signature", "the answer's signature is missing or invalid"
            elif status >= 500:
                outcome, error = "unavailable", f"HTTP {status}"
            else:
                answer = Answer(status, _json(raw), correlation)
                outcome = "ok" if answer.ok else ("not_found" if status == 404 else "refused")
        log_exchange(
            system=self.system, operation=operation, direction="out", method=method, url=self.base_url + path,
            correlation_id=correlation, attempt=attempt, status_code=status,
            request_sha256=hashlib.sha256(data).hexdigest(), response_sha256=hashlib.sha256(raw).hexdigest(),
            request_body=body, response_body=_json(raw), duration_ms=round(duration, 3), outcome=outcome,
            error=error,
        )
        return answer, outcome, error
