"""The API fuzzed against the live server: schemathesis as an applicant, an officer and anonymous (issue 12).

    scripts/apifuzz [--max-examples 15] [--max-time 150] [--roles applicant,officer,anonymous] [--seed 12]
                    [--workers 2] [--fuzz-workers 1] [--admin-url postgres://…/postgres]

It starts what scripts/loadtest starts (benchmarks/loadtest.py's helpers, on 127.0.0.1 only): a throwaway
PostgreSQL database (migrated, dropped at the end), the outside-system simulators and gunicorn with the
project's configuration. The demo data is loaded as ``scripts/run`` loads it (``manage.py load_demo``: users,
reference data, their EDS keys); the roles log in as clients do — the officer with ``POST /auth/token``, the
applicant with the EDS log-in (challenge, the nonce signed with ``aigul``'s authentication key, password) —
and one request is opened so the fuzzer finds real ids. Then schemathesis runs, once per role, over the
served ``/api/openapi.json`` (every phase: the schema's examples, coverage, fuzzing, and stateful sequences
along the document's links), with bounded examples and a time budget, checking:

    not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance

It prints one summary line per role and exits non-zero on any failure (schemathesis' own report above it
names each failing case with a curl command to reproduce it). An authenticated role skips the two calls that
would end its own log-in (``POST /auth/logout``, ``DELETE /auth/tokens/{token_id}``); anonymous calls them.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.loadtest import _admin, _database_url, _django, _start_server, tear_down

ROOT = Path(__file__).resolve().parent.parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance"
DEMO_PASSWORD, KEY_PASSWORD = "demo-pass-2026", "Qwerty12"  # accounts/management/commands/load_demo.py
ENDS_OWN_LOGIN = ["accounts_api_logout", "accounts_api_revoke_token"]  # POST /auth/logout, DELETE /auth/tokens/{id}


def _call(port: int, method: str, path: str, body=None, token: str | None = None) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else {})


def _expect(result: tuple[int, dict], status: int, what: str) -> dict:
    if result[0] != status:
        raise RuntimeError(f"{what}: {result[0]} {result[1]}")
    return result[1]


def _tokens(port: int, pki_dir: Path) -> dict[str, str | None]:
    """Log in as the demo officer (password) and the demo applicant (EDS and password), through the API."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from integrations.signatures import sign_detached

    officer = _expect(_call(port, "POST", "/api/v1/auth/token",
                            {"username": "committee-officer", "password": DEMO_PASSWORD}), 200, "officer log-in")
    challenge = _expect(_call(port, "POST", "/api/v1/auth/challenge", {}), 201, "log-in challenge")
    key, cert, _chain = pkcs12.load_key_and_certificates((pki_dir / "users" / "aigul_auth.p12").read_bytes(),
                                                         KEY_PASSWORD.encode())
    cms = sign_detached(base64.b64decode(challenge["nonce_b64"]), cert, key)
    applicant = _expect(_call(port, "POST", "/api/v1/auth/certificate-login", {
        "challenge_id": challenge["challenge_id"], "cms_b64": base64.b64encode(cms).decode(),
        "password": DEMO_PASSWORD}), 200, "applicant EDS log-in")
    return {"applicant": applicant["token"], "officer": officer["token"], "anonymous": None}


def _seed(port: int, tokens: dict) -> None:
    """Something to find: a request of the applicant's, opened through the API."""
    service = _expect(_call(port, "GET", "/api/v1/services"), 200, "services")[0]
    _expect(_call(port, "POST", "/api/v1/applications", {"service": service["code"],
                                                         "sub_kind": service["sub_kinds"][0]["code"],
                                                         "region": "almaty-city"}, tokens["applicant"]),
            201, "opening a request")


