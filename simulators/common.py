"""What every simulator shares: a signed JSON HTTP server and its exchange log.

Message security (X-Road style, docs/integrations.md §"Signing"): every
request to a simulator carries

    X-Client-Id, X-Correlation-Id, X-Timestamp (unix seconds),
    X-Signature = hex HMAC-SHA256(secret, "{ts}\\n{METHOD}\\n{path}\\n{correlation}\\n" + body)

and every answer carries X-Correlation-Id, X-Timestamp and
X-Signature = hex HMAC-SHA256(secret, "{ts}\\n{status}\\n{correlation}\\n" + body).
A request without a valid signature (or more than MAX_SKEW seconds old) is
answered 401 and changes nothing. Both sides log every exchange; here one JSON
line per exchange goes to the --log file (or stderr).

Routes under /_sim/ are the simulator's own controls for tests and demos
(not part of any agency's interface) and are not signed.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MAX_SKEW = 300


def request_mac(secret: str, ts: str, method: str, path: str, correlation: str, body: bytes) -> str:
    msg = f"{ts}\n{method.upper()}\n{path}\n{correlation}\n".encode() + body
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def response_mac(secret: str, ts: str, status: int, correlation: str, body: bytes) -> str:
    msg = f"{ts}\n{status}\n{correlation}\n".encode() + body
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()


def body_mac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Reply(Exception):
    """Raised by a handler to answer with an error status and a JSON body."""

    def __init__(self, status: int, code: str, message: str = ""):
        super().__init__(message or code)
        self.status, self.body = status, {"code": code, "message": message or code}


class Page:
    """A handler's answer that is a page for a person (HTML), or a redirect (``location``), not JSON."""

    def __init__(self, html: str = "", *, location: str = "", form_targets: tuple[str, ...] = ()):
        # form_targets: the origins a form on the page may end up at (a redirect after posting counts)
        self.html, self.location, self.form_targets = html, location, form_targets


class Store:
    """A JSON document kept in memory and, with a path, written atomically on every change
    (so a killed and restarted simulator remembers its payments and registrations)."""

    def __init__(self, path: str | None, initial: dict):
        self.path = path
        self.lock = threading.RLock()
        self.data = initial
        if path and os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                self.data = json.load(f)

    def save(self):
        if not self.path:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(self.data, f, ensure_ascii=False)
        os.replace(tmp, self.path)


class Simulator:
    """Routes (method, path regex) → handler(request) returning (status, body dict | None)."""

    name = "simulator"

    def __init__(self, secret: str, log_path: str | None = None):
        self.secret = secret
        self.routes: list[tuple[str, re.Pattern, object, bool]] = []
        self.delay = 0.0  # seconds before answering signed calls (/_sim/config), for timeout tests
        self._log_lock = threading.Lock()
        self._log = open(log_path, "a", encoding="utf-8") if log_path else sys.stderr
        self.route("GET", r"/_sim/health", lambda r: (200, {"ok": True, "system": self.name}), signed=False)
        self.route("POST", r"/_sim/config", self._config, signed=False)

    def route(self, method, pattern, handler, signed=True):
        self.routes.append((method, re.compile(f"^{pattern}$"), handler, signed))

    def _config(self, request):
        self.delay = float(request.json.get("delay_ms", 0)) / 1000
        return 200, {"delay_ms": int(self.delay * 1000)}

    def log(self, **entry):
        line = json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "system": self.name, **entry},
                          ensure_ascii=False)
        with self._log_lock:
            print(line, file=self._log, flush=True)

    def serve(self, port: int, host: str = "127.0.0.1") -> ThreadingHTTPServer:
        simulator = self

        class Handler(_Handler):
            sim = simulator

        server = ThreadingHTTPServer((host, port), Handler)
        server.daemon_threads = True
        return server


