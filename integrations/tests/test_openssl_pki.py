"""The trust store for a real PKI, with a PKI built by the ``openssl`` command line only
(integrations/tests/openssl_pki.py): nothing of the project's demo PKI (integrations/pki.py) is involved.

The store holds only that PKI's root and its DER CRLs; the issuing CA comes inside each signature (as
NCALayer and ``openssl cms -certfile`` put it). The CRL refresh fetches the CRLs from an HTTP server this
module starts on loopback."""
from __future__ import annotations

import datetime as dt
import http.server
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command
from django.core.management.base import CommandError
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from audit.models import AuditEntry
from integrations import actions, trust
from integrations.models import TrustItem
from integrations.signatures import TrustStore, X509SignatureVerifier
from integrations.tests.openssl_pki import OpensslPki

IIN = "900101300123"
HEAD_IIN = "850505400456"
BIN = "010140000143"
PAYLOAD = b'{"form":"S1","sha256":"ab"}\r\n\x00binary'


class CrlServer(http.server.ThreadingHTTPServer):
    """Answers GET <path> from ``responses``: path -> (status, body); unknown paths 404."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.responses: dict[str, tuple[int, bytes]] = {}
        self.hits: list[str] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/crl/"


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.hits.append(self.path)
        status, body = self.server.responses.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/pkix-crl")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def crl_server():
    server = CrlServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def nca(tmp_path_factory, crl_server) -> OpensslPki:
    """The openssl PKI (its CRL distribution points on the module's HTTP server) and its people."""
    p = OpensslPki.create(tmp_path_factory.mktemp("openssl-nca") / "pki", crl_base_url=crl_server.base_url)
    person = p.issue("person_sign", iin=IIN, surname="ALIEVA", given_name="ALIYA")
    key = person.key_pem  # one key for the rest: RSA generation is the slow part
    p.issue("person_auth", iin=IIN, surname="ALIEVA", given_name="ALIYA", purpose="auth", key=key)
    for role, iin in (("first_head", HEAD_IIN), ("signing_right", "870707300789"), ("employee", "880808400321")):
        p.issue(f"{role}_sign", iin=iin, bin=BIN, org="ТОО «Тест»", surname="БЕКОВ", given_name="БЕК", role=role,
                key=key)
    p.issue("employee_auth", iin="880808400321", bin=BIN, org="ТОО «Тест»", surname="БЕКОВ", given_name="БЕК",
            role="employee", purpose="auth", key=key)
    return p


@pytest.fixture
def real_store(settings, db, nca, tmp_path):
    """A fresh database trust store holding only the openssl PKI's root and DER CRLs (no intermediate)."""
    settings.ELICENSE_TRUST_STORE = "database"
    TrustItem.objects.all().delete()
    TrustStore.clear_cache()
    p = nca.copy(tmp_path / "nca")
    report = trust.import_directory(p.trust_folder(tmp_path / "trust"))
    assert sorted(report.added) == ["crls/issuing.crl", "crls/root.crl", "roots/root.pem"]
    return p


def verify(p: OpensslPki, name: str, *, iin=IIN, bin_="", purpose="sign", payload=PAYLOAD, **sign):
    cms = p.sign_detached(p.entity(name), payload, **sign)
    return X509SignatureVerifier().verify(payload, cms, applicant_iin=iin, applicant_bin=bin_, purpose=purpose,
                                          at=dt.datetime.now(dt.UTC))


def test_the_openssl_pki_has_the_nca_shape(nca):
    head = nca.entity("first_head_sign").cert
    names = {a.oid.dotted_string: a.value for a in head.subject}
    assert names["2.5.4.5"] == f"IIN{HEAD_IIN}" and names["2.5.4.11"] == f"BIN{BIN}" and names["2.5.4.10"] == "ТОО «Тест»"
    eku = [o.dotted_string for o in head.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value]
    assert eku == ["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"]
    ku = head.extensions.get_extension_for_class(x509.KeyUsage)
    assert ku.critical and ku.value.digital_signature and ku.value.content_commitment
    cdp = head.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value == nca.crl_url("issuing")
    person = nca.entity("person_sign").cert
    assert [o.dotted_string for o in person.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value] == [
        "1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"]
    assert nca.issuing_cert.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    crl = x509.load_der_x509_crl(nca.crl_der("issuing"))  # DER, as the NCA publishes them
    assert crl.issuer == nca.issuing_cert.subject and crl.is_signature_valid(nca.issuing_cert.public_key())
    # The PKCS#12 bundles open in the NCALayer-protocol stand-in.
    from ncalayer_signer.server import load_keys

    keys = {k.name: k for k in load_keys(nca.directory / "users", nca.password)}
    assert keys["first_head_sign"].bin == BIN and keys["person_auth"].iin == IIN
    assert "1.3.6.1.5.5.7.3.2" in keys["person_auth"].eku


def test_a_store_of_roots_and_der_crls_verifies_with_the_issuing_ca_from_the_cms(real_store):
    store = trust.current_store()
    assert [ca.cert.subject for ca in store.cas.values()] == [real_store.root_cert.subject]  # no intermediate
    result = verify(real_store, "person_sign")
    assert (result.valid, result.reason, result.subject_iin) == (True, "ok", IIN)
    assert result.details["issuer"] == real_store.issuing_cert.subject.rfc4514_string()
    assert verify(real_store, "first_head_sign", iin=HEAD_IIN, bin_=BIN).details["role"] == "first_head"
    assert verify(real_store, "signing_right_sign", iin="870707300789", bin_=BIN).reason == "ok"
    assert verify(real_store, "employee_sign", iin="880808400321", bin_=BIN).reason == "no_signing_right"
    assert verify(real_store, "employee_auth", iin="880808400321", bin_=BIN, purpose="auth").reason == "ok"
    assert verify(real_store, "person_auth", purpose="sign").reason == "wrong_purpose"
    # The intermediate served that check only: the store still holds the root alone.
    assert len(trust.current_store().cas) == 1 and TrustItem.objects.filter(kind="intermediate").count() == 0


def test_without_the_issuing_ca_in_the_cms_nor_in_the_store_the_chain_is_untrusted(real_store, tmp_path):
    assert verify(real_store, "person_sign", with_issuing_ca=False).reason == "untrusted_chain"
    # Put in the store as an intermediate, it serves signatures that do not carry it.
    actions.add_trust_item(kind="intermediate", content=real_store.issuing_pem.read_bytes())
    assert verify(real_store, "person_sign", with_issuing_ca=False).reason == "ok"


def test_a_certificate_with_its_chain_in_pem_is_checked_without_the_store_holding_the_issuer(real_store):
    pem = real_store.entity("person_sign").cert_pem.read_bytes()
    now = dt.datetime.now(dt.UTC)
    v = X509SignatureVerifier()
    assert v.check_certificate(pem, applicant_iin=IIN, purpose="sign", at=now).reason == "untrusted_chain"
    chained = pem + real_store.issuing_pem.read_bytes()
    assert v.check_certificate(chained, applicant_iin=IIN, purpose="sign", at=now).reason == "ok"


def test_a_certificate_revoked_with_openssl_ca_is_refused(real_store, tmp_path):
    assert verify(real_store, "person_sign").reason == "ok"
    real_store.revoke(real_store.entity("person_sign"))  # openssl ca -revoke, then new DER CRLs
    trust.import_directory(real_store.trust_folder(tmp_path / "trust"))
    result = verify(real_store, "person_sign")
    assert result.reason == "revoked" and result.details["revoked_serial"] == real_store.entity("person_sign").serial_hex
    assert verify(real_store, "first_head_sign", iin=HEAD_IIN, bin_=BIN).reason == "ok"


def test_the_root_revoking_the_issuing_ca_refuses_everything_under_it(real_store, tmp_path):
    real_store.revoke_issuing_ca()
    trust.import_directory(real_store.trust_folder(tmp_path / "trust"))
    assert verify(real_store, "person_sign").reason == "revoked"


def test_the_issuing_cas_crl_is_required_and_must_be_its_own(real_store, nca, tmp_path):
    """The CA from the CMS is matched to its CRL by name and by signature: no CRL, or a look-alike's, fails closed."""
    TrustItem.objects.filter(kind="crl", name="issuing.crl").delete()
    trust.changed()
    result = verify(real_store, "person_sign")
    assert (result.reason, result.details["error"]) == ("revocation_unavailable", "no_crl")
    look_alike = OpensslPki.create(tmp_path / "look-alike")  # the same CA names, other keys
    actions.add_trust_item(kind="crl", content=look_alike.crl_der("issuing"))
    assert verify(real_store, "person_sign").reason == "revocation_unavailable"
    actions.add_trust_item(kind="crl", content=(real_store.directory / "issuing" / "issuing.crl.pem").read_bytes())
    assert verify(real_store, "person_sign").reason == "ok"  # PEM works as well as DER


def test_an_untrusted_chain_is_refused(real_store, tmp_path):
    """Another openssl PKI with the same CA names: its issuing CA inside the CMS does not chain to our root."""
    other = OpensslPki.create(tmp_path / "other")
    other.issue("person_sign", iin=IIN, surname="ALIEVA", given_name="ALIYA")
    result = verify(other, "person_sign")
    assert result.reason == "untrusted_chain"


def test_a_stale_crl_fails_closed(real_store):
    at = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)  # the CRLs were made for 7 days
    cms = real_store.sign_detached(real_store.entity("person_sign"), PAYLOAD)
    result = X509SignatureVerifier().verify(PAYLOAD, cms, applicant_iin=IIN, at=at)
    assert (result.reason, result.details["error"]) == ("revocation_unavailable", "crl_stale")


