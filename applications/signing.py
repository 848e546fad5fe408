"""Binding signatures to what was shown: the canonical bytes of a revision.

The actions check a certificate or a signature before they complete their step
(to answer "revocation status unavailable, try later" without moving the
process) and hand the result to the engine's operation in the run's context
(applications.actions → workflow.engine.complete_user_task), so each is
checked once per attempt.
"""
from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import Attachment, Revision, Signature
from core.prepared import Prepared
from integrations import adapters
from integrations.signatures import REASON_MESSAGES, CheckResult, canonical_bytes

CONTENT_CHANGED_MESSAGE = _("The request was changed after it was signed.")


# What a revision names of the request's attachments (compiled once per connection: the signature's check reads it).
ATTACHMENTS = Prepared(lambda application_id: Attachment.objects.filter(application_id=application_id).order_by("id")
                       .values("document_code", "original_name", "sha256", "is_scan"))


def revision_content(application) -> dict:
    attachments = ATTACHMENTS.all(application_id=application.pk)
    return {
        "application": application.pk,
        "service": application.service,
        "sub_kind": application.sub_kind,
        "channel": application.channel,
        "applicant": {"iin": application.applicant_iin, "bin": application.applicant_bin},
        "form": application.form_data,
        "attachments": list(attachments),
    }


def freeze_revision(application) -> Revision:
    content = revision_content(application)
    revision = Revision.objects.create(
        application=application, content=content, sha256=hashlib.sha256(canonical_bytes(content)).hexdigest()
    )
    application.current_revision = revision
    type(application).objects.filter(pk=application.pk).update(current_revision=revision)
    return revision


def current_revision(application) -> Revision | None:
    """The revision to sign and decide on (the latest frozen)."""
    return application.current_revision


def signing_payload(application) -> bytes:
    """The exact bytes the applicant signs: the canonical form of the latest revision."""
    revision = current_revision(application)
    return canonical_bytes(revision.content)


def latest_signature(application) -> Signature | None:
    """The current signing attempt."""
    return application.signatures.order_by("-id").first()


def signer_identity(application) -> tuple[str, str]:
    """The IIN and BIN the signing certificate must name: the applicant's, or — a request filed by a
    representative under a power of attorney (docs/representatives.md) — the representative's own."""
    if application.representative_user_id is not None:
        representative = application.representative_user
        return representative.iin, representative.bin
    return application.applicant_iin, application.applicant_bin


def certificate_check(application, signature: Signature, at) -> CheckResult:
    """Check the attempt's certificate (validity, revocation, purpose, IIN/BIN) and note the outcome on the
    attempt object (not saved)."""
    iin, bin_ = signer_identity(application)
    result = adapters.signatures().check_certificate(
        signature.certificate_pem.encode(), applicant_iin=iin, applicant_bin=bin_, purpose="sign", at=at,
    )
    signature.certificate_check = result.reason
    signature.signer_iin, signature.signer_bin = result.subject_iin or "", result.subject_bin or ""
    return result


def signature_check(application, signature: Signature, at) -> CheckResult:
    """Verify the attempt's CMS over its revision and note the outcome on the attempt object (not saved)."""
    result = verify_signature(application, signature, at)
    signature.signature_check, signature.signed_at = result.reason, at
    return result


def check_chosen_certificate(application, at, signature: Signature | None = None) -> CheckResult:
    """Check the certificate of the signing attempt (default: the latest) and record the outcome on it."""
    signature = signature or latest_signature(application)
    result = certificate_check(application, signature, at)
    Signature.objects.filter(pk=signature.pk).update(
        certificate_check=signature.certificate_check, signer_iin=signature.signer_iin, signer_bin=signature.signer_bin)
    return result


def verify_latest_signature(application, at, signature: Signature | None = None) -> CheckResult:
    """Verify the signing attempt's CMS (default: the latest attempt's) and record the outcome on it."""
    signature = signature or latest_signature(application)
    result = signature_check(application, signature, at)
    Signature.objects.filter(pk=signature.pk).update(signature_check=signature.signature_check, signed_at=at)
    return result


def content_unchanged(application, revision, payload: bytes | None = None) -> bool:
    """The revision is intact and the request (form, attachments) still is exactly that revision.
    ``payload``: the revision's canonical bytes, if the caller has made them."""
    frozen = hashlib.sha256(canonical_bytes(revision.content) if payload is None else payload).hexdigest()
    if revision.sha256 != frozen:
        return False
    return hashlib.sha256(canonical_bytes(revision_content(application))).hexdigest() == frozen


def verify_signature(application, signature, at) -> CheckResult:
    """Verify ``signature`` over its revision's bytes at ``at``; a request changed since is ``content_changed``."""
    revision = signature.revision
    payload = canonical_bytes(revision.content)
    if not content_unchanged(application, revision, payload):
        return CheckResult(False, "content_changed", details={"revision_sha256": revision.sha256})
    iin, bin_ = signer_identity(application)
    return adapters.signatures().verify(payload, bytes(signature.cms), applicant_iin=iin, applicant_bin=bin_, at=at)


def reason_message(reason: str):
    return CONTENT_CHANGED_MESSAGE if reason == "content_changed" else REASON_MESSAGES.get(reason, reason)


def signed_signature(application) -> Signature | None:
    """The latest signature that carries a CMS (the one the request was, or was attempted to be, signed with)."""
    return application.signatures.exclude(cms=None).select_related("revision").order_by("-id").first()


def reverify(application, signature, at=None) -> dict:
    """A fresh verification now: the stored CMS over the revision's bytes, and the request unchanged since."""
    at = at or timezone.now()
    result = verify_signature(application, signature, at)
    return {"valid": result.valid, "reason": result.reason, "message": str(reason_message(result.reason)),
            "checked_at": at, "content_unchanged": content_unchanged(application, signature.revision),
            "details": result.details}
