"""EDS checks (regulation §3, C3): integrations.signatures against a demo NCA-shaped PKI."""
from __future__ import annotations

import datetime as dt
import functools
import shutil
import subprocess

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.core.management import call_command

from integrations import pki as demo_pki
from integrations.signatures import (
    REASON_MESSAGES,
    REASONS,
    CheckResult,
    TrustStore,
    X509SignatureVerifier,
    canonical_bytes,
    certificate_gost_oid,
    is_gost_oid,
    sign_detached,
    subject_identity,
)

from .conftest import BIN, BIN_OTHER, IIN, IIN_OTHER, make_gost_certificate

PAYLOAD = canonical_bytes(
    {
        "service": "S1",
        "applicant": {"iin": IIN, "name": "Тестов Тест"},
        "attachments": [{"name": "устав.pdf", "sha256": "ab" * 32}],
    }
)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture
def verifier(trust_dir):
    return X509SignatureVerifier()


@pytest.fixture
def at(certs):
    return certs.now + dt.timedelta(minutes=5)


def check(verifier, cert, at, *, iin=IIN, bin_="", purpose="sign") -> CheckResult:
    return verifier.check_certificate(pem(cert), applicant_iin=iin, applicant_bin=bin_, purpose=purpose, at=at)


def verify(verifier, cert, key, at, *, payload=PAYLOAD, signed=None, iin=IIN, bin_="") -> CheckResult:
    cms = sign_detached(payload if signed is None else signed, cert, key)
    return verifier.verify(payload, cms, applicant_iin=iin, applicant_bin=bin_, at=at)


# --- the demo PKI has the NCA's shape ------------------------------------------------


def test_issued_certificate_has_nca_shape(certs):
    cert = certs.first_head_sign
    subject = cert.subject
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == f"IIN{IIN}"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == f"BIN{BIN}"
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "ТЕСТОВ ТЕСТ"
    assert subject.get_attributes_for_oid(NameOID.SURNAME)[0].value == "ТЕСТОВ"
    assert subject.get_attributes_for_oid(NameOID.GIVEN_NAME)[0].value == "ТЕСТ"
    assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "KZ"
    assert subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "АО «ТЕСТ»"
    eku = {o.dotted_string for o in cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value}
    assert eku == {"1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.1"}
    ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert ku.digital_signature and ku.content_commitment
    policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    assert policies[0].policy_identifier.dotted_string.startswith("1.2.398.3.3.2.")
    cdp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert cdp[0].full_name[0].value.endswith("issuing.crl")
    assert cert.signature_hash_algorithm.name == "sha256"
    assert subject_identity(cert) == (IIN, BIN)

    auth = certs.individual_auth
    eku = auth.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(eku) == {ExtendedKeyUsageOID.CLIENT_AUTH, x509.ObjectIdentifier("1.2.398.3.3.4.1.1")}
    assert not auth.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment
    assert subject_identity(auth) == (IIN, "")


