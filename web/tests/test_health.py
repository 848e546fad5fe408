"""/healthz, /readyz and their checks (web/health.py); the bench endpoints (web/bench.py)."""
import datetime as dt
import shutil

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import Resolver404, resolve

from benchmarks.models import BenchRow
from integrations.signatures import TrustStore, X509SignatureVerifier
from web import health


def test_healthz_answers_without_the_database():
    # No db fixture: pytest-django fails any query, so a 200 here means the database was not touched.
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def verifier_on_the_test_pki(monkeypatch, pki):
    """The readiness check asks the verifier for its trust store: here the session's demo PKI folder (where
    the shared store gets its material from is the trust store's own tests' business)."""
    monkeypatch.setattr(health, "X509SignatureVerifier", lambda: X509SignatureVerifier(trust_dir=pki.directory))


def test_readyz_is_200_when_every_check_passes(db, verifier_on_the_test_pki):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage", "trust_store", "task_queue"}
    assert all(check["ok"] for check in body["checks"].values()), body


def test_readyz_is_503_listing_the_failing_check(db, monkeypatch, verifier_on_the_test_pki):
    def check_database():
        raise OperationalError("connection refused")

    monkeypatch.setattr(health, "check_database", check_database)
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing" and body["failing"] == ["database"]
    assert body["checks"]["database"] == {"ok": False, "detail": "OperationalError: connection refused"}
    assert body["checks"]["storage"]["ok"] and body["checks"]["trust_store"]["ok"]


def test_readiness_checks_are_pluggable(db, settings):
    settings.ELICENSE_READINESS_CHECKS = ["web.tests.test_health.check_always_down"]
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"always_down": {"ok": False, "detail": "by design"}}


def check_always_down():
    return False, "by design"


def test_storage_check_fails_when_the_storage_cannot_be_written(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.MEDIA_ROOT = blocker
    with pytest.raises(OSError):
        health.check_storage()
    assert health.run_checks(["web.health.check_storage"])["storage"]["ok"] is False


def test_storage_check_leaves_nothing_behind(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ok, detail = health.check_storage()
    assert ok, detail
    assert list((tmp_path / "media" / "health").iterdir()) == []


def test_trust_store_check_reports_stale_and_missing_crls(db, settings, pki, tmp_path):
    store = TrustStore.for_directory(pki.directory)
    ok, detail = health.check_trust_store(store=store)
    assert ok and "CRLs current until" in detail
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=400)
    ok, detail = health.check_trust_store(now=later, store=store)
    assert not ok and "CRL stale" in detail and "ISSUING CA" in detail
    (tmp_path / "no-crl" / "roots").mkdir(parents=True)
    shutil.copy(pki.root_pem_path, tmp_path / "no-crl" / "roots" / "root.pem")
    ok, detail = health.check_trust_store(store=TrustStore.for_directory(tmp_path / "no-crl"))
    assert not ok and detail.endswith("no CRL")
    ok, detail = health.check_trust_store(store=TrustStore.for_directory(tmp_path / "empty"))
    assert not ok and "no trusted CA certificate" in detail
    settings.ELICENSE_ENV = "production"
    ok, detail = health.check_trust_store(store=store)
    assert not ok and "the demo PKI's CA, trusted in production" in detail


def test_bench_endpoints_are_not_mounted_by_default():
    for path in ("/bench/insert", "/bench/json"):
        with pytest.raises(Resolver404):
            resolve(path)


def test_bench_endpoints(db, settings):
    settings.ROOT_URLCONF = "web.tests.urls_bench"
    client = Client()
    assert client.get("/bench/json").json()["status"] == "ok"
    response = client.post("/bench/insert", b"x" * 300, content_type="application/octet-stream")
    assert response.status_code == 201
    assert BenchRow.objects.get(pk=response.json()["id"]).payload == "x" * 200
