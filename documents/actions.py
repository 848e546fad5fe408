"""State changes of the documents app: the officer's certificate for this log-in, and the officer's signature
of a result document.

**No officer private key is held by the system.** An officer chooses their certificate by signing a one-time
challenge with their own EDS through NCALayer (``issue_challenge`` / ``choose_office_certificate``; the rules and
reads are ``documents.certificates``, re-exported here); the certificate (public) is kept for this log-in in
``OfficeCertificateChoice``. A signing step (the decision, the
head's signature of the result) is an action in ``applications.actions``; it asks
``require_chosen_certificate`` first, whichever interface called it.

After the decision's transaction the task ``documents.tasks.produce_document`` prepares the officer's document
(pyHanko's interrupted signing, ``documents.produce.prepare``); the officer signs its byte range through
NCALayer (``basics.sign``, CMS, detached) and ``sign_document`` checks that CMS — with the applicants'
verifier (chain, validity, revocation, purpose, signing right) plus the officer's rules (the provider's BIN,
the officer's IIN, a head's or signing-right role, the certificate chosen in this log-in) — then embeds it with
a signature timestamp, the validation data and a document timestamp (PAdES B-LTA).
"""
from __future__ import annotations

import hashlib
import secrets

from cryptography import x509
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.certificates import (  # noqa: F401 - the documents app's actions, in one place
    CHALLENGE_LIFETIME_SECONDS,
    OFFICER_ROLES,
    CertificateMismatch,
    CertificateNotChosen,
    CertificateNotOfficers,
    CertificateUnavailable,
    CertificateWrongOrganisation,
    ChallengeInvalid,
    DocumentPreparedForAnotherCertificate,
    NoSigningRight,
    NotAwaitingSignature,
    NotDocumentSigner,
    SignatureInvalid,
    challenge_bytes,
    check_officer_signature,
    chosen_serial,
    decode_cms,
    office_certificate,
    provider_bin,
    require_chosen_certificate,
    serial_of,
    session_holder,
)
from documents.models import CertificateChallenge, OfficeCertificateChoice, SigningSession


# -- choosing the certificate for this log-in ----------------------------------------------------------------
def issue_challenge(user) -> str:
    """A one-time challenge (valid ten minutes) for the officer to sign with the certificate they choose."""
    if user.kind != user.Kind.OFFICER:
        raise CertificateUnavailable(_("Only the provider's officers sign results."))
    value = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        CertificateChallenge.objects.filter(
            user=user, created_at__lt=now - timezone.timedelta(seconds=CHALLENGE_LIFETIME_SECONDS)).delete()
        CertificateChallenge.objects.create(user=user, value=value, created_at=now)
    return value


def choose_office_certificate(user, challenge: str, cms_der: bytes) -> x509.Certificate:
    """The officer chooses their signing certificate for this log-in by signing a challenge of
    ``issue_challenge`` with it (NCALayer, the sign key). The challenge is used up whatever the outcome."""
    from audit import actions as audit

    if user.kind != user.Kind.OFFICER:
        raise CertificateUnavailable(_("Only the provider's officers sign results."))
    now = timezone.now()
    if not isinstance(challenge, str) or not challenge:
        raise ChallengeInvalid()
    with transaction.atomic():
        row = CertificateChallenge.objects.select_for_update().filter(user=user, value=challenge).first()
        if row is None or row.created_at < now - timezone.timedelta(seconds=CHALLENGE_LIFETIME_SECONDS):
            raise ChallengeInvalid()
    CertificateChallenge.objects.filter(pk=row.pk).delete()  # one use, even when the signature fails
    certificate = check_officer_signature(user, challenge_bytes(challenge), cms_der, at=now)
    from cryptography.hazmat.primitives.serialization import Encoding

    with transaction.atomic():
        OfficeCertificateChoice.objects.update_or_create(user=user, defaults={
            "serial": serial_of(certificate), "chosen_at": now,
            "certificate_pem": certificate.public_bytes(Encoding.PEM).decode("ascii")})
        audit.record(audit.Kind.SIGNATURE_CHECK, actor=user, subject=("accounts.user", user.pk), data={
            "purpose": "office_certificate", "result": "ok", "serial": serial_of(certificate)})
    return certificate