def test_an_end_entity_certificate_in_the_cms_is_never_taken_as_a_ca(real_store, tmp_path):
    """A CMS carrying, besides the signer's certificate, an end-entity certificate named like the issuing CA
    does not make a chain (only CA certificates are used as intermediates)."""
    store = trust.current_store()
    signer = real_store.entity("person_sign").cert
    # The store's chain building with only a non-CA candidate carrying the issuer's name: nothing found.
    employee = real_store.entity("employee_sign").cert
    assert store.chain(signer, [employee]) is None
    assert store.chain(signer, [real_store.issuing_cert])[0].cert == real_store.issuing_cert


# -- the CRL refresh ----------------------------------------------------------------------------------------------
def serve(server: CrlServer, p: OpensslPki, *, root=None, issuing=None):
    server.responses = {"/crl/root.crl": root or (200, p.crl_der("root")),
                        "/crl/issuing.crl": issuing or (200, p.crl_der("issuing"))}


def test_the_refresh_takes_newer_der_crls_and_keeps_the_last_good_copy(real_store, crl_server, tmp_path):
    # The issuing CA is added as an intermediate so that its CRL's signature can be checked at fetch time.
    actions.add_trust_item(kind="intermediate", content=real_store.issuing_pem.read_bytes())
    assert set(actions.crl_urls()) == {real_store.crl_url("root"), real_store.crl_url("issuing")}
    first_issuing_crl = real_store.crl_der("issuing")
    serve(crl_server, real_store)
    report = actions.refresh_crls()
    assert (len(report.updated), len(report.unchanged), report.failed) == (0, 2, [])  # what we hold is as new

    real_store.revoke(real_store.entity("person_sign"))  # the CA publishes new CRLs; nothing is imported
    serve(crl_server, real_store)
    assert verify(real_store, "person_sign").reason == "ok"
    report = actions.refresh_crls()
    assert (len(report.updated), report.failed) == (2, [])
    assert verify(real_store, "person_sign").reason == "revoked"
    fetched = TrustItem.objects.filter(source__startswith="fetch:")
    assert sorted(i.source for i in fetched) == sorted(f"fetch:{real_store.crl_url(w)}" for w in ("root", "issuing"))
    assert bytes(fetched.get(source=f"fetch:{real_store.crl_url('issuing')}").content) == real_store.crl_der("issuing")
    entry = AuditEntry.objects.filter(kind="admin_change", data__change="crl_refreshed").order_by("id").last()
    assert entry.data["url"] in {real_store.crl_url("root"), real_store.crl_url("issuing")}
    held = {i.name: bytes(i.content) for i in TrustItem.objects.all()}

    def unchanged_after(**answers):
        serve(crl_server, real_store, **answers)
        report = actions.refresh_crls()
        assert report.updated == [] and len(report.failed) >= 1, report
        assert {i.name: bytes(i.content) for i in TrustItem.objects.all()} == held
        assert verify(real_store, "person_sign").reason == "revoked"  # the newer copy is still in force
        return report

    unchanged_after(root=(500, b"oops"), issuing=(500, b"oops"))
    unchanged_after(issuing=(200, b"this is not a CRL"))
    unchanged_after(issuing=(200, b"-----BEGIN X509 CRL-----\ngarbage\n-----END X509 CRL-----\n"))
    look_alike = OpensslPki.create(tmp_path / "look-alike")  # right issuer name, another key
    look_alike.gen_crls()
    look_alike.gen_crls()  # a higher CRL number than ours
    report = unchanged_after(issuing=(200, look_alike.crl_der("issuing")))
    assert any("no CA of the trust store" in f for f in report.failed)
    # An older CRL of the right CA (a replay, without the revocation) is not newer: left.
    serve(crl_server, real_store, issuing=(200, first_issuing_crl))
    report = actions.refresh_crls()
    assert report.updated == [] and len(report.unchanged) == 2
    assert verify(real_store, "person_sign").reason == "revoked"