def test_trust_dir_layout_and_pkcs12(certs, tmp_path):
    pki = certs.pki
    for path in (pki.root_pem_path, pki.ca_pem_path, pki.root_crl_path, pki.ca_crl_path):
        assert path.is_file()
    crl = x509.load_pem_x509_crl(pki.ca_crl_path.read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(certs.revoked.serial_number) is not None
    assert crl.is_signature_valid(pki.ca_cert.public_key())
    p12 = demo_pki.save_user(pki, certs.individual_sign, certs.key, password="Qwerty12", name="t_individual")
    cert, key, extra = demo_pki.load_pkcs12(p12, "Qwerty12")
    assert cert == certs.individual_sign
    assert {c.subject for c in extra} == {pki.ca_cert.subject, pki.root_cert.subject}
    with pytest.raises(ValueError):
        demo_pki.load_pkcs12(p12, "wrong")
    # The PKI can be re-opened to issue and revoke more.
    again = demo_pki.load_pki(pki.directory)
    assert again.ca_cert == pki.ca_cert
    assert again.revoked["issuing"] == pki.revoked["issuing"]


# --- accepted ------------------------------------------------------------------------------


def test_accepts_individual_signature(verifier, certs, at):
    result = verify(verifier, certs.individual_sign, certs.key, at)
    assert result == CheckResult(True, "ok", IIN, "", result.details)
    assert result.details["role"] == "individual"
    assert result.details["signing_time"]
    assert result.message == REASON_MESSAGES["ok"]


@pytest.mark.parametrize("which", ["first_head_sign", "signing_right_sign"])
def test_accepts_legal_entity_signature_with_signing_right(verifier, certs, at, which):
    result = verify(verifier, getattr(certs, which), certs.key, at, bin_=BIN)
    assert (result.valid, result.reason, result.subject_iin, result.subject_bin) == (True, "ok", IIN, BIN)
    assert result.details["role"] == which.removesuffix("_sign")


def test_accepts_authentication_certificate_for_log_in(verifier, certs, at):
    assert check(verifier, certs.individual_auth, at, purpose="auth").reason == "ok"
    # An employee may log in for the organisation; signing needs the right (below).
    assert check(verifier, certs.employee_auth, at, bin_=BIN, purpose="auth").reason == "ok"


def test_payload_with_crlf_and_binary_bytes_is_signed_as_is(verifier, certs, at):
    payload = b"line1\nline2\r\n\x00\xff"
    cms = sign_detached(payload, certs.individual_sign, certs.key)
    assert verifier.verify(payload, cms, applicant_iin=IIN, at=at).reason == "ok"


# --- refused, each with its own reason -------------------------------------------------


def test_refuses_expired(verifier, certs, at):
    result = verify(verifier, certs.expired, certs.key, at)
    assert (result.valid, result.reason) == (False, "expired")
    assert check(verifier, certs.expired, at).reason == "expired"


def test_refuses_not_yet_valid(verifier, certs, at):
    assert verify(verifier, certs.not_yet_valid, certs.key, at).reason == "not_yet_valid"
    # ... and the same certificate is fine once its time comes.
    later = certs.now + dt.timedelta(days=3)
    assert check(verifier, certs.not_yet_valid, later).reason == "ok"


def test_refuses_revoked(verifier, certs, at):
    result = verify(verifier, certs.revoked, certs.key, at)
    assert (result.valid, result.reason) == (False, "revoked")
    assert result.details["revocation_date"]


def test_refuses_unknown_ca(verifier, certs, at):
    # Same issuer name as the trusted issuing CA, but signed by another key.
    assert certs.rogue.issuer == certs.pki.ca_cert.subject
    assert verify(verifier, certs.rogue, certs.key, at).reason == "untrusted_chain"
    assert check(verifier, certs.rogue, at).reason == "untrusted_chain"


def test_refuses_authentication_certificate_for_signing(verifier, certs, at):
    assert verify(verifier, certs.individual_auth, certs.key, at).reason == "wrong_purpose"
    assert check(verifier, certs.individual_sign, at, purpose="auth").reason == "wrong_purpose"


def test_refuses_employee_without_signing_right(verifier, certs, at):
    result = verify(verifier, certs.employee_sign, certs.key, at, bin_=BIN)
    assert (result.valid, result.reason, result.subject_bin) == (False, "no_signing_right", BIN)


@pytest.mark.parametrize(
    "which, iin, bin_",
    [
        ("individual_sign", IIN_OTHER, ""),  # someone else's IIN
        ("individual_sign", IIN, BIN),  # request for an organisation, personal certificate
        ("first_head_sign", IIN, BIN_OTHER),  # another organisation
        ("first_head_sign", IIN_OTHER, BIN),  # the organisation's head is someone else
        ("first_head_sign", IIN, ""),  # personal request, organisation's certificate
        ("individual_sign", "", ""),
    ],
)
def test_refuses_identity_mismatch(verifier, certs, at, which, iin, bin_):
    result = verify(verifier, getattr(certs, which), certs.key, at, iin=iin, bin_=bin_)
    assert (result.valid, result.reason, result.subject_iin) == (False, "identity_mismatch", IIN)
    assert check(verifier, getattr(certs, which), at, iin=iin, bin_=bin_).reason == "identity_mismatch"


def test_refuses_tampered_payload(verifier, certs, at):
    tampered = PAYLOAD.replace(b"S1", b"S2")
    result = verify(verifier, certs.individual_sign, certs.key, at, signed=tampered)
    assert (result.valid, result.reason) == (False, "signature_invalid")
    assert result.details["error"] == "message_digest"


def test_refuses_tampered_signed_attributes(verifier, certs, at):
    """Message digest right, but the signature over the signed attributes broken."""
    info = asn1_cms.ContentInfo.load(sign_detached(PAYLOAD, certs.individual_sign, certs.key))
    signer = info["content"]["signer_infos"][0]
    sig = bytearray(signer["signature"].native)
    sig[10] ^= 0x01
    signer["signature"] = bytes(sig)
    result = verifier.verify(PAYLOAD, info.dump(force=True), applicant_iin=IIN, at=at)
    assert (result.reason, result.details["error"]) == ("signature_invalid", "signature")


def test_refuses_signature_by_another_key(verifier, certs, pki, at):
    """The CMS names the certificate, but the CA key (not the user's) signed."""
    cms = sign_detached(PAYLOAD, certs.individual_sign, pki.ca_key)
    assert verifier.verify(PAYLOAD, cms, applicant_iin=IIN, at=at).reason == "signature_invalid"


def test_fails_closed_on_stale_crl(verifier, certs, at):
    # The certificate is valid for a year; the CRL's next update is a week away.
    later = certs.now + certs.pki.crl_validity + dt.timedelta(hours=1)
    result = verify(verifier, certs.individual_sign, certs.key, later)
    assert (result.valid, result.reason, result.details["error"]) == (False, "revocation_unavailable", "crl_stale")


def test_fails_closed_on_missing_crl(certs, trust_copy, at):
    verifier = X509SignatureVerifier()
    assert verify(verifier, certs.individual_sign, certs.key, at).reason == "ok"
    trust_copy.ca_crl_path.unlink()
    result = verify(verifier, certs.individual_sign, certs.key, at)
    assert (result.reason, result.details["error"]) == ("revocation_unavailable", "no_crl")


def test_fails_closed_on_missing_root_crl(certs, trust_copy, at):
    """The issuing CA's own status (on the root's CRL) must be known too."""
    trust_copy.root_crl_path.unlink()
    result = verify(X509SignatureVerifier(), certs.individual_sign, certs.key, at)
    assert result.reason == "revocation_unavailable"
    assert "ROOT" in result.details["crl_issuer"]


def test_forged_crl_is_ignored(certs, trust_copy, at):
    """A CRL with the right issuer name but another key is not trusted (so: no CRL)."""
    rogue_crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(trust_copy.ca_cert.subject)
        .last_update(certs.now)
        .next_update(certs.now + dt.timedelta(days=7))
        .sign(certs.key, hashes.SHA256())
    )
    trust_copy.ca_crl_path.write_bytes(rogue_crl.public_bytes(serialization.Encoding.PEM))
    result = verify(X509SignatureVerifier(), certs.individual_sign, certs.key, at)
    assert result.reason == "revocation_unavailable"


