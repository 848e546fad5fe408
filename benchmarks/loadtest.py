"""Load test: signed submissions through the production server, within the database connection budget.

    scripts/loadtest [--submissions 300] [--clients 20] [--workers 2] [--worker-class sync] [--threads 1]
                     [--budget 8] [--baseline 1000] [--time-limit 240] [--admin-url postgres://…/postgres]

It starts everything itself, on 127.0.0.1 only: a throwaway PostgreSQL database (created, migrated, dropped at
the end), the outside-system simulators (as the tests start them, simulators/harness.py), a demo PKI, and
gunicorn with the project's configuration (elicense/gunicorn_conf.py) and connection pool, the bare bench
endpoints mounted. Users, API tokens and certificates are prepared with the ORM in this process; then
``--clients`` threads, each with its own keep-alive HTTP connection, drive ``--submissions`` signed requests
through the real API — create → form → attachments → fill → certificate → signing-payload → signature (the
CMS made here, in the client, as NCALayer would) — while a sampler counts the server's connections in
pg_stat_activity (its application_name, this database) every 100 ms.

Before the submissions, ``--baseline`` requests each of GET /bench/json and POST /bench/insert through the
same clients give the server's floor (requests/s, p50/p95), for comparing worker classes (ADR 0011).

Prints ``responses: N, 5xx: N, max app connections: N (budget B)`` and exits non-zero if any answer was a
5xx, the connections ever exceeded the budget, a submission did not end registered, or the time limit hit.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

# The smallest real PDF (one empty page): uploads are opened by pypdf (applications/uploads.py).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\nxref\n0 4\n0000000000 65535 f \n"
       b"0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\n"
       b"startxref\n164\n%%EOF\n")

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "elicense-web"


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()
        self.failures: list[str] = []
        self.registered = 0

    def record(self, status: int):
        with self.lock:
            self.statuses[status] += 1

    def fail(self, message: str):
        with self.lock:
            if len(self.failures) < 20:
                self.failures.append(message)

    @property
    def responses(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)


class Client:
    """One keep-alive HTTP connection speaking as one user (http.client reconnects if the server closes)."""

    def __init__(self, port: int, person: dict, stats: Stats, deadline: float):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.person = person
        self.headers = {"Authorization": f"Bearer {person['token']}"}
        self.stats, self.deadline = stats, deadline

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str | None = None):
        if time.monotonic() > self.deadline:
            raise TimeoutError("time limit")
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection (sync workers close after each answer,
                # a recycled worker closes its own): reconnect once, as any HTTP client does.
                self.connection.close()
                if attempt == 2:
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        self.stats.record(response.status)
        return response.status, data

    def json(self, method: str, path: str, body=None, expect=(200,)):
        status, data = self.request(method, path, json.dumps(body).encode() if body is not None else None,
                                    "application/json" if body is not None else None)
        if status not in expect:
            raise RuntimeError(f"{method} {path}: {status} {data[:300]!r}")
        return json.loads(data) if data else None

    def upload(self, path: str, document_code: str, content: bytes):
        boundary = uuid.uuid4().hex
        body = (f'--{boundary}\r\nContent-Disposition: form-data; name="document_code"\r\n\r\n{document_code}\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{document_code}.pdf"\r\n'
                f"Content-Type: application/pdf\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
        status, data = self.request("POST", path, body, f"multipart/form-data; boundary={boundary}")
        if status != 201:
            raise RuntimeError(f"POST {path}: {status} {data[:300]!r}")


# -- set-up -------------------------------------------------------------------------------------------------
def _admin(admin_url: str):
    import psycopg

    return psycopg.connect(admin_url, autocommit=True, application_name="elicense-loadtest-admin")


def _database_url(admin_url: str, name: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + name


def _django(database_url: str, workdir: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "elicense.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["ELICENSE_VAR_DIR"] = str(workdir)
    os.environ["ELICENSE_DB_POOL"] = "0"  # this process: one connection of its own, not counted as the app's
    os.environ["ELICENSE_DB_APPLICATION_NAME"] = "elicense-loadtest"
    for name in ("ELICENSE_ENV", "ELICENSE_DEBUG"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _people(workdir: Path, count: int):
    """Registered applicants (the registry simulator knows them), each with an API token and a signing key."""
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import ApiToken, User
    from integrations import pki as demo_pki
    from integrations.registry import LocalRegistry
    from services.reference_data import load_reference_data

    # The demo PKI, put where the server's trust store reads it (the command does that), then loaded here.
    call_command("make_demo_pki", "--dir", str(workdir / "pki"), "--crl-days", "7", stdout=open(os.devnull, "w"))
    pki = demo_pki.load_pki(workdir / "pki")
    load_reference_data()
    alive = [p for p in LocalRegistry()._individuals.values() if p["status"] == "alive"]
    people = []
    for n, person in enumerate(alive[:count]):
        user = User.objects.create_user(
            username=f"load{n}", password=None, kind="applicant", iin=person["iin"], last_name=person["last_name"],
            first_name=person["first_name"], portal_registered_at=timezone.now())
        cert, key = demo_pki.issue(pki, iin=user.iin, surname=person["last_name"].upper(),
                                   given_name=person["first_name"].upper(), purpose="sign", role="individual")
        people.append({"token": ApiToken.issue(user), "cert": cert, "key": key,
                       "cert_pem": demo_pki.cert_pem(cert).decode()})
    return pki, people


def _sample():
    """The sample request of the first free service that has one (as benchmarks/submission.py)."""
    from services import registry

    service = next(s for s in registry.all_services() if not s.paid and s.module("examples"))
    return service.code, service.module("examples").SAMPLE_REQUEST


def _start_server(args, database_url: str, workdir: Path, pki_dir: Path, simulator_settings: dict,
                  extra_env: dict | None = None):
    from simulators.harness import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL"))}
    env.update(simulator_settings)
    env.update({
        "DATABASE_URL": database_url, "ELICENSE_VAR_DIR": str(workdir), "ELICENSE_TRUST_DIR": str(pki_dir),
        "ELICENSE_DB_APPLICATION_NAME": APP_NAME, "ELICENSE_DB_CONNECTION_BUDGET": str(args.budget),
        "ELICENSE_WEB_WORKERS": str(args.workers), "ELICENSE_WEB_WORKER_CLASS": args.worker_class,
        "ELICENSE_WEB_THREADS": str(args.threads), "ELICENSE_WEB_BIND": f"127.0.0.1:{port}",
        "ELICENSE_BENCH_ENDPOINTS": "1", "ELICENSE_PUBLIC_URL": f"http://127.0.0.1:{port}",
    })
    env.update(extra_env or {})  # e.g. benchmarks/crashtest.py's worker timeout
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "elicense/gunicorn_conf.py"], cwd=ROOT,
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/readyz")
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status == 200:
                return server, port
            if time.monotonic() > deadline:
                raise RuntimeError(f"/readyz answers {response.status}: {body[:500]!r}")
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + (workdir / "gunicorn.log").read_text()[-3000:])
        time.sleep(0.2)


def tear_down(server, sims, admin_url: str, database: str) -> None:
    """Stop gunicorn (TERM, then KILL after 30 s) and the simulators, close this process's connections and
    drop the throwaway database — what every script that starts the stack does at its end."""
    if server and server.poll() is None:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    if sims:
        sims.stop()
    try:
        from django.db import connections

        connections.close_all()
    except Exception:  # noqa: BLE001 — Django may not be set up
        pass
    with _admin(admin_url) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Sampler(threading.Thread):
    """Counts the server's connections (its application_name, this database) every 100 ms."""

    def __init__(self, admin_url: str, database: str):
        super().__init__(daemon=True)
        self.admin_url, self.database = admin_url, database
        self.maximum = self.samples = 0
        self.stop = threading.Event()

    def run(self):
        with _admin(self.admin_url) as connection:
            while not self.stop.is_set():
                (count,) = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND datname = %s",
                    [APP_NAME, self.database]).fetchone()
                self.maximum, self.samples = max(self.maximum, count), self.samples + 1
                self.stop.wait(0.1)


