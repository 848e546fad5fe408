"""Benchmark: the signed-submission path against a bare one-row insert.

    scripts/bench [--n 200] [--database-url URL]

Both are driven through the same Django stack (WSGI handler, middleware,
persistent database connection) in one process, one after the other, in the
same run:

* baseline — POST /bench/insert: one INSERT, nothing else;
* signed submission — an applicant's S2 portal request, already filled:
  POST …/certificate (choose the EDS: validity, CRL, IIN check, engine step)
  then POST …/signature (CMS verification over the frozen revision, the
  registration number, the deadline, the engine state, tasks and history).

It prints throughput and latency of each, the ratio of the submission's
throughput to the baseline's (target: ≥ 0.5), the queries per submission and
the peak memory allocated per operation (tracemalloc). Nothing here is a
test: figures are reported, not asserted.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def _setup(database_url: str | None, workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "elicense.settings")
    os.environ["ELICENSE_VAR_DIR"] = str(workdir)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.conf import settings

    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.MEDIA_ROOT = workdir / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_row")
        id_type = "SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY AUTOINCREMENT"
        cursor.execute(f"CREATE TABLE bench_row (id {id_type}, payload TEXT)")


def _world(workdir: Path):
    from django.conf import settings
    from django.utils import timezone

    from accounts.models import ApiToken, User
    from integrations import adapters, trust
    from integrations import pki as demo_pki
    from integrations.registry import LocalRegistry
    from services.reference_data import load_reference_data
    from simulators.harness import Simulators

    sims = Simulators(workdir / "simulators").start()
    for name, value in sims.settings().items():
        setattr(settings, name, value)
    pki = demo_pki.make_pki(workdir / "pki")
    settings.ELICENSE_TRUST_DIR = pki.directory
    trust.import_directory(pki.directory, replace=True)  # the trust store is the database's (docs/signatures.md)
    adapters.reset()
    load_reference_data()
    person = next(p for p in LocalRegistry()._individuals.values() if p["status"] == "alive")
    user = User.objects.create_user(
        username="bench", password="x", kind="applicant", iin=person["iin"], last_name=person["last_name"],
        first_name=person["first_name"], portal_registered_at=timezone.now(),
    )
    cert, key = demo_pki.issue(pki, iin=user.iin, surname="BENCH", given_name="USER", purpose="sign", role="individual")
    return sims, user, ApiToken.issue(user), demo_pki.cert_pem(cert).decode(), cert, key


def _prepare(client, headers, n, cert, key):
    """n filled requests and, for each, the CMS over its revision (not measured): the sample request
    (``examples.SAMPLE_REQUEST``) of the first free service that has one — S2's allocation."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from benchmarks.loadtest import PDF
    from integrations.signatures import sign_detached
    from services import registry

    service = next(s for s in registry.all_services() if not s.paid and s.module("examples"))
    sample = service.module("examples").SAMPLE_REQUEST
    form = sample["form"]
    prepared = []
    for _ in range(n):
        app = client.post("/api/v1/applications", json.dumps({"service": service.code, "sub_kind": sample["sub_kind"]}),
                          content_type="application/json", **headers).json()
        client.put(f"/api/v1/applications/{app['id']}/form", json.dumps({"data": form, "version": 0}),
                   content_type="application/json", **headers)
        for code in sample["documents"]:
            client.post(f"/api/v1/applications/{app['id']}/attachments",
                        {"document_code": code, "file": SimpleUploadedFile("d.pdf", PDF, "application/pdf")},
                        **headers)
        assert client.post(f"/api/v1/applications/{app['id']}/fill", content_type="application/json",
                           **headers).status_code == 200
        payload = client.get(f"/api/v1/applications/{app['id']}/signing-payload", **headers).json()
        cms = base64.b64encode(sign_detached(base64.b64decode(payload["payload_b64"]), cert, key)).decode()
        prepared.append((app["id"], cms))
    return prepared


def _timed(operations):
    latencies = []
    start = time.perf_counter()
    for op in operations:
        t = time.perf_counter()
        op()
        latencies.append(time.perf_counter() - t)
    return time.perf_counter() - start, latencies


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="operations of each kind")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file in a temp folder")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="elicense-bench-"))
    _setup(args.database_url, workdir)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    sims, user, token, cert_pem, cert, key = _world(workdir)
    try:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        warm = 20
        prepared = _prepare(client, headers, args.n * 2 + warm + 1, cert, key)

        def bare():
            response = client.post("/bench/insert", b"x" * 64, content_type="application/octet-stream")
            assert response.status_code == 201

        def submission(app_id, cms):
            def run():
                r1 = client.post(f"/api/v1/applications/{app_id}/certificate",
                                 json.dumps({"certificate_pem": cert_pem}), content_type="application/json", **headers)
                r2 = client.post(f"/api/v1/applications/{app_id}/signature",
                                 json.dumps({"cms_b64": cms}), content_type="application/json", **headers)
                assert r1.status_code == 200 and r2.status_code == 200 and r2.json()["status"] == "registered", r2.content
            return run

        queue = [submission(*p) for p in prepared]
        for _ in range(warm):  # warm caches (definitions, trust store, connections) for both
            bare()
            queue.pop()()
        with CaptureQueriesContext(connection) as ctx:
            queue.pop()()
        queries = len(ctx.captured_queries)
        reset_queries()

        base_total, base_lat = _timed([bare] * args.n)
        sub_total, sub_lat = _timed([queue.pop() for _ in range(args.n)])

        tracemalloc.start()
        bare()
        _, base_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        queue.pop()()
        _, sub_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        sims.stop()

    def ms(values, q):
        return statistics.quantiles(values, n=100)[q - 1] * 1000

    base_rate, sub_rate = args.n / base_total, args.n / sub_total
    print(f"database: {connection.vendor}; n = {args.n} of each")
    print(f"bare insert        {base_rate:8.0f} ops/s   p50 {ms(base_lat, 50):6.2f} ms   p95 {ms(base_lat, 95):6.2f} ms"
          f"   peak alloc {base_peak / 1024:7.0f} KiB")
    print(f"signed submission  {sub_rate:8.0f} ops/s   p50 {ms(sub_lat, 50):6.2f} ms   p95 {ms(sub_lat, 95):6.2f} ms"
          f"   peak alloc {sub_peak / 1024:7.0f} KiB   {queries} queries")
    print(f"ratio (submission / bare insert throughput): {sub_rate / base_rate:.3f}   (target ≥ 0.5)")
    print(f"ratio (peak memory, submission / bare insert): {sub_peak / max(base_peak, 1):.1f}")


if __name__ == "__main__":
    main()