def test_refuses_gost_certificate(verifier, certs, at):
    gost = make_gost_certificate(certs.pki.ca_cert.subject, certs.now)
    assert certificate_gost_oid(gost) == "1.2.398.3.10.1.1.1.1"
    result = check(verifier, gost, at)
    assert (result.valid, result.reason, result.subject_iin) == (False, "gost_not_supported", IIN)
    # GOST R 34.10-2012 (Russia, TC26) is recognised too.
    gost2012 = make_gost_certificate(
        certs.pki.ca_cert.subject, certs.now, key_oid="1.2.643.7.1.1.1.1", params_oid="1.2.643.7.1.2.1.1.1",
        sig_oid="1.2.643.7.1.1.3.2",
    )
    assert check(verifier, gost2012, at).reason == "gost_not_supported"


def test_refuses_gost_signature(verifier, certs, at):
    """A CMS whose digest algorithm is GOST 34.311-95 is refused before any crypto."""
    info = asn1_cms.ContentInfo.load(sign_detached(PAYLOAD, certs.individual_sign, certs.key))
    info["content"]["signer_infos"][0]["digest_algorithm"] = {"algorithm": "1.2.398.3.10.1.3.1"}
    result = verifier.verify(PAYLOAD, info.dump(force=True), applicant_iin=IIN, at=at)
    assert result.reason == "gost_not_supported"


