"""Benchmarks through the production server: each figure a ratio against a bare baseline in the same run.

    scripts/bench [--quick] [--clients 8] [--profile] [--admin-url postgres://…/postgres] [--time-limit S]
    scripts/bench --in-process [--n 200] [--database-url URL]     # the older in-process submission figure

Everything is started here, on 127.0.0.1 only, as benchmarks/loadtest.py does: a throwaway PostgreSQL database
(created, migrated, dropped at the end), the outside-system simulators, a demo PKI, and gunicorn with the
project's configuration (elicense/gunicorn_conf.py, sync workers, the database pool) with the bare endpoints
``/bench/insert`` and ``/bench/json`` mounted (ELICENSE_BENCH_ENDPOINTS=1). The load generator is this process:
``--clients`` threads, each with its own keep-alive HTTP connection (loadtest.Client), pulling from one bounded
queue of jobs. Every figure is printed as

    <figure>: <value> (baseline <value>, ratio <r>, target <t>)

1. signed submission (POST …/signature with the CMS while step 6 is open: steps 6 and 8 in one call; the
   requests filled and the CMSs made before the timed part, through a server of its own) vs POST /bench/insert:
   throughput, p99, queries per submission (in-process, CaptureQueriesContext), peak RSS per worker (VmHWM of
   the same workers, after the bare run and after the submissions);
2. public verification by number (GET /api/v1/registry/public/<document number>) with a large registry
   (1,000,000 records with their documents; --quick 20,000; seeded with COPY) vs GET /bench/json;
3. the officer's queue (GET /api/v1/applications/queue) at the large size vs at the small one
   (1,000,000 vs 10,000 open tasks; --quick 20,000 vs 2,000): p95 ratio;
4. the overdue sweep (applications.tasks.sweep_overdue, in this process) over the same number of overdue
   tasks (1,000; --quick 200) among the large vs the small queue: its time;
5. result documents produced (documents.produce.produce: render, sign, timestamp) per second in one process
   vs bare RSA-2048 signatures per second (cryptography);
6. two app servers (two gunicorn instances on two ports, the clients split between them) vs one: throughput
   of the signed submission.

Nothing here is a test: figures are reported, not asserted. Every loop is bounded in count and by
``--time-limit``; the whole run is also bounded by scripts/bench's ``timeout``.
"""
from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import os
import pstats
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks import loadtest
from benchmarks.loadtest import ROOT, Client, Stats

APP_NAME = "elicense-web"

SIZES = {  # (quick, full)
    "bare": (400, 2000), "submissions": (150, 600), "warm": (10, 20), "registry": (20_000, 1_000_000),
    "queue_small": (2_000, 10_000), "queue_large": (20_000, 1_000_000), "json_reads": (600, 2000),
    "verify_reads": (200, 200), "queue_reads": (100, 200),
    "documents": (12, 40), "profile": (20, 50), "overdue": (200, 1000),
}


# -- the servers --------------------------------------------------------------------------------------------
class Server:
    """One gunicorn instance with the project's configuration, on a port of its own."""

    def __init__(self, name: str, database_url: str, workdir: Path, pki_dir: Path, simulator_settings: dict,
                 workers: int = 2, budget: int = 8):
        from simulators.harness import free_port

        self.name, self.port = name, free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL"))}
        env.update(simulator_settings)
        env.update({
            "DATABASE_URL": database_url, "ELICENSE_VAR_DIR": str(workdir), "ELICENSE_TRUST_DIR": str(pki_dir),
            "ELICENSE_DB_APPLICATION_NAME": APP_NAME, "ELICENSE_DB_CONNECTION_BUDGET": str(budget),
            "ELICENSE_WEB_WORKERS": str(workers), "ELICENSE_WEB_BIND": f"127.0.0.1:{self.port}",
            "ELICENSE_BENCH_ENDPOINTS": "1", "ELICENSE_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            # The same worker processes for the whole run (peak RSS is read per worker), and no access log.
            "ELICENSE_WEB_MAX_REQUESTS": "1000000", "ELICENSE_WEB_LOG_LEVEL": "warning",
            # The shared cache as production has it (Redis), under this run's own prefix.
            "ELICENSE_CACHE": "redis", "ELICENSE_CACHE_PREFIX": f"bench-{workdir.name}",
        })
        self.log_path = workdir / f"gunicorn-{name}.log"
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "elicense/gunicorn_conf.py", "--access-logfile", "/dev/null"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self):
        import http.client

        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/readyz")
                response = connection.getresponse()
                body = response.read()
                connection.close()
                if response.status == 200 and len(self.workers()) >= 1:
                    return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"/readyz answers {response.status}: {body[:500]!r}")
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start:\n" + self.log_path.read_text()[-3000:]) from None
            time.sleep(0.2)

    def workers(self) -> list[int]:
        try:
            text = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def peak_rss_kib(self) -> dict[int, int]:
        """VmHWM (peak resident set) of each worker, KiB."""
        peaks = {}
        for pid in self.workers():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks[pid] = int(line.split()[1])
            except OSError:
                pass
        return peaks

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