# -- signing a result document ---------------------------------------------------------------------------------
def check_signer(document, actor):
    """Only the document's signer, and only while it awaits the signature."""
    if actor is None or document.signer_id is None or document.signer_id != actor.pk:
        raise NotDocumentSigner()
    if document.pdf_sha256:
        raise NotAwaitingSignature()


def signing_request(document, actor) -> tuple[SigningSession, bytes]:
    """What the officer signs for ``document``: its byte range, prepared for the certificate chosen in this
    log-in (prepared again if it was prepared for another one)."""
    from documents.produce import prepare

    check_signer(document, actor)
    serial = require_chosen_certificate(actor)
    session = SigningSession.objects.filter(document=document).first()
    if session is None or session.serial != serial:
        prepare(document, office_certificate(actor))
        session = SigningSession.objects.filter(document=document).first()
        if session is None:  # signed meanwhile
            raise NotAwaitingSignature()
    return session, prepared_of(session).to_be_signed()


def prepared_of(session):
    from documents.signing import Prepared

    with session.prepared_pdf.open("rb") as f:
        pdf = f.read()
    return Prepared(pdf, session.reserved_start, session.reserved_end, bytes.fromhex(session.digest))


def sign_document(document, actor, cms_der: bytes):
    """The officer's signature of a prepared result document: verified over the exact byte range, then
    embedded (pyHanko's ``finish_signing``) with a signature timestamp, the DSS and a document timestamp."""
    from django.core.files.base import ContentFile

    from applications.models import ResultDocument
    from audit import actions as audit
    from documents.signing import finish_pdf
    from registry import cache as registry_cache

    check_signer(document, actor)
    serial = require_chosen_certificate(actor)
    with transaction.atomic():
        locked = ResultDocument.objects.select_for_update().get(pk=document.pk)
        if locked.pdf_sha256:
            raise NotAwaitingSignature()
        session = SigningSession.objects.filter(document=locked).first()
        if session is None:
            raise NotAwaitingSignature(_("The document is still being prepared; try again in a moment."))
        prepared = prepared_of(session)
        payload = prepared.to_be_signed()
        if hashlib.sha256(payload).hexdigest() != session.digest:
            raise NotAwaitingSignature(_("The prepared document is damaged; it will be prepared again."))
        certificate = check_officer_signature(actor, payload, bytes(cms_der or b""))
        if serial_of(certificate) != serial:
            raise CertificateMismatch()
        if session.serial != serial:
            raise DocumentPreparedForAnotherCertificate()
        signed = finish_pdf(prepared, certificate, bytes(cms_der))
        field = locked._meta.get_field("pdf")
        stored = field.storage.save(field.generate_filename(locked, f"{locked.number}.pdf"), ContentFile(signed))
        digest = hashlib.sha256(signed).hexdigest()
        name = actor.full_name() or session_holder(certificate)
        ResultDocument.objects.filter(pk=locked.pk).update(pdf=stored, pdf_sha256=digest, signer_name=name)
        prepared_name = session.prepared_pdf.name
        session.delete()
        audit.record(audit.Kind.SIGNATURE_CHECK, actor=actor, subject=locked, data={
            "purpose": "result_document", "document": locked.number, "result": "ok", "serial": serial,
            "pdf_sha256": digest})
        storage = session.prepared_pdf.storage
        transaction.on_commit(lambda: storage.delete(prepared_name))
        registry_cache.forget_document(locked.number)  # its verification answers show its hash
    document.pdf.name, document.pdf_sha256, document.signer_name = stored, digest, name
    return document