@pytest.mark.parametrize(
    "oid, expected",
    [
        ("1.2.398.3.10.1.1.1.1", True),  # GOST 34.310-2004 key
        ("1.2.398.3.10.1.1.1.2", True),  # its signature algorithm
        ("1.2.398.3.10.1.1.2.3.1", True),  # GOST 34.10-2015
        ("1.2.643.7.1.1.1.1", True),  # GOST R 34.10-2012 256
        ("1.2.643.7.1.1.1.2", True),  # GOST R 34.10-2012 512
        ("1.2.643.2.2.19", True),  # GOST R 34.10-2001
        ("1.2.840.113549.1.1.1", False),  # rsaEncryption
        ("1.2.840.10045.2.1", False),  # EC
        ("1.2.398.3.3.4.1.1", False),  # NCA role OID, not an algorithm
    ],
)
def test_gost_oid_detection(oid, expected):
    assert is_gost_oid(oid) is expected
    assert is_gost_oid(x509.ObjectIdentifier(oid)) is expected


def test_refuses_sha1_digest(verifier, certs, at):
    info = asn1_cms.ContentInfo.load(sign_detached(PAYLOAD, certs.individual_sign, certs.key))
    info["content"]["signer_infos"][0]["digest_algorithm"] = {"algorithm": "sha1"}
    assert verifier.verify(PAYLOAD, info.dump(force=True), applicant_iin=IIN, at=at).reason == "unsupported_algorithm"


@pytest.mark.parametrize("blob", [b"", b"not a signature", b"\x30\x03\x02\x01\x01"])
def test_refuses_malformed_cms(verifier, at, blob):
    result = verifier.verify(PAYLOAD, blob, applicant_iin=IIN, at=at)
    assert (result.valid, result.reason) == (False, "malformed")


def test_refuses_cms_without_signer_certificate(verifier, certs, at):
    from cryptography.hazmat.primitives.serialization import pkcs7

    cms = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(PAYLOAD)
        .add_signer(certs.individual_sign, certs.key, hashes.SHA256())
        .sign(
            serialization.Encoding.DER,
            [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary, pkcs7.PKCS7Options.NoCerts],
        )
    )
    result = verifier.verify(PAYLOAD, cms, applicant_iin=IIN, at=at)
    assert (result.reason, result.details["error"]) == ("malformed", "signer_certificate_missing")