# -- the load -----------------------------------------------------------------------------------------------
def drive(clients: list[Client], jobs: list, work) -> dict:
    """``work(client, job)`` for every job, the clients pulling from one queue: rate and latencies."""
    seconds, latencies = loadtest._drive(clients, list(jobs), work)
    done = len(latencies)
    q = statistics.quantiles(latencies, n=100) if done >= 2 else [float("nan")] * 99
    return {"done": done, "of": len(jobs), "seconds": seconds, "rate": done / seconds if seconds else 0.0,
            "p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000}


def expect(client: Client, method: str, path: str, status: int, body: bytes | None = None,
           content_type: str | None = None):
    got, data = client.request(method, path, body, content_type)
    if got != status:
        raise RuntimeError(f"{method} {path}: {got} {data[:200]!r}")
    return data


def fmt(value: float, unit: str = "") -> str:
    if value != value:  # NaN
        return "n/a"
    text = f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return text + unit


def line(figure: str, value: str, baseline: str, ratio: float | None, target: str) -> str:
    # Three decimals, or three significant digits for ratios under 0.01 (a far miss still reads as a number).
    r = "n/a" if ratio is None or ratio != ratio else f"{ratio:.3f}" if abs(ratio) >= 0.01 else f"{ratio:.3g}"
    text = f"{figure}: {value} (baseline {baseline}, ratio {r}, target {target})"
    print(text, flush=True)
    return text


# -- set-up -------------------------------------------------------------------------------------------------
def prepare_submissions(clients: list[Client], count: int, service: str, sample: dict) -> list[tuple]:
    """Filled requests and, for each, the CMS over its signing payload (as NCALayer would make it), through
    the API (loadtest's steps up to the signature): (person index, application id, CMS base64)."""
    from integrations.signatures import sign_detached

    prepared, lock = [], threading.Lock()

    def work(client, _):
        person = client.person
        app = client.json("POST", "/api/v1/applications", {"service": service, "sub_kind": sample["sub_kind"]},
                          expect=(201,))
        base = f"/api/v1/applications/{app['id']}"
        client.json("PUT", f"{base}/form", {"data": sample["form"], "version": 0})
        for code in sample["documents"]:
            client.upload(f"{base}/attachments", code, loadtest.PDF)
        client.json("POST", f"{base}/fill", {})
        payload = client.json("GET", f"{base}/signing-payload")
        cms = sign_detached(base64.b64decode(payload["payload_b64"]), person["cert"], person["key"])
        with lock:
            prepared.append((person["index"], app["id"], base64.b64encode(cms).decode()))

    result = drive(clients, range(count), work)
    if result["done"] != count:
        raise RuntimeError(f"prepared only {result['done']} of {count} submissions: "
                           f"{clients[0].stats.failures[:3]}")
    return prepared


def submit(client: Client, job: tuple):
    _, app_id, cms = job
    done = client.json("POST", f"/api/v1/applications/{app_id}/signature", {"cms_b64": cms})
    if done["status"] != "registered":
        raise RuntimeError(f"application {app_id} ended {done['status']}: {done.get('refusal_reason')}")


def per_client(prepared: list[tuple], clients: list[Client], warm: int) -> tuple[list, list]:
    """Each client's warm-up and timed submissions: a client submits only its own applicant's requests
    (the clients speaking as the same applicant share them)."""
    lists = [[] for _ in clients]
    speakers: dict[int, list[int]] = {}
    for i, client in enumerate(clients):
        speakers.setdefault(client.person["index"], []).append(i)
    turn: dict[int, int] = {}
    for job in prepared:
        mine = speakers.get(job[0])
        if mine:
            k = turn.get(job[0], 0)
            lists[mine[k % len(mine)]].append(job)
            turn[job[0]] = k + 1
    per = max(1, warm // len(clients))
    return [j[:per] for j in lists], [j[per:] for j in lists]


def drive_own(clients: list[Client], jobs_per_client: list[list[tuple]], work) -> dict:
    """As drive(), but each client takes only from its own list (the applicant owns the request)."""
    latencies, lock = [], threading.Lock()

    def loop(client, jobs):
        for job in jobs:
            if time.monotonic() > client.deadline:
                client.stats.fail("time limit reached")
                return
            started = time.perf_counter()
            try:
                work(client, job)
            except Exception as exc:  # noqa: BLE001 — counted and reported
                client.stats.fail(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=loop, args=(c, j), daemon=True) for c, j in zip(clients, jobs_per_client, strict=True)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, clients[0].deadline - time.monotonic()) + 35)
    seconds = time.perf_counter() - started
    done = len(latencies)
    q = statistics.quantiles(latencies, n=100) if done >= 2 else [float("nan")] * 99
    return {"done": done, "of": sum(map(len, jobs_per_client)), "seconds": seconds,
            "rate": done / seconds if seconds else 0.0, "p50": q[49] * 1000, "p95": q[94] * 1000,
            "p99": q[98] * 1000}


