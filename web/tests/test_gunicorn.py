"""The production server (elicense/gunicorn_conf.py): gunicorn with two workers, on the test database, answers
/healthz and /readyz, and holds no more connections than the budget. PostgreSQL only (CI's second pass), like
registry/tests/test_concurrency.py: the SQLite test database lives in this process's memory."""
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from simulators.harness import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)  # what the server reads must be committed


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("gunicorn's workers need a database they can reach from another process: PostgreSQL only")


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"{}")


def test_gunicorn_serves_health_and_readiness_on_postgresql(pki, tmp_path):
    db = connection.settings_dict  # the test database: test_<name>
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    port, name = free_port(), f"elicense-test-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ELICENSE_", "DATABASE_URL"))}
    env.update({
        "DATABASE_URL": f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "ELICENSE_DB_APPLICATION_NAME": name, "ELICENSE_DB_CONNECTION_BUDGET": "4",
        "ELICENSE_WEB_WORKERS": "2", "ELICENSE_WEB_BIND": f"127.0.0.1:{port}",
        "ELICENSE_TRUST_DIR": str(pki.directory), "ELICENSE_VAR_DIR": str(tmp_path),
        "ELICENSE_TRUST_STORE": "directory",  # the session's demo PKI folder, read live (no trust items here)
    })
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "elicense/gunicorn_conf.py"], cwd=ROOT,
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.1)
        assert (status, body) == (200, {"status": "ok"})
        for _ in range(6):  # some land on each worker
            status, body = _get(f"http://127.0.0.1:{port}/readyz")
            assert status == 200, body
            assert body["status"] == "ok" and {"database", "storage", "trust_store"} <= set(body["checks"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [name])
            (held,) = cursor.fetchone()
        assert 1 <= held <= 4, held
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    assert server.returncode == 0, (tmp_path / "gunicorn.log").read_text()