@pytest.mark.parametrize("blob", [b"", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", b"\x30\x00"])
def test_refuses_malformed_certificate(verifier, at, blob):
    result = verifier.check_certificate(blob, applicant_iin=IIN, purpose="sign", at=at)
    assert result.reason == "malformed"


def test_no_trust_store_means_untrusted(settings, certs, tmp_path, at):
    settings.ELICENSE_TRUST_DIR = tmp_path / "nothing-here"
    assert verify(X509SignatureVerifier(), certs.individual_sign, certs.key, at).reason == "untrusted_chain"


# --- the trust store -----------------------------------------------------------------------


def test_trust_store_is_cached_and_reloaded_when_files_change(certs, trust_copy, at):
    verifier = X509SignatureVerifier()
    first = verifier.trust_store()
    assert verifier.trust_store() is first  # no change: same parsed store
    assert verify(verifier, certs.individual_sign, certs.key, at).reason == "ok"
    demo_pki.revoke(trust_copy, certs.individual_sign)  # re-issues crls/issuing.crl.pem
    assert verifier.trust_store() is not first
    assert verify(verifier, certs.individual_sign, certs.key, at).reason == "revoked"


def test_the_same_question_at_the_same_instant_is_worked_out_once(verifier, certs, at, monkeypatch):
    """Steps 6 and 8 in one call: the certificate checked, then the CMS verified at the same instant. The
    envelope is read once and the chain built once; the answers are those of two separate checks."""
    from integrations.signatures import cms as cms_module

    chains, reads = [], []
    real_chain, real_read = TrustStore.chain, cms_module._read.__wrapped__
    monkeypatch.setattr(TrustStore, "chain", lambda self, *a, **k: chains.append(a) or real_chain(self, *a, **k))
    monkeypatch.setattr(cms_module, "_read", functools.lru_cache(maxsize=8)(
        lambda der: reads.append(der) or real_read(der)))
    cert = certs.individual_sign
    cms = sign_detached(PAYLOAD, cert, certs.key)
    assert cms_module.signer_certificate(cms) == cert
    first = check(verifier, cert, at)
    second = verifier.verify(PAYLOAD, cms, applicant_iin=IIN, at=at)
    assert (first.valid, first.reason, second.valid, second.reason) == (True, "ok", True, "ok")
    assert first.details["serial"] == second.details["serial"] == format(cert.serial_number, "x")
    assert "signing_time" in second.details and "signing_time" not in first.details
    assert (len(chains), len(reads)) == (1, 1)
    first.details["role"] = "changed by a caller"  # an answer is the caller's copy
    assert check(verifier, cert, at).details["role"] == "individual"

    # Any other question is worked out anew: another instant, identity, purpose or certificate.
    later = at + dt.timedelta(microseconds=1)
    assert check(verifier, cert, later).reason == "ok" and len(chains) == 2
    assert check(verifier, cert, at, iin=IIN_OTHER).reason == "identity_mismatch"
    assert check(verifier, cert, at, purpose="auth").reason == "wrong_purpose"
    assert check(verifier, certs.revoked, at).reason == "revoked"
    expired_at = cert.not_valid_after_utc + dt.timedelta(seconds=1)
    assert check(verifier, cert, expired_at).reason == "expired"
    assert len(chains) == 6
    tampered = bytearray(cms)
    tampered[-5] ^= 0x01  # inside the signature value: other bytes, read again, refused
    assert verifier.verify(PAYLOAD, bytes(tampered), applicant_iin=IIN, at=at).reason == "signature_invalid"
    assert len(reads) == 2


def test_a_revocation_published_meanwhile_is_seen_at_the_same_instant(certs, trust_copy, at):
    verifier = X509SignatureVerifier()
    assert check(verifier, certs.individual_sign, at).reason == "ok"
    demo_pki.revoke(trust_copy, certs.individual_sign)  # a new CRL: a new store, so no answer of before holds
    assert check(verifier, certs.individual_sign, at).reason == "revoked"
    assert verify(verifier, certs.individual_sign, certs.key, at).reason == "revoked"


def test_revoked_issuing_ca_refuses_everything_below_it(certs, trust_copy, at):
    demo_pki.revoke(trust_copy, trust_copy.ca_cert)  # on the root's CRL
    result = verify(X509SignatureVerifier(), certs.individual_sign, certs.key, at)
    assert result.reason == "revoked"
    assert result.details["revoked_serial"] == format(trust_copy.ca_cert.serial_number, "x")


def test_trust_store_ignores_private_and_users_folders(certs, trust_dir):
    store = TrustStore.for_directory(trust_dir)
    assert len(store.cas) == 2
    assert {ca.is_root for ca in store.cas.values()} == {True, False}
    assert all(ca.crl is not None for ca in store.cas.values())
    assert store.problems == []


def test_intermediate_not_chaining_to_a_root_is_skipped(certs, trust_copy, at):
    trust_copy.root_pem_path.unlink()
    store = TrustStore.for_directory(trust_copy.directory)
    assert store.cas == {}
    assert verify(X509SignatureVerifier(), certs.individual_sign, certs.key, at).reason == "untrusted_chain"


# --- reasons, canonical bytes ---------------------------------------------------------------


def test_every_reason_has_a_message():
    expected = {
        "ok", "malformed", "untrusted_chain", "not_yet_valid", "expired", "revoked", "revocation_unavailable",
        "wrong_purpose", "no_signing_right", "identity_mismatch", "gost_not_supported", "unsupported_algorithm",
        "signature_invalid",
    }
    assert set(REASONS) == expected == set(REASON_MESSAGES)
    assert all(str(message) for message in REASON_MESSAGES.values())


def test_canonical_bytes():
    data = {"b": [1, 2.5, None, True], "a": {"z": "Қазақстан", "y": ""}}
    assert canonical_bytes(data) == '{"a":{"y":"","z":"Қазақстан"},"b":[1,2.5,null,true]}'.encode()
    assert canonical_bytes({"b": 1, "a": 2}) == canonical_bytes({"a": 2, "b": 1})
    with pytest.raises(ValueError):
        canonical_bytes({"x": float("nan")})


def test_check_result_to_dict(verifier, certs, at):
    result = check(verifier, certs.first_head_sign, at, bin_=BIN)
    data = result.to_dict()
    assert data["valid"] is True and data["reason"] == "ok" and data["subject_bin"] == BIN
    import json

    json.dumps(data)


# --- interoperability: OpenSSL verifies what sign_detached makes ---------------------------


def _openssl_verify(tmp_path, pki, cms: bytes, payload: bytes) -> subprocess.CompletedProcess:
    (tmp_path / "payload.bin").write_bytes(payload)
    (tmp_path / "signature.p7s").write_bytes(cms)
    # OpenSSL 3.0's `cms` has no -CRLfile: CRLs go into the -CAfile bundle (it loads both).
    (tmp_path / "trust.pem").write_bytes(
        b"".join(p.read_bytes() for p in (pki.root_pem_path, pki.ca_pem_path, pki.root_crl_path, pki.ca_crl_path))
    )
    # The command documented in docs/signatures.md.
    return subprocess.run(
        [
            "openssl", "cms", "-verify", "-binary", "-inform", "DER",
            "-in", "signature.p7s", "-content", "payload.bin",
            "-CAfile", "trust.pem", "-crl_check_all",
            "-purpose", "smimesign", "-out", "/dev/null",
        ],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl binary not installed")
def test_openssl_verifies_sign_detached(certs, tmp_path):
    payload = PAYLOAD + b"\n\r\n"  # binary-exact, no MIME canonicalisation
    ok = _openssl_verify(tmp_path, certs.pki, sign_detached(payload, certs.individual_sign, certs.key), payload)
    assert ok.returncode == 0, ok.stderr
    assert "Verification successful" in ok.stderr
    # Controls: OpenSSL refuses a tampered payload and a revoked certificate.
    tampered = _openssl_verify(
        tmp_path, certs.pki, sign_detached(payload, certs.individual_sign, certs.key), payload + b"x"
    )
    assert tampered.returncode != 0
    revoked = _openssl_verify(tmp_path, certs.pki, sign_detached(payload, certs.revoked, certs.key), payload)
    assert revoked.returncode != 0
    assert "revoked" in revoked.stderr


# --- the management command ---------------------------------------------------------------


def test_make_demo_pki_command(settings, tmp_path):
    target = tmp_path / "demo"
    settings.ELICENSE_TRUST_DIR = target
    call_command("make_demo_pki", "--iin", IIN, "--iin", IIN_OTHER, "--bin", "-", "--bin", BIN, "--password", "pw",
                 stdout=_Null())
    users = sorted(p.name for p in (target / "users").glob("*.p12"))
    assert users == sorted([
        f"IIN{IIN}_auth.p12", f"IIN{IIN}_sign.p12",
        f"IIN{IIN_OTHER}_BIN{BIN}_auth.p12", f"IIN{IIN_OTHER}_BIN{BIN}_sign.p12",
    ])
    cert, key, _ = demo_pki.load_pkcs12(target / "users" / f"IIN{IIN_OTHER}_BIN{BIN}_sign.p12", "pw")
    at = dt.datetime.now(dt.UTC)
    result = X509SignatureVerifier().verify(
        PAYLOAD, sign_detached(PAYLOAD, cert, key), applicant_iin=IIN_OTHER, applicant_bin=BIN, at=at
    )
    assert (result.reason, result.details["role"]) == ("ok", "first_head")
    root_before = (target / "roots" / "root.pem").read_bytes()
    # Re-running reuses the PKI; --refresh-crl only re-issues CRLs.
    call_command("make_demo_pki", "--refresh-crl", stdout=_Null())
    assert (target / "roots" / "root.pem").read_bytes() == root_before
    assert X509SignatureVerifier().check_certificate(
        pem(cert), applicant_iin=IIN_OTHER, applicant_bin=BIN, purpose="sign", at=at
    ).valid


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass
