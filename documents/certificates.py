"""The officer's rules and the certificate chosen for this log-in — checks and reads only; the state changes
(choosing, signing) are ``documents.actions``, which re-exports these. ``applications.actions`` asks
``require_chosen_certificate`` before a signing step from here: this module does not reach the rendering and
signing code.

No officer private key is held by the system: an officer proves the certificate by signing a one-time challenge
with their own EDS through NCALayer; its public part is kept in ``OfficeCertificateChoice`` for this log-in.
"""
from __future__ import annotations

import base64

from cryptography import x509
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from documents.models import OfficeCertificateChoice
from integrations import adapters
from integrations.signatures import REASON_MESSAGES, signer_certificate, subject_identity

OFFICER_ROLES = ("first_head", "signing_right")
CHALLENGE_LIFETIME_SECONDS = 600
CHALLENGE_PREFIX = "e-licensing office certificate "


class CertificateNotChosen(DomainError):
    code = "certificate_not_chosen"
    status = 409
    default_message = _("Choose your certificate first: the result is signed with it.")


class CertificateUnavailable(DomainError):
    code = "certificate_unavailable"
    status = 409
    default_message = _("You have no signing certificate this system can use.")


class CertificateMismatch(DomainError):
    code = "certificate_mismatch"
    status = 422
    default_message = _("Sign with the certificate you chose in this log-in.")


class ChallengeInvalid(DomainError):
    code = "challenge_invalid"
    status = 422
    default_message = _("The challenge is unknown, used or expired: get a new one and sign it.")


class SignatureInvalid(DomainError):
    code = "signature_invalid"
    status = 422
    default_message = _("The signature does not match the signed document.")


class CertificateNotOfficers(DomainError):
    code = "certificate_not_officers"
    status = 422
    default_message = _("The certificate's IIN is not the IIN of your account: sign with your own EDS.")


class CertificateWrongOrganisation(DomainError):
    code = "certificate_wrong_organisation"
    status = 422
    default_message = _("The certificate is not an employee certificate of your organisation: its BIN is not the "
                        "provider's.")


class NoSigningRight(DomainError):
    code = "no_signing_right"
    status = 422
    default_message = _("The certificate gives no right to sign on behalf of the organisation.")


class NotDocumentSigner(DomainError):
    code = "not_document_signer"
    status = 403
    default_message = _("Only the officer who decided may sign this document.")


class NotAwaitingSignature(DomainError):
    code = "document_not_awaiting_signature"
    status = 409
    default_message = _("This document is not awaiting a signature.")


class DocumentPreparedForAnotherCertificate(DomainError):
    code = "signing_bytes_stale"
    status = 409
    default_message = _("The document was prepared for another certificate: get the bytes to sign again.")


# -- the officer's rules ---------------------------------------------------------------------------------
def serial_of(certificate) -> str:
    return format(certificate.serial_number, "x")


def provider_bin(user) -> str:
    unit = getattr(user, "provider_unit", None)
    if unit is not None:
        return unit.signing_bin
    from django.conf import settings

    return getattr(settings, "ELICENSE_PROVIDER_BIN", "")


def check_officer_signature(user, payload: bytes, cms_der: bytes, *, at=None) -> x509.Certificate:
    """The officer's CMS over ``payload``: the applicants' checks (adapters.signatures(): signature, chain,
    validity, revocation, purpose "sign", signing right), then the officer's: the provider's BIN, a head's or
    signing-right role, the officer's own IIN. Returns the certificate; raises a DomainError."""
    at = at or timezone.now()
    if not isinstance(cms_der, bytes | bytearray) or not cms_der:
        raise SignatureInvalid(REASON_MESSAGES["malformed"], reason="malformed")
    claimed = signer_certificate(bytes(cms_der))
    if claimed is None:
        raise SignatureInvalid(REASON_MESSAGES["malformed"], reason="malformed")
    try:
        iin, bin_ = subject_identity(claimed)
    except ValueError:
        raise SignatureInvalid(REASON_MESSAGES["malformed"], reason="malformed") from None
    result = adapters.signatures().verify(payload, bytes(cms_der), applicant_iin=iin, applicant_bin=bin_, at=at,
                                          purpose="sign")
    if not result.valid:
        if result.reason == "no_signing_right":
            raise NoSigningRight(result.message, reason=result.reason)
        raise SignatureInvalid(result.message, reason=result.reason)
    expected_bin = provider_bin(user)
    if not expected_bin or bin_ != expected_bin:
        raise CertificateWrongOrganisation(certificate_bin=bin_)
    if result.details.get("role") not in OFFICER_ROLES:
        raise NoSigningRight()
    if not user.iin or iin != user.iin:
        raise CertificateNotOfficers()
    return claimed


# -- choosing the certificate for this log-in ----------------------------------------------------------------
def challenge_bytes(value: str) -> bytes:
    """What the officer signs to prove the certificate: ASCII text naming the challenge."""
    return f"{CHALLENGE_PREFIX}{value}".encode("ascii")


def _choice(user, *, this_login: bool = True) -> OfficeCertificateChoice | None:
    choice = OfficeCertificateChoice.objects.filter(user=user).exclude(certificate_pem="").first()
    if choice is None:
        return None
    if this_login and user.last_login and choice.chosen_at < user.last_login:
        return None
    return choice


def _certificate(choice) -> x509.Certificate:
    return x509.load_pem_x509_certificate(choice.certificate_pem.encode("ascii"))


def office_certificate(user, *, this_login: bool = True) -> x509.Certificate | None:
    """The certificate the officer chose (in this log-in, unless ``this_login`` is False), or None."""
    choice = _choice(user, this_login=this_login)
    return _certificate(choice) if choice is not None else None


def chosen_serial(user) -> str:
    """The serial the officer chose in this log-in, if that certificate is valid now; else ""."""
    choice = _choice(user)
    if choice is None:
        return ""
    certificate = _certificate(choice)
    now = timezone.now()
    if not (certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc):
        return ""
    return choice.serial


def require_chosen_certificate(user) -> str:
    serial = chosen_serial(user)
    if not serial:
        raise CertificateNotChosen()
    return serial


def session_holder(certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return names[0].value if names else ""


def decode_cms(cms_b64: str) -> bytes:
    """A CMS given as base64 (API, forms); a bad value is a localised 422."""
    try:
        value = base64.b64decode((cms_b64 or "").strip(), validate=True)
    except (ValueError, TypeError):
        value = b""
    if not value:
        raise SignatureInvalid(REASON_MESSAGES["malformed"], reason="malformed")
    return value
