"""The accounts' actions: log-in (challenges, the certificate log-in with its audit and lockout, API tokens
with their expiry and revocation) and the administrator's changes to users and their roles; one function
per action."""
from __future__ import annotations

import base64
import binascii
import datetime
import uuid

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import lockout
from accounts.models import ApiToken, LoginAttempt, LoginChallenge, User
from audit import actions as audit
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
SESSION_CHALLENGE_KEY = "login_challenge"
# A challenge kept in the visitor's session is offered again while it has at least this long to run.
CHALLENGE_REUSE_MARGIN = datetime.timedelta(seconds=60)


def issue_challenge() -> LoginChallenge:
    """A one-time nonce to sign with the authentication key (valid a few minutes, used once)."""
    return LoginChallenge.objects.create()


def session_challenge(session) -> LoginChallenge:
    """The portal log-in page's challenge: the one kept in ``session`` while it is unused and valid for a
    while yet, else a new one (kept there). Reloading the page does not write a row each time."""
    now = timezone.now()
    pk = session.get(SESSION_CHALLENGE_KEY)
    row = None
    if pk:
        try:
            row = LoginChallenge.objects.filter(pk=uuid.UUID(str(pk)), used_at__isnull=True,
                                                expires_at__gt=now + CHALLENGE_REUSE_MARGIN).first()
        except ValueError:
            row = None
    if row is None:
        row = issue_challenge()
        session[SESSION_CHALLENGE_KEY] = str(row.pk)
    return row


def purge_challenges(*, now=None) -> int:
    """Delete the challenges used or expired (they can serve no log-in; LoginAttempt keeps their id)."""
    now = now or timezone.now()
    deleted, _counts = LoginChallenge.objects.filter(
        Q(used_at__isnull=False) | Q(expires_at__lte=now)).delete()
    return deleted


def issue_token(*, user: User, request=None, method: str = "password") -> str:
    """A new bearer token for ``user``, valid for the configured lifetime (accounts.models.token_lifetime);
    the key is returned once, only its hash is stored. The API log-in is audited (``method``: how the user
    proved who they are)."""
    key = ApiToken.issue(user)
    audit.record(audit.Kind.TOKEN_ISSUED, actor=user, request=request,
                 data={"method": method, "token": ApiToken.hash(key)[:8]})
    return key


def own_tokens(*, user: User):
    """``user``'s tokens still valid (not revoked, not expired), newest first."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True,
                                   expires_at__gt=timezone.now()).order_by("-created_at", "-id")


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (someone else's id: DoesNotExist, as if it did not exist)."""
    row = ApiToken.objects.get(pk=token_id, user=user, revoked_at__isnull=True)
    row.revoked_at = timezone.now()
    row.save(update_fields=["revoked_at"])
    audit.record(audit.Kind.TOKEN_REVOKED, actor=user, data={"token": row.short_id})
    return row


def authenticate_certificate(challenge_id: str, cms_b64: str, password: str, *, remote_addr=None,
                             request=None) -> User:
    """The certificate log-in itself (API and portal page alike): the user, or DomainError 401 (audited).

    With ``request``, the password step goes through django-axes like every other log-in (ADR 0014): a
    locked-out account or address is refused (LockedOut, 429) before the password is checked, and a wrong
    password counts towards the lockout.

    Not one transaction on purpose: the challenge stays used and the audit row stays written when the
    log-in is refused."""
    if request is not None and remote_addr is None:
        remote_addr = lockout.client_ip(request)
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
        return _refuse(attempt, reason, request)
    result = adapters.signatures().verify(
        bytes(row.nonce), cms, applicant_iin=iin, applicant_bin=bin_, at=now, purpose="auth"
    )
    if not result.valid:
        return _refuse(attempt, result.reason, request)
    users = list(User.objects.filter(iin=iin, bin=bin_, is_active=True)[:2])
    if len(users) != 1:
        return _refuse(attempt, "unknown_person", request)
    user = users[0]
    attempt.user = user
    try:
        lockout.refuse_if_locked_out(request, user.username)
    except lockout.LockedOut:
        attempt.outcome = "locked_out"
        _save_attempt(attempt, request)
        raise
    if not user.check_password(password):
        if lockout.password_failed(request, user.username):
            attempt.outcome = "locked_out"
            _save_attempt(attempt, request)
            raise lockout.LockedOut()
        return _refuse(attempt, "wrong_password", request)
    attempt.outcome = "ok"
    _save_attempt(attempt, request)
    return user


def _save_attempt(attempt: LoginAttempt, request) -> None:
    """The log-in audit row, and its entry in the audit log (the certificate's check included)."""
    attempt.save()
    ok = attempt.outcome == "ok"
    audit.record(audit.Kind.LOGIN if ok else audit.Kind.LOGIN_FAILED, actor=attempt.user if ok else None,
                 request=request, address=attempt.remote_addr,
                 data={"method": "certificate", "outcome": attempt.outcome, "iin": attempt.iin, "bin": attempt.bin,
                       "certificate_serial": attempt.certificate_serial,
                       "username": attempt.user.username if attempt.user else ""})
    if ok and request is not None:
        request.audit_login_recorded = True  # the session log-in that follows is this one


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


def _refuse(attempt: LoginAttempt, reason: str, request=None):
    attempt.outcome = reason
    _save_attempt(attempt, request)
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
        before = {"kind": user.kind, "provider_unit": user.provider_unit_id, "is_active": user.is_active,
                  "roles": sorted(user.groups.values_list("name", flat=True))}
        user.kind, user.provider_unit, user.is_active = kind, provider_unit, is_active
        user.save(update_fields=["kind", "provider_unit", "is_active"])
        user.groups.set([Group.objects.get_or_create(name=name)[0] for name in roles])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=user, data={
            "change": "user_roles", "username": user.username, "before": before,
            "after": {"kind": kind, "provider_unit": user.provider_unit_id, "is_active": is_active,
                      "roles": sorted(roles)}})
    return user