def test_the_refresh_task_and_command(real_store, crl_server, settings):
    from integrations.tasks import refresh_crls

    assert "integrations.tasks.refresh_crls" in dict(settings.ELICENSE_PERIODIC_TASKS)
    real_store.gen_crls()  # newer CRLs at the distribution points
    serve(crl_server, real_store)
    # Only the root is in the store: the issuing CA's CRL cannot be checked at fetch time and is not kept.
    result = refresh_crls.enqueue().return_value
    assert result == {"urls": 2, "updated": 1, "unchanged": 0, "failed": 1}
    root_item = TrustItem.objects.get(source=f"fetch:{real_store.crl_url('root')}")
    assert bytes(root_item.content) == real_store.crl_der("root")
    crl_server.responses = {}
    with pytest.raises(CommandError, match="CRL URL"):
        call_command("refresh_crls", "--timeout", "2", stdout=_Null(), stderr=_Null())
    assert bytes(TrustItem.objects.get(pk=root_item.pk).content) == real_store.crl_der("root")


def test_the_refresh_gives_up_on_a_server_that_does_not_answer_in_time(real_store, settings):
    """A distribution point that accepts the connection but never answers: the fetch times out."""
    import socket
    import time

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/crl/slow.crl"
    try:
        started = time.monotonic()
        report = actions.refresh_crls(urls=[url], timeout=0.5)
        assert time.monotonic() - started < 10
        assert any(f.startswith(url) for f in report.failed)
    finally:
        listener.close()