def _schemathesis(args, role: str, token: str | None, port: int, workdir: Path) -> dict:
    report = workdir / f"{role}.ndjson"
    command = [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"http://127.0.0.1:{port}/api/openapi.json",
        "--checks", CHECKS, "--max-examples", str(args.max_examples), "--max-time", str(args.max_time),
        "--seed", str(args.seed), "--workers", str(args.fuzz_workers), "--request-timeout", "30",
        "--phases", args.phases, "--suppress-health-check", "all", "--no-color",
        "--report", "ndjson", "--report-ndjson-path", str(report),
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
        for operation_id in ENDS_OWN_LOGIN:
            command += ["--exclude-operation-id", operation_id]
    started = time.monotonic()
    run = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    output = run.stdout + run.stderr
    print(f"---- schemathesis as {role} ----\n{output.strip()}\n", flush=True)
    return {"role": role, "code": run.returncode, "seconds": time.monotonic() - started, **_figures(output)}


# schemathesis' failure kinds (`st explain <code>`), as the summary counts them.
KINDS = {"server errors": ("ST101", "ST102"), "schema violations": ("ST108", "ST109", "ST110", "ST111"),
         "undocumented statuses": ("ST103",), "wrong content types": ("ST104", "ST105", "ST106")}


def _figures(output: str) -> dict:
    """The numbers of a run, from schemathesis' summary."""
    figures = {"operations": "?", "cases": "?", "failures": dict.fromkeys(KINDS, 0), "other failures": 0}
    found = re.search(r"Tested:\s+(\d+)", output)
    if found:
        figures["operations"] = found.group(1)
    found = re.search(r"(\d+)\s+generated", output)
    if found:
        figures["cases"] = found.group(1)
    summary = output[output.rfind("SUMMARY"):]
    for code, count in re.findall(r"(ST\d+) [^:\n]+: (\d+)", summary):
        kind = next((k for k, codes in KINDS.items() if code in codes), None)
        if kind:
            figures["failures"][kind] += int(count)
        else:
            figures["other failures"] += int(count)
    return figures


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=15, help="test cases per operation and phase")
    parser.add_argument("--max-time", type=int, default=150, help="seconds per role (schemathesis --max-time)")
    parser.add_argument("--roles", default="applicant,officer,anonymous")
    parser.add_argument("--phases", default="examples,coverage,fuzzing,stateful")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    # One fuzzing thread: on CPython before 3.11.8 two threads building ASTs at once (hypothesis describes its
    # lambdas with ast.parse) can fail inside the interpreter with "AST constructor recursion depth mismatch"
    # (cpython gh-106905), an error of the fuzzer's, not of the server's; a CI run on 2026-12-04 met it once.
    parser.add_argument("--fuzz-workers", type=int, default=1, help="schemathesis worker threads")
    parser.add_argument("--admin-url", default=os.environ.get("ELICENSE_LOADTEST_ADMIN_URL",
                                                              "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a timeout's TERM still drops the database
    host = args.admin_url.split("@")[-1].split("/")[0].split(":")[0]
    if host not in ("127.0.0.1", "localhost"):
        parser.error("the fuzzer runs against 127.0.0.1 only")
    roles = [r for r in args.roles.split(",") if r]

    database = f"elicense_apifuzz_{os.getpid()}"
    workdir = Path(tempfile.mkdtemp(prefix="elicense-apifuzz-"))
    pki_dir = workdir / "pki"
    with _admin(args.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    server = sims = None
    results = []
    try:
        database_url = _database_url(args.admin_url, database)
        os.environ["ELICENSE_TRUST_DIR"] = str(pki_dir)  # load_demo writes the demo PKI and users' keys there
        _django(database_url, workdir)
        from django.core.management import call_command
        from django.db import connections

        from simulators.harness import Simulators

        sims = Simulators(workdir / "simulators").start()
        call_command("load_demo", stdout=open(os.devnull, "w"))
        connections.close_all()
        server_args = argparse.Namespace(budget=8, workers=args.workers, worker_class="sync", threads=1)
        server, port = _start_server(server_args, database_url, workdir, pki_dir, sims.settings())
        print(f"server: gunicorn {args.workers} × sync on 127.0.0.1:{port}; roles {', '.join(roles)}; "
              f"≤ {args.max_examples} examples per operation and phase, ≤ {args.max_time} s per role", flush=True)
        tokens = _tokens(port, pki_dir)
        _seed(port, tokens)
        for role in roles:
            results.append(_schemathesis(args, role, tokens[role], port, workdir))
    finally:
        tear_down(server, sims, args.admin_url, database)

    failed = False
    for result in results:
        failed |= result["code"] != 0
        counts = ", ".join(f"{kind} {n}" for kind, n in result["failures"].items())
        print(f"{result['role']:<10} {'ok' if result['code'] == 0 else 'FAILED':<6} operations {result['operations']}, "
              f"test cases {result['cases']}, {result['seconds']:.0f} s; {counts}"
              + (f", other failures {result['other failures']}" if result["other failures"] else ""))
    if failed or len(results) != len(roles):
        print(f"FAILED (server log: {workdir / 'gunicorn.log'})")
        return 1
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