# -- the load -----------------------------------------------------------------------------------------------
def _submit(client: Client, service: str, sample: dict):
    from integrations.signatures import sign_detached

    person = client.person
    app = client.json("POST", "/api/v1/applications", {"service": service, "sub_kind": sample["sub_kind"]},
                      expect=(201,))
    base = f"/api/v1/applications/{app['id']}"
    client.json("PUT", f"{base}/form", {"data": sample["form"], "version": 0})
    for code in sample["documents"]:
        client.upload(f"{base}/attachments", code, PDF)
    client.json("POST", f"{base}/fill", {})
    chosen = client.json("POST", f"{base}/certificate", {"certificate_pem": person["cert_pem"]})
    if chosen["status"] == "refused":
        raise RuntimeError(f"{base}/certificate: refused, {chosen['refusal_reason']} {chosen['refusal_details']}")
    payload = client.json("GET", f"{base}/signing-payload")
    cms = sign_detached(base64.b64decode(payload["payload_b64"]), person["cert"], person["key"])
    done = client.json("POST", f"{base}/signature", {"cms_b64": base64.b64encode(cms).decode()})
    if done["status"] != "registered":
        raise RuntimeError(f"{base}: ended {done['status']}, not registered")


def _drive(clients: list[Client], jobs: list, work) -> tuple[float, list[float]]:
    """Run ``work(client, job)`` for every job, the clients pulling from one queue; wall time and latencies."""
    lock, latencies, pending = threading.Lock(), [], list(reversed(jobs))

    def loop(client):
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            started = time.perf_counter()
            try:
                work(client, job)
            except TimeoutError:
                client.stats.fail("time limit reached")
                return
            except Exception as exc:  # noqa: BLE001 — counted and reported, the others go on
                client.stats.fail(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, clients[0].deadline - time.monotonic()) + 35)  # past that a socket timed out
    return time.perf_counter() - started, latencies


