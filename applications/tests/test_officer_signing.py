"""Officers sign results with their own EDS (issue 11, point 1): the server prepares the document (pyHanko's
interrupted signing) and the bytes to sign; the officer's key — held here by the TEST, as the officer's NCALayer
holds it — signs them; the server checks the CMS (the applicants' checks plus the officer's) and embeds it with
a signature timestamp, the validation data and a document timestamp. No officer key is held by the system."""
from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.apps import apps
from django.conf import settings
from django.db import models
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko_certvalidator import ValidationContext

from applications.models import ResultDocument
from applications.tests.journeys import (
    decision_body,
    deliver_callbacks,
    payer,
    portal_until_registered,
)
from audit.models import AuditEntry
from documents.models import SigningSession
from integrations.signatures import sign_detached


def _registered_s1(world):
    return portal_until_registered(world, world.api["company_head"], "S1", "issue")


def _decided(world, api, app):
    """The officer decides through the API (certificate chosen); the licence is prepared, not yet signed."""
    api.choose_certificate()
    return api.post(f"/applications/{app['id']}/decision", decision_body(app))


def _download(api, app_id, number, expect=200):
    response = api.client.get(f"/api/v1/applications/{app_id}/documents/{number}.pdf", **api.headers)
    assert response.status_code == expect
    return b"".join(response.streaming_content) if expect == 200 else None


def _cms_b64(data: bytes, cert, key) -> str:
    return base64.b64encode(sign_detached(data, cert, key)).decode()


