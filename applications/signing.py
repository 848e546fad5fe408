"""Binding signatures to what was shown: the canonical bytes of a revision."""
from __future__ import annotations

import hashlib

from applications.models import Attachment, Revision, Signature
from integrations import adapters
from integrations.signatures import canonical_bytes


def revision_content(application) -> dict:
    attachments = Attachment.objects.filter(application=application).order_by("id").values(
        "document_code", "original_name", "sha256", "is_scan"
    )
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
    return Revision.objects.create(
        application=application, content=content, sha256=hashlib.sha256(canonical_bytes(content)).hexdigest()
    )


def current_revision(application) -> Revision | None:
    return application.revisions.order_by("-id").first()


def signing_payload(application) -> bytes:
    """The exact bytes the applicant signs: the canonical form of the latest revision."""
    revision = current_revision(application)
    return canonical_bytes(revision.content)


def latest_signature(application) -> Signature | None:
    """The current signing attempt (read once per request object)."""
    if getattr(application, "_latest_signature", None) is None:
        application._latest_signature = application.signatures.order_by("-id").first()
    return application._latest_signature


def check_chosen_certificate(application, at):
    signature = latest_signature(application)
    result = adapters.signatures().check_certificate(
        signature.certificate_pem.encode(), applicant_iin=application.applicant_iin,
        applicant_bin=application.applicant_bin, purpose="sign", at=at,
    )
    Signature.objects.filter(pk=signature.pk).update(
        certificate_check=result.reason, signer_iin=result.subject_iin or "", signer_bin=result.subject_bin or ""
    )
    return result


def verify_latest_signature(application, at):
    signature = latest_signature(application)
    revision = signature.revision
    # The revision's bytes must still be what the request holds now.
    if revision.sha256 != hashlib.sha256(canonical_bytes(revision_content(application))).hexdigest():
        result = _Changed()
    else:
        result = adapters.signatures().verify(
            canonical_bytes(revision.content), bytes(signature.cms), applicant_iin=application.applicant_iin,
            applicant_bin=application.applicant_bin, at=at,
        )
    Signature.objects.filter(pk=signature.pk).update(signature_check=result.reason, signed_at=at)
    return result


class _Changed:
    valid = False
    reason = "content_changed"
