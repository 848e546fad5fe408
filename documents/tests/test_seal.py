"""The system's own seal and TSA (documents.seal, documents.demo_seal, manage.py make_demo_seal; ADR 0018): key
material configured on its own, read from its own files only — never from the trust store, never from the
demo PKI's private folder."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from audit.models import AuditEntry
from documents import seal
from documents.demo_seal import DEMO_PROVIDER_BIN, SYSTEM_IIN, issue_demo_seal
from integrations import pki as demo_pki
from integrations import trust
from integrations.models import TrustItem
from integrations.signatures import TrustStore, X509SignatureVerifier
from integrations.tests.openssl_pki import OpensslPki


def _pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def test_the_demo_seal_is_issued_into_its_own_folder_and_used_from_there_only(settings, pki, tmp_path):
    source = demo_pki.load_pki(shutil.copytree(pki.directory, tmp_path / "demo-pki"))
    made = issue_demo_seal(tmp_path / "seal", issuer_dir=source.directory)
    assert made.created and made.issuer.startswith("demo PKI")
    for name in ("seal.key.pem", "tsa.key.pem"):
        assert stat.S_IMODE((tmp_path / "seal" / name).stat().st_mode) == 0o600
    shutil.rmtree(source.directory)  # the demo PKI (its private CA keys) is gone: the seal does not need it
    settings.ELICENSE_SEAL_DIR = tmp_path / "seal"
    settings.ELICENSE_TSA_DIR = ""
    identity = seal.seal_identity()
    assert identity.common_name == "E-LICENSING SYSTEM SEAL"
    assert [c.subject for c in identity.chain] == [pki.ca_cert.subject, pki.root_cert.subject]
    assert seal.is_demo(identity)
    tsa = seal.tsa_identity()
    eku = tsa.cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and [o.dotted_string for o in eku.value] == ["1.3.6.1.5.5.7.3.8"]
    # The seal is a signing certificate the project's verifier accepts (the demo PKI's trust store).
    result = X509SignatureVerifier(trust_dir=pki.directory).check_certificate(
        _pem(identity.cert), applicant_iin=SYSTEM_IIN, applicant_bin=DEMO_PROVIDER_BIN, purpose="sign",
        at=dt.datetime.now(dt.UTC))
    assert result.reason == "ok", result.details
    # Kept unless --force.
    assert not issue_demo_seal(tmp_path / "seal", issuer_dir=tmp_path / "missing").created


def test_without_a_demo_pki_the_demo_seal_has_its_own_ca_added_to_the_trust_store(settings, db, tmp_path):
    """A trust store of a real-shaped PKI only (made with openssl): make_demo_seal adds its own CA (a root and
    its CRL, audited) and drops that CA's private key."""
    settings.ELICENSE_TRUST_STORE = "database"
    TrustItem.objects.all().delete()
    TrustStore.clear_cache()
    nca = OpensslPki.create(tmp_path / "nca")
    trust.import_directory(nca.trust_folder(tmp_path / "trust"))
    settings.ELICENSE_TRUST_DIR = tmp_path / "trust"  # no private/ folder: not a demo PKI
    out = io.StringIO()
    call_command("make_demo_seal", "--dir", str(tmp_path / "seal"), stdout=out)
    assert "issued by the own CA" in out.getvalue()
    assert sorted(TrustItem.objects.filter(source="upload").values_list("kind", flat=True)) == ["crl", "root"]
    assert AuditEntry.objects.filter(data__change="trust_item_added").count() == 2
    written = {p.name: p.read_bytes() for p in (tmp_path / "seal").iterdir()}
    assert sorted(written) == ["ca.crl", "ca.pem", "seal.key.pem", "seal.pem", "tsa.key.pem", "tsa.pem"]
    assert [n for n, data in written.items() if b"PRIVATE KEY" in data] == ["seal.key.pem", "tsa.key.pem"]
    settings.ELICENSE_SEAL_DIR = tmp_path / "seal"
    settings.ELICENSE_TSA_DIR = ""
    identity = seal.seal_identity()
    assert seal.is_demo(identity) and seal.is_demo(seal.tsa_identity())
    result = X509SignatureVerifier().check_certificate(
        _pem(identity.cert), applicant_iin=SYSTEM_IIN, applicant_bin=DEMO_PROVIDER_BIN, purpose="sign",
        at=dt.datetime.now(dt.UTC))
    assert result.reason == "ok", result.details  # its CA and CRL are in the trust store now
    out = io.StringIO()
    call_command("make_demo_seal", "--dir", str(tmp_path / "seal"), stdout=out)
    assert "kept the files" in out.getvalue()