# -- bulk seeding (COPY) ------------------------------------------------------------------------------------
def copy_rows(model, rows, now):
    """COPY rows (dicts by attname, with explicit ids) into the model's table; the other columns get the
    field's default ('' for text, now for auto dates, NULL when nullable)."""
    from django.db import connection, models

    fields = list(model._meta.concrete_fields)
    first = next(rows, None)
    if first is None:
        return 0
    given = set(first)
    filled = {}
    for f in fields:
        if f.attname in given:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            filled[f.attname] = now
        elif f.null:
            continue
        elif f.has_default():
            filled[f.attname] = f.get_default()
        elif f.empty_strings_allowed:
            filled[f.attname] = ""
        else:
            raise ValueError(f"{model.__name__}.{f.name}: no value for COPY")
    used = [f for f in fields if f.attname in given or f.attname in filled]
    json_fields = {f.attname for f in used if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in used)
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as cp:
            row = first
            while row is not None:
                values = []
                for f in used:
                    v = row[f.attname] if f.attname in row else filled[f.attname]
                    values.append(json.dumps(v) if f.attname in json_fields else v)
                cp.write_row(values)
                count += 1
                row = next(rows, None)
    return count


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


def reset_sequences(*models):
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def sample_service():
    """The service the benchmark's requests are of: the first free one with a sample request (S2's allocation)."""
    from services import registry

    return next(s for s in registry.all_services() if not s.paid and s.module("examples"))


def seed_applications(count: int, *, status: str, unit_of, tag: str, now) -> tuple[int, int]:
    """``count`` requests of the sample service straight into the table; returns the first and last id."""
    from accounts.models import User
    from applications.models import Application
    from workflow.models import ProcessDefinition

    service = sample_service()
    definition = ProcessDefinition.objects.filter(service=service.code).order_by("id").first()
    creator = User.objects.order_by("id").first()
    first = next_id(Application)

    def rows():
        for i in range(count):
            pk = first + i
            yield {"id": pk, "service": service.code, "sub_kind": "allocate", "channel": "portal",
                   "definition_id": definition.pk, "number": f"BENCH-{tag}-{pk:08d}", "applicant_iin": f"{pk:012d}",
                   "applicant_name": f"Bench applicant {pk}", "created_by_id": creator.pk,
                   "provider_unit_id": unit_of(i), "status": status, "created_at": now, "registered_at": now,
                   "deadline_at": now + _days(15)}

    copy_rows(Application, rows(), now)
    reset_sequences(Application)
    return first, first + count - 1


def _days(n):
    import datetime as dt

    return dt.timedelta(days=n)


def seed_registry(count: int, now) -> list[str]:
    """``count`` registry records, each with its request, its holder (one per four records), its result
    document and the record-document link; returns a sample of document numbers to look up."""
    from applications.models import ResultDocument
    from registry.models import Holder, Record, RecordDocument, RecordEvent
    from services.models import ProviderUnit

    unit = ProviderUnit.objects.get(code="committee").pk
    first_app, _ = seed_applications(count, status="completed", unit_of=lambda i: unit, tag="R", now=now)
    holders = (count + 3) // 4
    h0, d0, r0, l0 = next_id(Holder), next_id(ResultDocument), next_id(Record), next_id(RecordDocument)
    copy_rows(Holder, ({"id": h0 + i, "iin": f"9{h0 + i:011d}", "bin": "", "name": f"Bench holder {i}",
                        "address": "Astana"} for i in range(holders)), now)
    copy_rows(ResultDocument, ({"id": d0 + i, "application_id": first_app + i, "kind": "order",
                                "number": f"BD-{d0 + i:08d}", "issued_at": now, "content": {},
                                "pdf": f"results/{first_app + i}/BD-{d0 + i:08d}.pdf", "pdf_sha256": "0" * 64,
                                "signer_name": "Bench"} for i in range(count)), now)
    scope = {"resource_kind": "ABC", "range_start": "100", "range_end": "199", "purpose": "bench"}
    service = sample_service()
    from django.db import transaction

    with transaction.atomic():  # a record points at its version and the version at its record: checked at commit
        copy_rows(Record, ({"id": r0 + i, "number": f"BR-{r0 + i:08d}", "kind": "order", "service": service.code,
                            "holder_id": h0 + i // 4, "provider_unit_id": unit, "application_id": first_app + i,
                            "status": "valid", "version": 1, "scope": scope, "issued_at": now,
                            "updated_at": now, "current_id": l0 + i} for i in range(count)), now)
        # Each version as the registry writes it: the holder's snapshot, the scope, the date.
        copy_rows(RecordDocument, ({"id": l0 + i, "record_id": r0 + i, "document_id": d0 + i, "version": 1,
                                    "role": "original", "issued_at": now, "sub_kind": "allocate",
                                    "holder_name": f"Bench holder {i // 4}", "holder_iin": f"9{h0 + i // 4:011d}",
                                    "scope": scope} for i in range(count)), now)
        # And its history's first event, which backs its status (registry/backing.py, docs/audit.md).
        e0 = next_id(RecordEvent)
        copy_rows(RecordEvent, ({"id": e0 + i, "record_id": r0 + i, "kind": "issued", "status_before": "",
                                 "status_after": "valid", "document_id": d0 + i, "data": {}, "created_at": now}
                                for i in range(count)), now)
    reset_sequences(Holder, ResultDocument, Record, RecordDocument, RecordEvent)
    rng = random.Random(1)
    return [f"BD-{d0 + rng.randrange(count):08d}" for _ in range(2000)]