def _validate(world, pdf: bytes):
    """pyHanko's validator, in-process, trusting only the test PKI's root."""
    root = asn1_x509.Certificate.load(world.pki.root_cert.public_bytes(serialization.Encoding.DER))
    reader = PdfFileReader(io.BytesIO(pdf))
    (signature,) = reader.embedded_regular_signatures
    vc = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
    status = validate_pdf_signature(signature, vc)
    timestamps = reader.embedded_timestamp_signatures
    doc_ts = validate_pdf_timestamp(timestamps[-1], ValidationContext(
        trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")) if timestamps else None
    return reader, status, doc_ts


def test_the_officer_signs_the_licence_through_the_api_and_it_validates(world):
    officer = world.api["committee_officer"]
    app = _registered_s1(world)
    decided = _decided(world, officer, app)
    assert decided["status"] == "completed"
    (doc,) = [d for d in decided["documents"] if d["kind"] == "licence"]
    assert doc["signing_status"] == "awaiting_signature" and doc["signer_id"] == world.committee_officer.pk
    row = ResultDocument.objects.get(number=doc["number"])
    assert row.signer == world.committee_officer and row.pdf_sha256 == "" and not row.pdf
    _download(world.api["company_head"], app["id"], doc["number"], expect=404)  # not signed yet

    facts = officer.get(f"/documents/{doc['number']}/signing")
    data = base64.b64decode(facts["bytes_b64"])
    assert facts["number"] == doc["number"] and facts["status"] == "awaiting_signature"
    assert facts["sha256"] == hashlib.sha256(data).hexdigest() == SigningSession.objects.get(document=row).digest
    assert facts["signer_iin"] == world.committee_officer.iin
    assert facts["signer_bin"] == world.committee_officer.provider_unit.bin
    assert facts["serial"] == format(officer.signing_certificate.serial_number, "x")
    assert data.startswith(b"%PDF-") and b"/ByteRange" in data  # the PDF's byte range, the /Contents left out

    signed = officer.post(f"/documents/{doc['number']}/signing",
                          {"cms_b64": _cms_b64(data, officer.signing_certificate, world.key)})
    assert signed["status"] == "signed" and signed["number"] == doc["number"] and signed["signer_name"]
    pdf = _download(world.api["company_head"], app["id"], doc["number"])
    assert hashlib.sha256(pdf).hexdigest() == signed["pdf_sha256"]
    row.refresh_from_db()
    assert row.pdf_sha256 == signed["pdf_sha256"] and not SigningSession.objects.filter(document=row).exists()

    reader, status, doc_ts = _validate(world, pdf)
    assert status.intact and status.valid and status.trusted and status.bottom_line, status.pretty_print_details()
    assert status.signing_cert.serial_number == officer.signing_certificate.serial_number  # that officer's EDS
    assert status.timestamp_validity is not None and status.timestamp_validity.valid  # the signature timestamp
    assert doc_ts is not None and doc_ts.valid and doc_ts.intact  # the document timestamp (LTA)
    dss = reader.root["/DSS"]
    assert dss["/Certs"] and dss["/CRLs"]  # the validation data
    # The officer signed exactly the bytes the server gave: the signature's byte range is them.
    assert pdf[:len(data) // 2] == data[:len(data) // 2]
    assert AuditEntry.objects.filter(kind="signature_check", subject_id=str(row.pk),
                                     data__purpose="result_document").count() == 1
    # Signed once: a second signature is refused.
    again = officer.post(f"/documents/{doc['number']}/signing",
                         {"cms_b64": _cms_b64(data, officer.signing_certificate, world.key)}, expect=409)
    assert again["code"] == "document_not_awaiting_signature"


def test_a_second_preparation_for_the_same_certificate_keeps_the_first_whose_bytes_the_officer_signs(world):
    """The worker and the officer's page prepare the same document at once (the two-app-servers run): the one
    prepared first stands — its bytes may already be in the officer's NCALayer — so their signature holds."""
    from documents.certificates import office_certificate
    from documents.produce import prepare

    officer = world.api["committee_officer"]
    app = _registered_s1(world)
    (doc,) = [d for d in _decided(world, officer, app)["documents"] if d["kind"] == "licence"]
    facts = officer.get(f"/documents/{doc['number']}/signing")
    row = ResultDocument.objects.get(number=doc["number"])
    first = SigningSession.objects.get(document=row)
    assert prepare(row, office_certificate(world.committee_officer)) is False
    assert SigningSession.objects.get(document=row).pk == first.pk
    data = base64.b64decode(facts["bytes_b64"])
    signed = officer.post(f"/documents/{doc['number']}/signing",
                          {"cms_b64": _cms_b64(data, officer.signing_certificate, world.key)})
    assert signed["status"] == "signed"


def _other_bin(world):
    from services.models import ProviderUnit

    return ProviderUnit.objects.exclude(pk=world.committee_officer.provider_unit_id).exclude(bin="").first().bin


BAD = {
    "other_bin": (lambda w: w.officer_certificate(w.committee_officer, bin=_other_bin(w)),
                  422, "certificate_wrong_organisation", None),
    "employee_role": (lambda w: w.officer_certificate(w.committee_officer, role="employee"), 422, "no_signing_right",
                      None),
    "individual": (lambda w: w.certificate(w.committee_officer, role="individual", bin=None, org=None), 422,
                   "certificate_wrong_organisation", None),
    "wrong_iin": (lambda w: w.officer_certificate(w.committee_officer, iin=w.person.iin), 422,
                  "certificate_not_officers", None),
    "unchosen": (lambda w: w.officer_certificate(w.committee_officer), 422, "certificate_mismatch", None),
    "other_bytes": (lambda w: None, 422, "signature_invalid", lambda data: data + b"x"),
    "auth_key": (lambda w: w.officer_certificate(w.committee_officer, purpose="auth"), 422, "signature_invalid", None),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_signature_that_breaks_a_rule_is_refused_and_changes_nothing(world, case):
    make_cert, status, code, tamper = BAD[case]
    officer = world.api["committee_officer"]
    app = _registered_s1(world)
    (doc,) = _decided(world, officer, app)["documents"]
    row = ResultDocument.objects.get(number=doc["number"])
    session = SigningSession.objects.get(document=row)
    audits = AuditEntry.objects.count()
    cert = make_cert(world)
    refused = officer.sign_document(doc["number"], cert=cert, tamper=tamper, expect=status)
    assert refused["code"] == code and refused["message"], refused
    if code == "signature_invalid":
        assert refused["details"]["reason"] in ("signature_invalid", "wrong_purpose")
    row.refresh_from_db()
    assert row.pdf_sha256 == "" and not row.pdf and row.signer_name == ""
    assert SigningSession.objects.get(document=row).digest == session.digest
    assert AuditEntry.objects.count() == audits
    # The right signature still goes through afterwards.
    assert officer.sign_document(doc["number"])["status"] == "signed"


def test_only_the_deciding_officer_signs_and_only_with_the_certificate_chosen_in_this_log_in(world):
    from django.contrib.auth.models import update_last_login

    officer = world.api["committee_officer"]
    app = _registered_s1(world)
    (doc,) = _decided(world, officer, app)["documents"]
    # Another officer of the same unit: not the document's signer. The applicant: neither.
    other = world.api["head"]
    other.choose_certificate()
    assert other.get(f"/documents/{doc['number']}/signing", expect=403)["code"] == "not_document_signer"
    data = base64.b64decode(officer.get(f"/documents/{doc['number']}/signing")["bytes_b64"])
    refused = other.post(f"/documents/{doc['number']}/signing",
                         {"cms_b64": _cms_b64(data, other.signing_certificate, world.key)}, expect=403)
    assert refused["code"] == "not_document_signer"
    applicant = world.api["company_head"]
    assert applicant.get(f"/documents/{doc['number']}/signing", expect=403)["code"] == "not_document_signer"
    assert world.api["person"].get(f"/documents/{doc['number']}/signing", expect=404)  # not their request
    # A new log-in: the certificate must be chosen again before signing.
    update_last_login(None, world.committee_officer)
    assert officer.get(f"/documents/{doc['number']}/signing", expect=409)["code"] == "certificate_not_chosen"
    refused = officer.post(f"/documents/{doc['number']}/signing",
                           {"cms_b64": _cms_b64(data, officer.signing_certificate, world.key)}, expect=409)
    assert refused["code"] == "certificate_not_chosen"
    assert ResultDocument.objects.get(number=doc["number"]).pdf_sha256 == ""
    # Choosing another certificate re-prepares the document for it (the stamp names the chosen certificate).
    second = world.officer_certificate(world.committee_officer)
    officer.choose_certificate(cert=second)
    facts = officer.get(f"/documents/{doc['number']}/signing")
    assert facts["serial"] == format(second.serial_number, "x")
    assert base64.b64decode(facts["bytes_b64"]) != data
    stale = officer.post(f"/documents/{doc['number']}/signing", {"cms_b64": _cms_b64(data, second, world.key)},
                         expect=422)
    assert stale["code"] == "signature_invalid"  # signed the old bytes
    assert officer.sign_document(doc["number"], cert=second)["status"] == "signed"
    pdf = _download(applicant, app["id"], doc["number"])
    assert _validate(world, pdf)[1].signing_cert.serial_number == second.serial_number


@pytest.mark.parametrize("case", ["other_bin", "employee_role", "wrong_iin"])
def test_a_certificate_that_breaks_an_officers_rule_cannot_be_chosen(world, case):
    officer = world.api["committee_officer"]
    make_cert, status, code, _ = BAD[case]
    refused = officer.choose_certificate(cert=make_cert(world), expect=status)
    assert refused["code"] == code
    assert officer.get("/auth/office-certificate")["chosen"] is False


def test_the_s3_permit_issued_on_payment_awaits_the_inspector_who_decided_and_is_signed_by_them(world):
    applicant, inspector = world.api["person"], world.api["inspection_officer"]
    app = portal_until_registered(world, applicant, "S3", "assignment")
    inspector.choose_certificate()
    decided = inspector.post(f"/applications/{app['id']}/decision", decision_body(app))
    assert decided["status"] == "registered" and decided["documents"] == []  # the permit waits for the payment
    payment = applicant.post(f"/applications/{app['id']}/payment")
    payer(payment)
    deliver_callbacks(payment)  # the gateway's callback: the automatic step issues the permit
    paid = applicant.get(f"/applications/{app['id']}")
    assert paid["status"] == "completed"
    (doc,) = [d for d in paid["documents"] if d["kind"] == "permit"]
    permit = ResultDocument.objects.get(number=doc["number"])
    assert permit.signer == world.inspection_officer and permit.pdf_sha256 == ""  # not the system seal
    assert doc["signing_status"] == "awaiting_signature"
    # The inspector's queue shows it; a Committee officer cannot even see it.
    assert world.api["committee_officer"].get(f"/documents/{doc['number']}/signing", expect=404)
    signed = inspector.sign_document(doc["number"])
    assert signed["status"] == "signed" and signed["signer_name"]
    pdf = _download(applicant, app["id"], doc["number"])
    status = _validate(world, pdf)[1]
    assert status.bottom_line and status.signing_cert.serial_number == inspector.signing_certificate.serial_number
    from integrations.signatures import subject_identity

    cert = inspector.signing_certificate
    assert subject_identity(cert) == (world.inspection_officer.iin, world.inspection_officer.provider_unit.bin)


def test_the_2015_heads_signature_of_the_result_is_the_heads_own(world):
    from applications.tests.journeys import decide, office_until_decision

    app = portal_until_registered(world, world.api["person"], "S2", "assign")
    app = office_until_decision(world, app)
    app = decide(world.api["executor"], app, "approve")
    assert app["documents"] == []
    head = world.api["head"]
    head.choose_certificate()
    answer = head.post(f"/applications/{app['id']}/result-signature")
    (doc,) = [d for d in answer["documents"] if d["kind"] == "order"]
    assert ResultDocument.objects.get(number=doc["number"]).signer == world.head
    assert world.api["executor"].get(f"/documents/{doc['number']}/signing", expect=403)["code"] == "not_document_signer"
    assert head.sign_document(doc["number"])["status"] == "signed"
    pdf = _download(world.api["person"], app["id"], doc["number"])
    assert _validate(world, pdf)[1].signing_cert.serial_number == head.signing_certificate.serial_number


def _secrets_of(key) -> dict[str, bytes]:
    """Every form the officer's private key could be kept in: PKCS#8 (DER, PEM), PKCS#1 (DER, PEM), and its
    private numbers (the exponent d and the primes p, q) as bytes, hex and decimal. (The modulus is public: it
    is in every certificate, so it is not a secret to look for.)"""
    numbers = key.private_numbers()
    forms = {
        "pkcs8_der": key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()),
        "pkcs1_der": key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                       serialization.NoEncryption()),
    }
    for name, der in list(forms.items()):
        forms[name.replace("der", "pem_body")] = base64.b64encode(der)[64:128]  # a line of the PEM body
    for name, value in (("d", numbers.d), ("p", numbers.p), ("q", numbers.q)):
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        forms[f"{name}_bytes"] = raw[:48]
        forms[f"{name}_hex"] = raw[:48].hex().encode()
        forms[f"{name}_HEX"] = raw[:48].hex().upper().encode()
        forms[f"{name}_dec"] = str(value)[:80].encode()
        forms[f"{name}_b64"] = base64.b64encode(raw)[4:68]
    return forms


def _holds(blob: bytes, forms: dict[str, bytes]) -> list[str]:
    return [name for name, value in forms.items() if value and value in blob]


def test_no_table_and_no_file_of_the_system_holds_an_officers_private_key(world):
    from applications.tests.journeys import decide, pay

    # The officers decide and sign: an S1 licence and an S3 permit after payment, with their own keys.
    s1 = _registered_s1(world)
    decide(world.api["committee_officer"], s1)
    s3 = portal_until_registered(world, world.api["person"], "S3", "assignment")
    decide(world.api["inspection_officer"], s3)
    s3 = pay(world.api["person"], s3)
    assert all(d.pdf_sha256 for d in ResultDocument.objects.filter(application_id__in=[s1["id"], s3["id"]]))
    assert ResultDocument.objects.exclude(signer=None).filter(application_id__in=[s1["id"], s3["id"]]).count() == 2
    forms = _secrets_of(world.key)
    # The finder finds: a row or file holding the key would be reported.
    assert _holds(b"x" + forms["pkcs8_der"] + b"y", forms)

    found = []
    for model in apps.get_models():
        columns = [f for f in model._meta.concrete_fields
                   if isinstance(f, models.CharField | models.TextField | models.BinaryField | models.JSONField
                                 | models.FileField)]
        if not columns:
            continue
        for row in model.objects.values_list(*[f.attname for f in columns]):
            for field, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                blob = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
                hits = _holds(blob, forms)
                if hits:
                    found.append((model._meta.label, field.name, hits))

    folders = [Path(settings.MEDIA_ROOT), Path(settings.ELICENSE_TRUST_DIR)]
    files = 0
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                files += 1
                hits = _holds(path.read_bytes(), forms)
                if hits:
                    found.append((str(path), "", hits))
    assert files > 0  # the signed PDFs at least were looked at
    assert found == []
