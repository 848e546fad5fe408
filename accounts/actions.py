"""The accounts' actions: log-in (challenges, the certificate log-in with its audit, API tokens) and the
administrator's changes to users and their roles; one function per action."""
from __future__ import annotations

import base64
import binascii
import uuid

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, LoginAttempt, LoginChallenge, User
from core.errors import DomainError
from integrations import adapters
from integrations.signatures import REASON_MESSAGES, signer_certificate, subject_identity

# Refusals of a certificate log-in besides the certificate/signature reasons of integrations.signatures.
LOGIN_REASON_MESSAGES = {
    "challenge_unknown": _("The log-in challenge is unknown; request a new one."),
    "challenge_expired": _("The log-in challenge has expired; request a new one."),
    "challenge_used": _("The log-in challenge has been used already; request a new one."),
    "unknown_person": _("No portal user has the IIN/BIN of this certificate."),
    "wrong_password": _("Wrong password."),
}


class CannotDeactivateSelf(DomainError):
    code = "cannot_deactivate_self"
    status = 409
    default_message = _("You cannot deactivate yourself.")


# -- log-in ----------------------------------------------------------------------------------------
def issue_challenge() -> LoginChallenge:
    """A one-time nonce to sign with the authentication key (valid a few minutes, used once)."""
    return LoginChallenge.objects.create()


def issue_token(*, user: User) -> str:
    """A new bearer token for ``user``; the key is returned once, only its hash is stored."""
    return ApiToken.issue(user)


def authenticate_certificate(challenge_id: str, cms_b64: str, password: str, *, remote_addr=None) -> User:
    """The certificate log-in itself (API and portal page alike): the user, or DomainError 401 (audited).

    Not one transaction on purpose: the challenge stays used and the audit row stays written when the
    log-in is refused."""
    attempt = LoginAttempt(remote_addr=remote_addr)
    try:
        cms = base64.b64decode(cms_b64, validate=True)
    except (binascii.Error, ValueError):
        cms = b""
    cert = signer_certificate(cms) if cms else None
    iin = bin_ = ""
    if cert is not None:
        try:
            iin, bin_ = subject_identity(cert)
        except ValueError:
            pass
        attempt.certificate_serial = format(cert.serial_number, "x")
    attempt.iin, attempt.bin = iin, bin_

    now = timezone.now()
    row, reason = _consume_challenge(challenge_id, now)
    attempt.challenge_id = row.id if row else None
    if reason:
        return _refuse(attempt, reason)
    result = adapters.signatures().verify(
        bytes(row.nonce), cms, applicant_iin=iin, applicant_bin=bin_, at=now, purpose="auth"
    )
    if not result.valid:
        return _refuse(attempt, result.reason)
    users = list(User.objects.filter(iin=iin, bin=bin_, is_active=True)[:2])
    if len(users) != 1:
        return _refuse(attempt, "unknown_person")
    user = users[0]
    attempt.user = user
    if not user.check_password(password):
        return _refuse(attempt, "wrong_password")
    attempt.outcome = "ok"
    attempt.save()
    return user


def _consume_challenge(challenge_id: str, now) -> tuple[LoginChallenge | None, str]:
    """Mark the challenge used in one UPDATE (so two attempts cannot both use it); (row, refusal reason)."""
    try:
        pk = uuid.UUID(str(challenge_id))
    except ValueError:
        return None, "challenge_unknown"
    taken = LoginChallenge.objects.filter(pk=pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    row = LoginChallenge.objects.filter(pk=pk).first()
    if row is None:
        return None, "challenge_unknown"
    if not taken:
        return row, "challenge_used" if row.used_at is not None else "challenge_expired"
    return row, ""


def _refuse(attempt: LoginAttempt, reason: str):
    attempt.outcome = reason
    attempt.save()
    message = LOGIN_REASON_MESSAGES.get(reason) or REASON_MESSAGES.get(reason) or REASON_MESSAGES["malformed"]
    raise DomainError(format_lazy("{} {}", _("Authorisation refused."), message), code="authorisation_refused",
                      status=401, reason=reason)


# -- users and roles (the administrator) -------------------------------------------------------------
def update_user(*, user: User, actor: User, kind: str, provider_unit, is_active: bool, roles) -> User:
    """Set a staff member's kind, provider unit and active flag, and grant exactly ``roles`` (the groups
    not named are revoked). Nobody deactivates themselves (CannotDeactivateSelf)."""
    if user.pk == actor.pk and not is_active:
        raise CannotDeactivateSelf()
    with transaction.atomic():
        user.kind, user.provider_unit, user.is_active = kind, provider_unit, is_active
        user.save(update_fields=["kind", "provider_unit", "is_active"])
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in roles])
    return user
