"""The trust store in the database (integrations.trust, TrustItem): what every app server reads. The same
checks as on a folder (test_signatures.py: chain, CRLs, fail closed), a change made elsewhere in force
within the refresh time, the folder as an import source (import_trust_dir, make_demo_pki), and the
signed results' material and the CRL endpoint taken from it."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import shutil
from dataclasses import replace

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from integrations import adapters, trust
from integrations import pki as demo_pki
from integrations.actions import add_trust_file, remove_trust_item
from integrations.models import TrustItem
from integrations.signatures import TrustStore, X509SignatureVerifier, canonical_bytes, sign_detached
from integrations.signatures import trust_store as trust_store_module

from .conftest import IIN

PAYLOAD = canonical_bytes({"service": "test", "applicant": {"iin": IIN}})


@pytest.fixture
def shared(settings, db, pki, certs, tmp_path):
    """The database's trust store, filled from a private copy of the session PKI. ELICENSE_TRUST_DIR points at
    an empty folder: nothing is read from a folder."""
    settings.ELICENSE_TRUST_STORE = "database"
    settings.ELICENSE_TRUST_REFRESH_SECONDS = 0  # rows changed by the tests directly: looked at every check
    settings.ELICENSE_TRUST_DIR = tmp_path / "not-read"
    TrustItem.objects.all().delete()
    source = tmp_path / "source"
    shutil.copytree(pki.directory, source)
    copy = replace(pki, directory=source, revoked={ca: dict(items) for ca, items in pki.revoked.items()},
                   crl_number=dict(pki.crl_number))
    trust.import_directory(source)
    TrustStore.clear_cache()
    return copy


@pytest.fixture
def at(certs):
    return certs.now + dt.timedelta(minutes=5)


def verify(cert, key, at, verifier=None):
    verifier = verifier or X509SignatureVerifier()
    return verifier.verify(PAYLOAD, sign_detached(PAYLOAD, cert, key), applicant_iin=IIN, at=at)


def crl_row(name="issuing.crl.pem"):
    return TrustItem.objects.get(kind=TrustItem.Kind.CRL, name=name)


def test_import_takes_the_roots_intermediates_and_crls_of_a_folder(shared):
    rows = {(r.kind, r.name): r for r in TrustItem.objects.all()}
    assert set(rows) == {("root", "root.pem"), ("intermediate", "issuing.pem"), ("crl", "root.crl.pem"),
                         ("crl", "issuing.crl.pem")}  # private/ and users/ stay out
    root = rows[("root", "root.pem")]
    assert bytes(root.content) == shared.root_pem_path.read_bytes()
    assert root.sha256 == hashlib.sha256(shared.root_pem_path.read_bytes()).hexdigest()
    assert root.source == f"import:{shared.directory}" and root.added_at


def test_the_verifier_reads_the_database(shared, certs, at):
    store = adapters.signatures().trust_store()
    assert store.source == trust.DATABASE_KEY and store.directory is None and store.problems == []
    assert len(store.cas) == 2 and all(ca.crl is not None for ca in store.cas.values())
    assert verify(certs.individual_sign, certs.key, at).reason == "ok"
    assert verify(certs.revoked, certs.key, at).reason == "revoked"
    assert verify(certs.rogue, certs.key, at).reason == "untrusted_chain"


def test_without_a_current_crl_the_status_is_unavailable(shared, certs, at):
    later = certs.now + shared.crl_validity + dt.timedelta(hours=1)
    result = verify(certs.individual_sign, certs.key, later)
    assert (result.reason, result.details["error"]) == ("revocation_unavailable", "crl_stale")
    crl_row().delete()
    result = verify(certs.individual_sign, certs.key, at)
    assert (result.reason, result.details["error"]) == ("revocation_unavailable", "no_crl")
    TrustItem.objects.filter(kind="root").delete()
    assert verify(certs.individual_sign, certs.key, at).reason == "untrusted_chain"


def test_a_change_made_on_another_server_is_in_force_within_the_refresh_time(shared, certs, at, settings,
                                                                             monkeypatch, django_assert_num_queries):
    settings.ELICENSE_TRUST_REFRESH_SECONDS = 30
    clock = [1000.0]
    monkeypatch.setattr(trust_store_module, "_now", lambda: clock[0])
    verifier = X509SignatureVerifier()
    first = verifier.trust_store()
    assert verify(certs.individual_sign, certs.key, at, verifier).reason == "ok"
    # Another server revokes the certificate: a new CRL row, written there (this process is not told).
    demo_pki.revoke(shared, certs.individual_sign)
    new_crl = shared.ca_crl_path.read_bytes()
    crl_row().delete()
    TrustItem.objects.create(kind="crl", name="issuing.crl.pem", content=new_crl,
                             sha256=hashlib.sha256(new_crl).hexdigest(), source="elsewhere")
    clock[0] += 29
    with django_assert_num_queries(0):  # within the refresh time: the cached store, not even a version query
        assert verifier.trust_store() is first
    assert verify(certs.individual_sign, certs.key, at, verifier).reason == "ok"
    clock[0] += 2
    assert verifier.trust_store() is not first
    assert verify(certs.individual_sign, certs.key, at, verifier).reason == "revoked"


def test_a_change_made_on_this_server_is_in_force_at_once(shared, certs, at, settings, monkeypatch,
                                                          django_capture_on_commit_callbacks):
    settings.ELICENSE_TRUST_REFRESH_SECONDS = 3600
    monkeypatch.setattr(trust_store_module, "_now", lambda: 1000.0)
    assert verify(certs.individual_sign, certs.key, at).reason == "ok"
    demo_pki.revoke(shared, certs.individual_sign, when=shared.now + dt.timedelta(minutes=1))  # a newer CRL
    with django_capture_on_commit_callbacks(execute=True):
        name = add_trust_file(kind="crl", pem=shared.ca_crl_path.read_bytes())
    assert name.startswith("crls/uploaded-")
    assert verify(certs.individual_sign, certs.key, at).reason == "revoked"  # the newest CRL of the CA wins
    row = TrustItem.objects.get(source="upload")
    with django_capture_on_commit_callbacks(execute=True):
        assert remove_trust_item(row.pk) == name
    assert verify(certs.individual_sign, certs.key, at).reason == "ok"


def test_an_unchanged_store_costs_one_version_query(shared, certs, at, django_assert_num_queries):
    verifier = X509SignatureVerifier()
    pem = certs.individual_sign.public_bytes(serialization.Encoding.PEM)
    assert verifier.check_certificate(pem, applicant_iin=IIN, purpose="sign", at=at).reason == "ok"
    with django_assert_num_queries(1):
        assert verifier.check_certificate(pem, applicant_iin=IIN, purpose="sign", at=at).reason == "ok"


def test_a_named_folder_is_read_without_the_database(settings, pki, certs, at):
    """No db fixture: X509SignatureVerifier(trust_dir=…) never queries."""
    settings.ELICENSE_TRUST_STORE = "database"
    assert verify(certs.individual_sign, certs.key, at, X509SignatureVerifier(trust_dir=pki.directory)).reason == "ok"


def test_import_trust_dir_command(shared, tmp_path, pki):
    out = io.StringIO()
    call_command("import_trust_dir", str(shared.directory), stdout=out)
    assert "0 added, 0 replaced, 4 unchanged, 0 removed" in out.getvalue()
    demo_pki.write_crls(shared, shared.now + dt.timedelta(hours=1))
    call_command("import_trust_dir", str(shared.directory), stdout=out)
    assert "0 added, 2 replaced, 2 unchanged, 0 removed" in out.getvalue()
    assert bytes(crl_row().content) == shared.ca_crl_path.read_bytes()
    # --replace: the folder becomes the imported set; what the administrator uploaded stays.
    add_trust_file(kind="root", pem=shared.root_pem_path.read_bytes())
    only_roots = tmp_path / "only-roots"
    (only_roots / "roots").mkdir(parents=True)
    shutil.copy(shared.root_pem_path, only_roots / "roots" / "root.pem")
    call_command("import_trust_dir", str(only_roots), "--replace", stdout=out)
    assert "0 added, 0 replaced, 1 unchanged, 3 removed" in out.getvalue()
    assert sorted(TrustItem.objects.values_list("kind", "source")) == [
        ("root", f"import:{shared.directory}"), ("root", "upload")]
    with pytest.raises(CommandError):
        call_command("import_trust_dir", str(tmp_path / "missing"), stdout=out)


def test_make_demo_pki_imports_its_folder(settings, db, tmp_path):
    settings.ELICENSE_TRUST_STORE = "database"
    TrustItem.objects.all().delete()
    target = tmp_path / "demo"
    out = io.StringIO()
    call_command("make_demo_pki", "--dir", str(target), "--iin", IIN, "--password", "pw", stdout=out)
    assert "trust store: 4 added" in out.getvalue()
    assert TrustItem.objects.count() == 4
    shutil.rmtree(target / "crls")  # the folder is not read: the database is
    cert, key, _ = demo_pki.load_pkcs12(target / "users" / f"IIN{IIN}_sign.p12", "pw")
    assert verify(cert, key, dt.datetime.now(dt.UTC)).reason == "ok"
    call_command("make_demo_pki", "--dir", str(target), "--refresh-crl", stdout=out)
    assert "trust store: 0 added, 2 replaced, 2 unchanged" in out.getvalue()


def test_the_crl_endpoint_and_the_signed_results_take_the_databases_material(shared, client):
    from documents import keys, signing

    response = client.get("/pki/crl/issuing.crl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    assert response.content == x509.load_pem_x509_crl(bytes(crl_row().content)).public_bytes(
        serialization.Encoding.DER)
    assert {c.subject for c in keys._load_chain()} == {shared.ca_cert.subject, shared.root_cert.subject}
    assert len(signing._crls()) == 2
    crl_row("root.crl.pem").delete()
    assert client.get("/pki/crl/root.crl").status_code == 404
    assert len(signing._crls()) == 1