def seed_queue(count: int, officer_unit: int, now, overdue: int = 0) -> None:
    """``count`` registered requests each with one open step: half in the officer's unit and lane
    ('provider'), 45 % in the other units, 5 % at the PSC; due dates spread over 30 days, the first
    ``overdue`` of them already past due (up to two days)."""
    from services.models import ProviderUnit
    from workflow.models import WorkTask

    others = list(ProviderUnit.objects.exclude(pk=officer_unit).values_list("pk", flat=True)) or [officer_unit]
    rng = random.Random(count)

    def unit_of(i):
        return officer_unit if i % 2 == 0 else others[i % len(others)]

    first, _ = seed_applications(count, status="registered", unit_of=unit_of, tag=f"Q{next_id(WorkTask)}", now=now)
    t0 = next_id(WorkTask)

    def rows():
        for i in range(count):
            lane = "psc" if i % 20 == 1 else "provider"
            yield {"id": t0 + i, "application_id": first + i, "engine_task_id": uuid.UUID(int=rng.getrandbits(128)),
                   "bpmn_id": "Task_review", "step": "9", "name": "Review the request", "lane": lane,
                   "action_kind": "", "provider_unit_id": unit_of(i), "state": "open", "norm": "",
                   "created_at": now - _days(5),
                   "due_at": now - _days(rng.random() * 2) if i < overdue else now + _days(rng.random() * 30)}

    copy_rows(WorkTask, rows(), now)
    reset_sequences(WorkTask)


# -- in-process helpers -------------------------------------------------------------------------------------
def in_process_client():
    from django.test import Client as DjangoClient

    return DjangoClient()


def profile_summary(title: str, calls, top: int = 15) -> str:
    """cProfile of ``calls`` (zero-argument callables) through the same Django stack, in this process."""
    profiler = cProfile.Profile()
    profiler.enable()
    for call in calls:
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # Cumulative: the project's own functions (not the libraries, not this file); own time: everything.
    stats.sort_stats("cumulative").print_stats(rf"^{ROOT}/(?!\.venv|benchmarks)", top)
    out.write("\n-- by own time --\n")
    stats.sort_stats("tottime").print_stats(top)
    import sysconfig

    text = out.getvalue().replace(sysconfig.get_paths()["purelib"] + "/", "").replace(f"{ROOT}/", "")
    text = text.replace(sysconfig.get_paths()["stdlib"] + "/", "")
    # Keep the table only: drop pstats' header lines up to the column titles.
    return f"### {title}\n\n```\n" + "\n".join(
        ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("Ordered by", "List reduced"))
    ) + "\n```\n"


# -- the run ------------------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under 5 minutes")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--profile", default="", help="write cProfile summaries of the missed figures here")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for each timed load, hard")
    parser.add_argument("--admin-url", default=os.environ.get("ELICENSE_LOADTEST_ADMIN_URL",
                                                              "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--only", choices=["spectrum"], default="",
                        help="run one case alone: spectrum = the interference pre-check (benchmarks/interference.py)")
    args = parser.parse_args(argv)
    host = args.admin_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("the benchmarks run against 127.0.0.1 only")
    if args.only == "spectrum":
        return spectrum_case(args)
    size = {k: v[0] if args.quick else v[1] for k, v in SIZES.items()}
    time_limit = args.time_limit or (90 if args.quick else 600)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still drops the database

    database = f"elicense_bench_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="elicense-bench-"))
    with loadtest._admin(args.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    servers: list[Server] = []
    sims = None
    stats = Stats()
    profiles: list[str] = []
    started_at = time.monotonic()
    try:
        database_url = loadtest._database_url(args.admin_url, database)
        os.environ["ELICENSE_BENCH_ENDPOINTS"] = "1"  # the in-process measurements see the same URLs
        loadtest._django(database_url, workdir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from simulators.harness import Simulators

        sims = Simulators(workdir / "simulators").start()
        for name, value in sims.settings().items():  # the in-process measurements talk to them too
            setattr(settings, name, value)
        pki, people = loadtest._people(workdir, args.clients)
        # The system seal the result documents' figure signs with (documents.seal), issued by the demo PKI.
        call_command("make_demo_seal", "--issuer-dir", str(workdir / "pki"), stdout=open(os.devnull, "w"))
        for n, person in enumerate(people):
            person["index"] = n
        service, sample = loadtest._sample()
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            pg_version = cursor.fetchone()[0].split(" on ")[0]
        connections.close_all()

        def clients_for(*ports):
            deadline = time.monotonic() + time_limit
            return [Client(ports[i % len(ports)], people[i % len(people)], stats, deadline)
                    for i in range(args.clients)]

        print(f"scripts/bench{' --quick' if args.quick else ''}: {os.cpu_count()} cores, {pg_version}; "
              f"gunicorn 2 sync workers per server (elicense/gunicorn_conf.py), pool 4 per worker; "
              f"{args.clients} client threads in another process", flush=True)

        # Preparation (not measured) through a server of its own, so that the measured workers start fresh.
        n_sub, warm = size["submissions"], size["warm"]
        prep = Server("prep", database_url, workdir, pki.directory, sims.settings())
        servers.append(prep)
        prepared = prepare_submissions(clients_for(prep.port), 3 * (n_sub + warm) + 2, service, sample)
        prep.stop()
        servers.remove(prep)
        one_off, warm_off = prepared.pop(), prepared.pop()
        random.Random(2).shuffle(prepared)
        jobs_one, jobs_again, jobs_two = (prepared[:n_sub + warm], prepared[n_sub + warm:2 * (n_sub + warm)],
                                          prepared[2 * (n_sub + warm):])

        # 1. signed submission vs /bench/insert, through one server.
        server = Server("one", database_url, workdir, pki.directory, sims.settings())
        servers.append(server)
        clients = clients_for(server.port)
        drive(clients, range(warm * args.clients),
              lambda c, _: expect(c, "GET", "/bench/json", 200))
        bare = drive(clients, range(size["bare"]), lambda c, _: expect(
            c, "POST", "/bench/insert", 201, b"x" * 64, "application/octet-stream"))
        rss_bare = server.peak_rss_kib()
        warm_jobs, timed_jobs = per_client(jobs_one, clients, warm)
        drive_own(clients, warm_jobs, submit)
        sub = drive_own(clients, timed_jobs, submit)
        rss_sub = server.peak_rss_kib()
        # The bare run again after the submissions: the baseline is the mean of before and after, so that a
        # change of the machine's load (other test runs) during the figure moves both alike.
        again = drive(clients, range(size["bare"]), lambda c, _: expect(
            c, "POST", "/bench/insert", 201, b"x" * 64, "application/octet-stream"))
        bare = {k: (bare[k] + again[k]) / 2 for k in ("rate", "p50", "p95", "p99")}
        if sub["done"] < sub["of"]:
            print(f"  (signed submission: {sub['done']} of {sub['of']} done; {stats.failures[:3]})")

        # Queries per submission: one request, in this process, through the same URLs and middleware, after one
        # that warms what a worker reads once (the definition's row, the trust store), as the servers' workers are.
        client = in_process_client()
        for job in (warm_off, one_off):
            headers = {"HTTP_AUTHORIZATION": f"Bearer {people[job[0]]['token']}"}
            with CaptureQueriesContext(connection) as ctx:
                response = client.post(f"/api/v1/applications/{job[1]}/signature", json.dumps({"cms_b64": job[2]}),
                                       content_type="application/json", **headers)
        assert response.status_code == 200 and response.json()["status"] == "registered", response.content[:300]
        queries = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            client.post("/bench/insert", b"x" * 64, content_type="application/octet-stream")
        bare_queries = len(ctx.captured_queries)

        line("signed submission throughput", f"{fmt(sub['rate'])}/s", f"{fmt(bare['rate'])}/s",
             sub["rate"] / bare["rate"], "≥ 0.2")
        line("signed submission p99", fmt(sub["p99"], " ms"), fmt(bare["p99"], " ms"),
             sub["p99"] / bare["p99"], "none")
        line("queries per submission", str(queries), str(bare_queries), queries / max(bare_queries, 1), "none")
        peak_sub = max(rss_sub.values(), default=0) / 1024
        peak_bare = max(rss_bare.values(), default=0) / 1024
        line("peak RSS per worker", f"{fmt(peak_sub, ' MiB')} (max of {len(rss_sub)})", fmt(peak_bare, " MiB"),
             peak_sub / peak_bare if peak_bare else None, "none")
        ratio_sub = sub["rate"] / bare["rate"]

        # 6. two app servers vs one, the clients split between them; the one-server figure again just before,
        # its baseline the mean of both one-server runs.
        warm_jobs, timed_jobs = per_client(jobs_again, clients, warm)
        drive_own(clients, warm_jobs, submit)
        one_again = drive_own(clients, timed_jobs, submit)
        second = Server("two", database_url, workdir, pki.directory, sims.settings())
        servers.append(second)
        clients2 = clients_for(server.port, second.port)
        drive(clients2, range(warm * args.clients), lambda c, _: expect(c, "GET", "/bench/json", 200))
        warm_jobs, timed_jobs = per_client(jobs_two, clients2, warm)
        drive_own(clients2, warm_jobs, submit)
        two = drive_own(clients2, timed_jobs, submit)
        second.stop()
        servers.remove(second)

        # 3a. the officer's queue at the small size.
        from django.contrib.auth.models import Group

        from accounts.models import ApiToken, User
        from services.models import ProviderUnit

        unit = ProviderUnit.objects.get(code="committee")
        officer = User.objects.create_user(username="bench-officer", password=None, kind="officer",
                                           provider_unit=unit, last_name="Bench", first_name="Officer")
        officer.groups.add(Group.objects.get_or_create(name="provider")[0])
        officer_token = ApiToken.issue(officer)
        now = timezone.now()
        t = time.monotonic()
        seed_queue(size["queue_small"], unit.pk, now, overdue=size["overdue"])
        analyze()
        seeded_small = time.monotonic() - t
        def officer_clients_for():
            return [Client(c.connection.port, {"token": officer_token}, stats, c.deadline)
                    for c in clients_for(server.port)]

        officer_clients = officer_clients_for()

        def queue(c, _):
            data = expect(c, "GET", "/api/v1/applications/queue", 200)
            if not data.startswith(b"[{"):
                raise RuntimeError("the queue is empty")

        drive(officer_clients, range(2 * args.clients), queue)
        queue_small = drive(officer_clients, range(size["queue_reads"]), queue)
        sweep_small = sweep()

        # 2 and 3b: the large registry and the large queue.
        t = time.monotonic()
        numbers = seed_registry(size["registry"], now)
        seed_queue(size["queue_large"] - size["queue_small"], unit.pk, now, overdue=size["overdue"])
        analyze()
        seeded_large = time.monotonic() - t
        connections.close_all()

        clients, officer_clients = clients_for(server.port), officer_clients_for()
        drive(clients, range(warm * args.clients), lambda c, _: expect(c, "GET", "/bench/json", 200))
        json_bare = drive(clients, range(size["json_reads"]), lambda c, _: expect(c, "GET", "/bench/json", 200))
        lookups = iter(numbers * 2)
        lookup_lock = threading.Lock()

        def verify(c, _):
            with lookup_lock:
                number = next(lookups)
            data = expect(c, "GET", f"/api/v1/registry/public/{number}", 200)
            if b'"found": true' not in data and b'"found":true' not in data:
                raise RuntimeError(f"{number}: not found")

        drive(clients, range(2 * args.clients), verify)
        verification = drive(clients, range(size["verify_reads"]), verify)
        line(f"public verification ({size['registry']:,} records)", f"{fmt(verification['rate'])}/s "
             f"p95 {fmt(verification['p95'], ' ms')}", f"{fmt(json_bare['rate'])}/s p95 {fmt(json_bare['p95'], ' ms')}",
             verification["rate"] / json_bare["rate"], "≥ 0.8")
        ratio_verify = verification["rate"] / json_bare["rate"]

        drive(officer_clients, range(2 * args.clients), queue)
        queue_large = drive(officer_clients, range(size["queue_reads"]), queue)
        line(f"officer's queue p95 ({size['queue_large']:,} vs {size['queue_small']:,} open tasks)",
             fmt(queue_large["p95"], " ms"), fmt(queue_small["p95"], " ms"), queue_large["p95"] / queue_small["p95"],
             "≤ 1.5")
        ratio_queue = queue_large["p95"] / queue_small["p95"]

        # 4. the overdue sweep (applications.tasks.sweep_overdue: engine.note_overdue in batches), in this
        # process as the background worker runs it, over the same number of overdue tasks at both sizes.
        sweep_large = sweep()
        line(f"overdue sweep ({sweep_large[0]:,} overdue among {size['queue_large']:,} vs {sweep_small[0]:,} among "
             f"{size['queue_small']:,} open tasks)", fmt(sweep_large[1], " ms"), fmt(sweep_small[1], " ms"),
             sweep_large[1] / sweep_small[1] if sweep_small[1] else None, "≤ 5")

        # 5. result documents in one process vs bare RSA-2048 signatures.
        docs_rate, rsa_rate = documents(size["documents"], service)
        line("result documents (render + sign + timestamp, 1 process)", f"{fmt(docs_rate)}/s",
             f"{fmt(rsa_rate)} RSA-2048 signatures/s", docs_rate / rsa_rate, "≥ 20 documents/s per core")

        one_rate = (sub["rate"] + one_again["rate"]) / 2
        line("signed submission, two app servers vs one", f"{fmt(two['rate'])}/s", f"{fmt(one_rate)}/s",
             two["rate"] / one_rate, "≈ 1 on 2 cores")
        print(f"(seeding: queue {size['queue_small']:,} in {seeded_small:.0f} s; registry {size['registry']:,} + "
              f"queue to {size['queue_large']:,} in {seeded_large:.0f} s; "
              f"{stats.responses} HTTP answers, {stats.server_errors} 5xx; whole run "
              f"{time.monotonic() - started_at:.0f} s)", flush=True)

        if args.profile:
            n = size["profile"]
            met = {"submission": ratio_sub >= 0.2, "verification": ratio_verify >= 0.8,
                   "queue": ratio_queue <= 1.5, "documents": docs_rate >= 20}
            # Every figure, met or missed (the title says which): a met target's profile shows its margin.
            fresh = prepare_in_process(people, n, service, sample)
            profiles.append(profile_summary(
                f"signed submission ({'met' if met['submission'] else 'missed'}): {n} POST …/signature", [
                    (lambda p=p: in_process_client().post(
                        f"/api/v1/applications/{p[1]}/signature", json.dumps({"cms_b64": p[2]}),
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {people[p[0]]['token']}")) for p in fresh]))
            dj = in_process_client()
            profiles.append(profile_summary(
                f"public verification ({'met' if met['verification'] else 'missed'}): "
                f"{n} GET /api/v1/registry/public/<number>",
                [(lambda num=num: dj.get(f"/api/v1/registry/public/{num}")) for num in numbers[:n]]))
            profiles.append(explain_verification(numbers[0]))
            profiles.append(profile_summary(
                f"officer's queue ({'met' if met['queue'] else 'missed'}): {n} GET /api/v1/applications/queue "
                f"at {size['queue_large']:,} open tasks",
                [(lambda: dj.get("/api/v1/applications/queue", HTTP_AUTHORIZATION=f"Bearer {officer_token}"))] * n))
            profiles.append(explain_queue(officer))
            profiles.append(profile_summary(
                f"result documents ({'met' if met['documents'] else 'missed'}): 5 × documents.produce.produce",
                [lambda: produce_some(5, service)]))
            Path(args.profile).write_text("\n".join(profiles))
            print(f"(profiles written to {args.profile})")
    finally:
        for server in servers:
            server.stop()
        if sims:
            sims.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 — Django may not be set up
            pass
        with loadtest._admin(args.admin_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    if stats.server_errors or stats.failures:
        for failure in stats.failures[:10]:
            print(f"  failure: {failure}")
        print(f"(server logs: {workdir})")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def spectrum_case(args) -> int:
    """scripts/bench --only spectrum: the interference pre-check at 1,000 vs 100,000 assignments
    (benchmarks/interference.py says how)."""
    from benchmarks import interference

    small, large = 1_000, 100_000
    n_requests = 100 if args.quick else 300
    database = f"elicense_bench_spectrum_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="elicense-bench-spectrum-"))
    with loadtest._admin(args.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        loadtest._django(loadtest._database_url(args.admin_url, database), workdir)
        from django.core.management import call_command
        from django.utils import timezone

        from spectrum.models import Assignment
        from spectrum.precheck import Station

        call_command("load_frequency_table", verbosity=0)
        rng = random.Random(13)
        now = timezone.now()
        requests = [Station(**s) for s in interference.stations(random.Random(7), n_requests)]
        t = time.monotonic()
        copy_rows(Assignment, interference.rows(small, 1, rng), now)
        analyze()
        interference.timed(requests[:20])  # warm
        at_small = interference.timed(requests, repeat=2)
        copy_rows(Assignment, interference.rows(large - small, small + 1, rng), now)
        reset_sequences(Assignment)
        analyze()
        seeded = time.monotonic() - t
        interference.timed(requests[:20])
        at_large = interference.timed(requests, repeat=2)
        line(f"interference pre-check p95 ({large:,} vs {small:,} assignments)", f"{at_large['p95']:.2f} ms",
             f"{at_small['p95']:.2f} ms", at_large["p95"] / at_small["p95"], "≤ 3")
        line(f"interference pre-check p50 ({large:,} vs {small:,} assignments)", f"{at_large['p50']:.2f} ms",
             f"{at_small['p50']:.2f} ms", at_large["p50"] / at_small["p50"], "none")
        print(f"({n_requests} requested stations × 2 at each size; findings per request "
              f"{at_small['findings'] / n_requests:.2f} at {small:,}, {at_large['findings'] / n_requests:.2f} at "
              f"{large:,}; seeding {seeded:.0f} s)", flush=True)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 — Django may not be set up
            pass
        with loadtest._admin(args.admin_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)
    sys.stdout.flush()
    return 0


def prepare_in_process(people, count, service, sample):
    """Filled requests and their CMSs through the in-process client (for the profile only)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from integrations.signatures import sign_detached

    client = in_process_client()
    out = []
    for n in range(count):
        person = people[n % len(people)]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {person['token']}"}
        app = client.post("/api/v1/applications", json.dumps({"service": service, "sub_kind": sample["sub_kind"]}),
                          content_type="application/json", **headers).json()
        client.put(f"/api/v1/applications/{app['id']}/form", json.dumps({"data": sample["form"], "version": 0}),
                   content_type="application/json", **headers)
        for code in sample["documents"]:
            client.post(f"/api/v1/applications/{app['id']}/attachments",
                        {"document_code": code, "file": SimpleUploadedFile("d.pdf", loadtest.PDF,
                                                                           "application/pdf")}, **headers)
        client.post(f"/api/v1/applications/{app['id']}/fill", content_type="application/json", **headers)
        payload = client.get(f"/api/v1/applications/{app['id']}/signing-payload", **headers).json()
        cms = sign_detached(base64.b64decode(payload["payload_b64"]), person["cert"], person["key"])
        out.append((n % len(people), app["id"], base64.b64encode(cms).decode()))
    return out


def sweep() -> tuple[int, float]:
    """One run of the overdue sweep as the task runs it (batches until none is left, bounded): how many
    tasks it noted and how long it took, ms."""
    from workflow import engine

    started, total = time.perf_counter(), 0
    for _ in range(1000):
        noted = engine.note_overdue()
        if not noted:
            break
        total += noted
    return total, (time.perf_counter() - started) * 1000


def explain(title: str, qs) -> str:
    """EXPLAIN ANALYZE of a queryset, as a profile section."""
    from django.db import connection

    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return f"### {title}\n\n```\n{plan}\n```\n"


def explain_verification(number: str) -> str:
    """The verification's main query (registry.public.verification) for one number: the version by its
    document's number."""
    from registry.models import RecordDocument

    return explain("public verification: the plan of its main query", RecordDocument.objects.select_related(
        "record__holder", "record__current", "document", "source").filter(document__number=number)[:1])


def explain_queue(officer) -> str:
    """The queue's query (applications.api.queue) for the officer."""
    from django.db.models import Q

    from workflow.models import WorkTask

    return explain("officer's queue: the plan of its query", WorkTask.objects.filter(state=WorkTask.State.OPEN)
                   .select_related("application").order_by("due_at", "id")
                   .filter(Q(provider_unit_id=officer.provider_unit_id) | Q(lane="psc"))[:500])


def _issued_orders(count: int, service: str) -> list:
    """An issued order (no PDF yet, as documents.tasks finds them) on each of ``count`` registered requests
    of the submission figure."""
    from django.db import transaction
    from django.utils import timezone

    from applications.models import Application, ResultDocument
    from applications.numbers import next_document_number

    now = timezone.now()
    apps = list(Application.objects.filter(service=service, status="registered", documents__isnull=True)
                .exclude(number__startswith="BENCH").order_by("id")[:count])
    pks = []
    for app in apps:
        with transaction.atomic():  # numbers are given inside the deciding transaction (applications.numbers)
            pks.append(ResultDocument.objects.create(
                application=app, kind="order", number=next_document_number("order", now), issued_at=now,
                content={"service": app.service, "sub_kind": app.sub_kind, "request_number": app.number,
                         "applicant_iin": app.applicant_iin, "applicant_bin": app.applicant_bin,
                         "applicant_name": app.applicant_name}, signer=None).pk)
    return list(ResultDocument.objects.select_related("application", "signer").filter(pk__in=pks).order_by("id"))


def produce_some(count: int, service: str) -> None:
    from documents.produce import produce

    for doc in _issued_orders(count, service):
        produce(doc)


def documents(count: int, service: str) -> tuple[float, float]:
    """Result documents produced per second in this one process, on registered requests of the submission
    figure (an issued order each, no PDF yet: as documents.tasks finds them), then bare RSA-2048 signatures
    per second for as long."""
    import logging

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    from documents.produce import produce

    logging.getLogger("pyhanko").setLevel(logging.ERROR)  # "revocation info will be embedded …", per document
    docs = _issued_orders(count + 1, service)
    produce(docs.pop(0))  # the first loads the seal's key, fonts and the TSA: not counted
    started = time.perf_counter()
    for doc in docs:
        produce(doc)
    seconds = time.perf_counter() - started
    docs_rate = len(docs) / seconds if seconds else 0.0

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    data, signatures = os.urandom(1024), 0
    started = time.perf_counter()
    while signatures < 100_000 and time.perf_counter() - started < max(1.0, min(seconds, 5.0)):
        key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        signatures += 1
    rsa_rate = signatures / (time.perf_counter() - started)
    return docs_rate, rsa_rate


if __name__ == "__main__":
    if "--in-process" in sys.argv[1:]:
        from benchmarks import submission

        submission.main([a for a in sys.argv[1:] if a != "--in-process"])
        sys.exit(0)
    sys.exit(main())