def test_a_configured_seal_is_loaded_from_its_paths_with_its_password(settings, tmp_path):
    nca = OpensslPki.create(tmp_path / "nca")
    sealed = nca.issue("seal", iin=SYSTEM_IIN, bin=DEMO_PROVIDER_BIN, org="E-licensing", surname="E-LICENSING",
                       given_name="SYSTEM SEAL", role="signing_right")
    key = serialization.load_pem_private_key(sealed.key_pem.read_bytes(), None)
    seal.write_key(tmp_path / "sealkey.pem", key, password="s3cret")
    cert_file = tmp_path / "seal.pem"
    cert_file.write_bytes(sealed.cert_pem.read_bytes() + nca.issuing_pem.read_bytes() + nca.root_pem.read_bytes())
    settings.ELICENSE_SEAL_CERT = str(cert_file)
    settings.ELICENSE_SEAL_KEY = str(tmp_path / "sealkey.pem")
    settings.ELICENSE_SEAL_KEY_PASSWORD = "s3cret"
    identity = seal.seal_identity()
    assert identity.cert == sealed.cert and [c.subject for c in identity.chain] == [nca.issuing_cert.subject,
                                                                                    nca.root_cert.subject]
    assert not seal.is_demo(identity)  # a real-shaped CA's: production takes it

    settings.ELICENSE_SEAL_KEY_PASSWORD = "wrong"
    with pytest.raises(seal.SealNotConfigured, match="cannot be read"):
        seal.seal_identity()
    settings.ELICENSE_SEAL_KEY_PASSWORD = ""
    other = nca.issue("other", iin="900101300123", surname="A", given_name="B")
    settings.ELICENSE_SEAL_KEY = str(other.key_pem)
    with pytest.raises(seal.SealNotConfigured, match="is not the key of"):
        seal.seal_identity()
    # A seal certificate is no TSA certificate.
    settings.ELICENSE_TSA_CERT, settings.ELICENSE_TSA_KEY = str(cert_file), str(sealed.key_pem)
    with pytest.raises(seal.SealNotConfigured, match="timeStamping"):
        seal.tsa_identity()
    settings.ELICENSE_SEAL_CERT = str(tmp_path / "missing.pem")
    with pytest.raises(seal.SealNotConfigured, match="make_demo_seal"):
        seal.seal_identity()
    settings.ELICENSE_SEAL_PKCS11_URI = "pkcs11:token=seal"
    with pytest.raises(seal.SealNotConfigured, match="not supported"):
        seal.seal_identity()


def test_the_tsa_of_the_seal_folder_makes_timestamp_tokens(settings, demo_seal):
    """The built-in TSA (documents.tsa.ProjectTimeStamper) works with the TSA identity of documents.seal."""
    import hashlib

    from asn1crypto import algos, tsp

    from documents.tsa import ProjectTimeStamper

    settings.ELICENSE_SEAL_DIR = demo_seal.directory
    settings.ELICENSE_TSA_DIR = ""
    req = tsp.TimeStampReq({"version": 1, "message_imprint": {
        "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
        "hashed_message": hashlib.sha256(b"x").digest()}, "cert_req": True})
    response = ProjectTimeStamper(seal.tsa_identity()).request_tsa_response(req)
    assert response["status"]["status"].native == "granted"
    signed = response["time_stamp_token"]["content"]
    assert signed["encap_content_info"]["content"].parsed["message_imprint"]["hashed_message"].native == \
        hashlib.sha256(b"x").digest()


def test_a_seal_and_tsa_issued_with_openssl_are_taken_as_configured(settings, tmp_path):
    """The files a real CA would hand over (here made with the openssl command line only) are what the settings
    name; nothing of the demo PKI."""
    nca = OpensslPki.create(tmp_path / "nca")
    sealed = nca.issue("seal", iin=SYSTEM_IIN, bin=DEMO_PROVIDER_BIN, org="E-licensing", surname="E-LICENSING",
                       given_name="SYSTEM SEAL", role="signing_right")
    nca.write_identity(sealed, tmp_path / "etc" / "seal.pem", tmp_path / "etc" / "seal.key.pem")
    nca.write_identity(nca.issue_tsa(key=sealed.key_pem), tmp_path / "etc" / "tsa.pem", tmp_path / "etc" / "tsa.key.pem")
    settings.ELICENSE_SEAL_CERT, settings.ELICENSE_SEAL_KEY = str(tmp_path / "etc" / "seal.pem"), str(
        tmp_path / "etc" / "seal.key.pem")
    settings.ELICENSE_TSA_CERT, settings.ELICENSE_TSA_KEY = str(tmp_path / "etc" / "tsa.pem"), str(
        tmp_path / "etc" / "tsa.key.pem")
    assert not seal.is_demo(seal.seal_identity()) and not seal.is_demo(seal.tsa_identity())
    assert seal.production_problems() == []
    assert [c.subject for c in seal.tsa_identity().chain] == [nca.issuing_cert.subject, nca.root_cert.subject]


def test_a_system_installed_on_an_openssl_pki_has_its_seal_and_nothing_of_the_demo_pki(settings, db, tmp_path):
    nca = OpensslPki.create(tmp_path / "nca")
    made = nca.install(settings, tmp_path / "system")
    assert [i.kind for i in TrustItem.objects.order_by("kind", "name")] == ["crl", "crl", "root"]
    identity = seal.seal_identity()
    assert identity.cert == made["seal"].cert and not seal.is_demo(identity)
    assert seal.tsa_identity().cert == made["tsa"].cert and seal.production_problems() == []
    # The seal checks out against that trust store with the chain of its own file (no intermediate stored).
    result = X509SignatureVerifier().check_certificate(
        b"".join(_pem(c) for c in (identity.cert, *identity.chain)), applicant_iin=SYSTEM_IIN,
        applicant_bin=DEMO_PROVIDER_BIN, purpose="sign", at=dt.datetime.now(dt.UTC))
    assert result.reason == "ok", result.details