def _figures(name: str, count: int, seconds: float, latencies: list[float]) -> str:
    if len(latencies) < 2:
        return f"{name}: {len(latencies)} of {count} done"
    q = statistics.quantiles(latencies, n=100)
    return (f"{name:<18} {len(latencies) / seconds:7.0f}/s   p50 {q[49] * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms"
            f"   ({len(latencies)} in {seconds:.1f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (ELICENSE_WEB_WORKERS)")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--budget", type=int, default=8, help="ELICENSE_DB_CONNECTION_BUDGET for the server")
    parser.add_argument("--baseline", type=int, default=1000, help="bare requests of each kind first (0: none)")
    parser.add_argument("--time-limit", type=float, default=240, help="seconds for the whole load, hard")
    parser.add_argument("--admin-url", default=os.environ.get("ELICENSE_LOADTEST_ADMIN_URL",
                                                              "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still drops the database
    host = args.admin_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("the load test runs against 127.0.0.1 only")

    database = f"elicense_loadtest_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="elicense-loadtest-"))
    with _admin(args.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = sims = sampler = None
    stats = Stats()
    try:
        database_url = _database_url(args.admin_url, database)
        _django(database_url, workdir)
        from django.db import connections

        from simulators.harness import Simulators

        sims = Simulators(workdir / "simulators").start()
        pki, people = _people(workdir, args.clients)
        service, sample = _sample()
        connections.close_all()
        server, port = _start_server(args, database_url, workdir, pki.directory, sims.settings())
        print(f"server: gunicorn {args.workers} × {args.worker_class}"
              + (f" × {args.threads} threads" if args.worker_class == "gthread" else "")
              + f", pool {max(1, args.budget // args.workers)} per worker (budget {args.budget}), "
              f"on 127.0.0.1:{port}; {args.clients} clients, {len(people)} applicants", flush=True)
        sampler = Sampler(args.admin_url, database)
        sampler.start()
        deadline = time.monotonic() + args.time_limit
        clients = [Client(port, people[i % len(people)], stats, deadline) for i in range(args.clients)]

        if args.baseline:
            def bare_json(client, _):
                if client.request("GET", "/bench/json")[0] != 200:
                    raise RuntimeError("GET /bench/json failed")

            def bare_insert(client, _):
                if client.request("POST", "/bench/insert", b"x" * 64, "application/octet-stream")[0] != 201:
                    raise RuntimeError("POST /bench/insert failed")

            print(_figures("GET /bench/json", args.baseline, *_drive(clients, range(args.baseline), bare_json)))
            print(_figures("POST /bench/insert", args.baseline,
                           *_drive(clients, range(args.baseline), bare_insert)), flush=True)

        def submission(client, n):
            _submit(client, service, sample)
            with stats.lock:
                stats.registered += 1

        print(_figures("signed submission", args.submissions,
                       *_drive(clients, range(args.submissions), submission)), flush=True)
        timed_out = time.monotonic() > deadline
    finally:
        if sampler:
            sampler.stop.set()
            sampler.join(5)
        tear_down(server, sims, args.admin_url, database)

    maximum = sampler.maximum if sampler else 0
    print(f"responses: {stats.responses}, 5xx: {stats.server_errors}, max app connections: {maximum} "
          f"(budget {args.budget})")
    print(f"registered: {stats.registered} of {args.submissions}; statuses: {dict(sorted(stats.statuses.items()))}; "
          f"{sampler.samples if sampler else 0} samples of pg_stat_activity")
    problems = []
    if stats.server_errors:
        problems.append(f"{stats.server_errors} answers were 5xx")
    if maximum > args.budget:
        problems.append(f"the server held {maximum} connections, over the budget of {args.budget}")
    if stats.registered != args.submissions:
        problems.append(f"{args.submissions - stats.registered} submissions did not end registered")
    if timed_out:
        problems.append(f"the time limit of {args.time_limit:.0f} s was reached")
    for failure in stats.failures:
        print(f"  failure: {failure}")
    if problems:
        print("FAILED: " + "; ".join(problems) + f" (server log: {workdir / 'gunicorn.log'})")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