class Request:
    def __init__(self, method, path, query, headers, body: bytes, match):
        self.method, self.path, self.query, self.headers, self.body, self.match = method, path, query, headers, body, match
        self.correlation_id = headers.get("X-Correlation-Id", "")

    @property
    def json(self) -> dict:
        if not self.body:
            return {}
        try:
            value = json.loads(self.body)
        except ValueError:
            raise Reply(400, "invalid_json") from None
        if not isinstance(value, dict):
            raise Reply(400, "invalid_json", "the body must be a JSON object")
        return value


class _Handler(BaseHTTPRequestHandler):
    sim: Simulator
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # the exchange log replaces the access log
        pass

    def _dispatch(self):
        started = time.monotonic()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        correlation = self.headers.get("X-Correlation-Id", "")
        for method, pattern, handler, signed in self.sim.routes:  # noqa: B007 - handler, signed: the route found
            match = pattern.match(parts.path)
            if match and method == self.command:
                break
        else:
            return self._send(404, {"code": "no_such_route"}, correlation, signed=True, started=started, body=body)
        if signed:
            problem = self._check_signature(body, correlation)
            if problem:
                return self._send(401, {"code": problem}, correlation, signed=True, started=started, body=body)
            if self.sim.delay:
                time.sleep(self.sim.delay)
        request = Request(self.command, parts.path, parts.query, self.headers, body, match)
        try:
            status, payload = handler(request)
        except Reply as reply:
            status, payload = reply.status, reply.body
        except Exception as exc:  # noqa: BLE001 - a simulator answers 500 like a real service would
            status, payload = 500, {"code": "internal_error", "message": repr(exc)}
        self._send(status, payload, correlation, signed=signed, started=started, body=body)

    def _check_signature(self, body, correlation) -> str:
        ts = self.headers.get("X-Timestamp", "")
        given = self.headers.get("X-Signature", "")
        if not ts or not given or not correlation:
            return "signature_missing"
        try:
            if abs(time.time() - int(ts)) > MAX_SKEW:
                return "signature_expired"
        except ValueError:
            return "signature_invalid"
        expected = request_mac(self.sim.secret, ts, self.command, self.path, correlation, body)
        return "" if hmac.compare_digest(expected, given) else "signature_invalid"

    def _send(self, status, payload, correlation, *, signed, started, body):
        page = payload if isinstance(payload, Page) else None
        if page is not None:
            data = page.html.encode()
        else:
            data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        ts = str(int(time.time()))
        self.send_response(status)
        if page is not None:
            if page.location:
                self.send_header("Location", page.location)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            targets = " ".join(("'self'", *page.form_targets))
            self.send_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; "
                                                        f"form-action {targets}; frame-ancestors 'none'")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Cache-Control", "no-store")
        elif data:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if correlation:
            self.send_header("X-Correlation-Id", correlation)
        if signed:
            self.send_header("X-Timestamp", ts)
            self.send_header("X-Signature", response_mac(self.sim.secret, ts, status, correlation, data))
        self.end_headers()
        if data:
            self.wfile.write(data)
        if not self.path.startswith("/_sim/"):
            self.sim.log(
                method=self.command, path=self.path, correlation_id=correlation,
                client=self.headers.get("X-Client-Id", ""), status=status,
                request_sha256=hashlib.sha256(body).hexdigest(), response_sha256=hashlib.sha256(data).hexdigest(),
                duration_ms=round((time.monotonic() - started) * 1000, 2),
            )

    do_GET = do_POST = do_PUT = do_DELETE = _dispatch


def arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret", default=os.environ.get("SIMULATOR_SECRET", "dev-secret"),
                        help="shared HMAC secret with E-licensing (or SIMULATOR_SECRET)")
    parser.add_argument("--log", help="exchange log file (JSON lines); default stderr")
    return parser


def run(server: ThreadingHTTPServer, name: str):
    host, port = server.server_address[:2]
    print(f"{name} simulator listening on http://{host}:{port}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
