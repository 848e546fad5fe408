"""State changes of the documents app: the officer's choice of the certificate results are signed with.

A signing step (the decision, the head's signature of the result) is an action in ``applications.actions``;
it asks ``require_chosen_certificate`` first, whichever interface called it — the back office's page, the
API or a command — so that no result is decided by an officer who has not chosen, in this log-in, the
certificate it will be signed with.
"""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from documents import keys
from documents.models import OfficeCertificateChoice


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
    default_message = _("That is not your signing certificate.")


def office_certificate(user):
    """The officer's signing certificate (an x509.Certificate), or None if they have none."""
    try:
        return keys.signing_identity(user).cert
    except RuntimeError:
        return None


def serial_of(certificate) -> str:
    return format(certificate.serial_number, "x")


def choose_office_certificate(user, serial: str):
    """The officer chooses their signing certificate (by its serial, as shown to them) for this log-in."""
    certificate = office_certificate(user)
    if certificate is None:
        raise CertificateUnavailable()
    if not isinstance(serial, str) or serial.strip().lower().removeprefix("0x") != serial_of(certificate):
        raise CertificateMismatch()
    now = timezone.now()
    if not (certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc):
        raise CertificateUnavailable(_("Your signing certificate is not valid today."))
    with transaction.atomic():
        OfficeCertificateChoice.objects.update_or_create(user=user, defaults={"serial": serial_of(certificate),
                                                                              "chosen_at": now})
    return certificate


def chosen_serial(user) -> str:
    """The serial the officer chose in this log-in, if it is still their certificate's; else ""."""
    choice = OfficeCertificateChoice.objects.filter(user=user).first()
    if choice is None or (user.last_login and choice.chosen_at < user.last_login):
        return ""
    certificate = office_certificate(user)
    if certificate is None or serial_of(certificate) != choice.serial:
        return ""
    return choice.serial


def require_chosen_certificate(user) -> str:
    serial = chosen_serial(user)
    if not serial:
        raise CertificateNotChosen()
    return serial