def test_a_pem_crl_download_is_taken_too(real_store, crl_server):
    real_store.gen_crls()
    pem = x509.load_der_x509_crl(real_store.crl_der("root")).public_bytes(serialization.Encoding.PEM)
    serve(crl_server, real_store, root=(200, pem))
    report = actions.refresh_crls()
    assert [u.split(": ")[0] for u in report.updated] == [real_store.crl_url("root")]


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def test_a_delta_crl_never_stands_for_the_full_one(real_store, crl_server):
    """A delta CRL lists only the changes since a full CRL: taken as "the CA's CRL" it would pass a certificate
    revoked on the full list. Refused as an upload, not kept by the refresh, ignored in a folder."""
    from integrations.actions import TrustFileRefused

    real_store.revoke(real_store.entity("person_sign"))
    trust.import_directory(real_store.trust_folder(real_store.directory.parent / "trust"))
    assert verify(real_store, "person_sign").reason == "revoked"
    delta = real_store.gen_delta_crl("issuing")  # a higher CRL number than the full one, without the revocation
    with pytest.raises(TrustFileRefused) as refused:
        actions.add_trust_item(kind="crl", content=delta)
    assert refused.value.code == "trust_partial_crl"
    actions.add_trust_item(kind="intermediate", content=real_store.issuing_pem.read_bytes())
    serve(crl_server, real_store, issuing=(200, delta))
    report = actions.refresh_crls()
    assert any("delta CRL" in f for f in report.failed) and report.updated == []
    assert verify(real_store, "person_sign").reason == "revoked"
    TrustItem.objects.create(kind="crl", name="delta.crl", content=delta, sha256="x", source="elsewhere")
    trust.changed()
    assert "delta CRL, not used" in " ".join(trust.current_store().problems)
    assert verify(real_store, "person_sign").reason == "revoked"


@given(data=st.one_of(st.binary(max_size=600),
                      st.binary(max_size=300).map(lambda b: b"-----BEGIN X509 CRL-----\n" + b + b"\n-----END X509 CRL-----\n"),
                      st.binary(max_size=300).map(lambda b: b"-----BEGIN CERTIFICATE-----\n" + b
                                                  + b"\n-----END CERTIFICATE-----\n")),
       kind=st.sampled_from(["root", "intermediate", "crl", "other"]))
@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_bytes_uploaded_are_taken_or_refused_never_an_error(data, kind, trust_dir):
    """check_trust_file (the administration page's and the action's check) on arbitrary bytes: a refusal with a
    localised message, never another exception."""
    try:
        folder, _parsed = actions.check_trust_file(kind, data)
    except actions.TrustFileRefused as exc:
        assert str(exc.message) and exc.code.startswith("trust_")
    else:
        assert folder in ("roots", "intermediates", "crls")
