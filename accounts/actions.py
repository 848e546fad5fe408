"""The accounts' actions: log-in (challenges, the certificate log-in with its audit and lockout, API tokens
with their expiry and revocation), registration on the portal with an EDS (docs/registration.md), and the
administrator's changes to users and their roles (creating a staff member included); one function per
action."""
from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accounts import lockout
from accounts.models import ApiToken, LoginAttempt, LoginChallenge, User
from audit import actions as audit
from core.errors import DomainError
from core.identifiers import IdentifierError, parse_iin
from integrations import adapters
from integrations.adapters import AdapterUnavailable
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
    signed = _signed_challenge(challenge_id, cms_b64, timezone.now())
    iin, bin_, result = signed.iin, signed.bin, signed.result
    attempt.iin, attempt.bin, attempt.certificate_serial = iin, bin_, signed.serial
    attempt.challenge_id = signed.row.id if signed.row else None
    if signed.reason:
        return _refuse(attempt, signed.reason, request)
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
    role = company_role_of(result, bin_)
    if user.company_role != role:  # the certificate says what the person is in the company today
        user.company_role = role
        user.save(update_fields=["company_role"])
    attempt.outcome = "ok"
    _save_attempt(attempt, request)
    return user


def company_role_of(result, bin_: str) -> str:
    """The company role an EDS check read from the certificate's role OIDs (X509SignatureVerifier: first_head,
    signing_right, employee); "" for a person's own certificate."""
    role = result.details.get("role", "") if bin_ else ""
    return role if role in User.CompanyRole.values else ""


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


@dataclass
class SignedChallenge:
    """A log-in challenge signed with an authentication certificate, as the log-in and registration check it."""

    iin: str = ""
    bin: str = ""
    serial: str = ""  # the certificate's serial (hex), "" when the CMS carries none
    row: LoginChallenge | None = None
    result: object = None  # the signature check (adapters.signatures().verify), once the challenge was usable
    reason: str = ""  # why it is refused ("" when it is not)


def _signed_challenge(challenge_id: str, cms_b64: str, now) -> SignedChallenge:
    """The certificate's identity, the challenge used up (once, whatever the outcome) and the signature verified
    with the log-in's rules (purpose "auth")."""
    try:
        cms = base64.b64decode(cms_b64, validate=True)
    except (binascii.Error, ValueError):
        cms = b""
    signed = SignedChallenge()
    cert = signer_certificate(cms) if cms else None
    if cert is not None:
        try:
            signed.iin, signed.bin = subject_identity(cert)
        except ValueError:
            pass
        signed.serial = format(cert.serial_number, "x")
    signed.row, signed.reason = _consume_challenge(challenge_id, now)
    if not signed.reason:
        signed.result = adapters.signatures().verify(bytes(signed.row.nonce), cms, applicant_iin=signed.iin,
                                                     applicant_bin=signed.bin, at=now, purpose="auth")
        if not signed.result.valid:
            signed.reason = signed.result.reason
    return signed


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


# -- registration on the portal with an EDS (§3 step 1, docs/registration.md) -----------------------------
# How long the identity a certificate proved stays good for setting the password (the registration page).
REGISTRATION_SECONDS = 10 * 60

REGISTRATION_REASON_MESSAGES = {
    "already_registered": _("An account with the IIN/BIN of this certificate exists already: log in with it."),
    "registry_not_found": _("The state database has no record of the IIN/BIN of this certificate, so you cannot "
                            "register. Ask the public service centre to check your data in the state database."),
    "deceased": _("The state database «Individuals» records the holder of this certificate as deceased: "
                  "registration is not possible."),
    "liquidated": _("The state database «Legal entities» records the organisation of this certificate as "
                    "liquidated: registration is not possible."),
    "registry_unavailable": _("The state database cannot be reached now; try again in a few minutes."),
    "registration_expired": _("The registration has expired or was finished already; sign with your EDS again."),
}


class RegistrationRefused(DomainError):
    code = "registration_refused"
    status = 409


# Django's password validators (settings.AUTH_PASSWORD_VALIDATORS) by their error codes, in the project's own words:
# Django's Kazakh catalogue has none of their messages.
PASSWORD_MESSAGES = {
    "password_too_short": ngettext_lazy(
        "The password is too short: it must have at least %(min_length)d character.",
        "The password is too short: it must have at least %(min_length)d characters.", "min_length"),
    "password_too_common": _("The password is too common: choose one that is hard to guess."),
    "password_entirely_numeric": _("The password cannot be only digits."),
    "password_too_similar": _("The password is too like your name or your login."),
}


def password_problems(password: str, user: User) -> str:
    """What Django's password validators find wrong with ``password`` for ``user`` (localised), or ""."""
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as err:
        texts = []
        for error in err.error_list:
            message = PASSWORD_MESSAGES.get(error.code)
            texts.append(str(message % (error.params or {}) if message is not None and error.params else
                             message if message is not None else error.messages[0]))
        return " ".join(texts)
    return ""


class PasswordRefused(DomainError):
    code = "password_invalid"
    status = 422
    default_message = _("The password cannot be used.")


def _registration_refused(reason: str, *, request=None, iin="", bin_="", serial="", status=None):
    audit.record(audit.Kind.REGISTRATION, request=request, data={
        "outcome": reason, "iin": iin, "bin": bin_, "certificate_serial": serial})
    message = REGISTRATION_REASON_MESSAGES.get(reason) or LOGIN_REASON_MESSAGES.get(reason) \
        or REASON_MESSAGES.get(reason) or REASON_MESSAGES["malformed"]
    raise RegistrationRefused(format_lazy("{} {}", _("Registration refused."), message), reason=reason,
                              status=status)


def begin_registration(challenge_id: str, cms_b64: str, *, request=None) -> dict:
    """Step 1 of registration: the person signs a one-time challenge with the authentication key (the same
    checks as the log-in: adapters.signatures().verify(..., purpose="auth")); the IIN (and the BIN) are
    read from the certificate, the name and address from the registry (Individuals; Legal entities for a
    BIN). The challenge is used up whatever the outcome. Returns the pending registration (plain data, kept
    by the page in the server-side session: nobody types an IIN) for ``register_applicant``; refused with
    RegistrationRefused (audited) for an invalid certificate, a person registered already, a person the
    registry does not know or records as deceased, a liquidated company."""
    now = timezone.now()
    signed = _signed_challenge(challenge_id, cms_b64, now)
    iin, bin_, serial, row, result = signed.iin, signed.bin, signed.serial, signed.row, signed.result
    facts = {"request": request, "iin": iin, "bin_": bin_, "serial": serial}
    if signed.reason:
        _registration_refused(signed.reason, **facts)
    known = list(User.objects.filter(iin=iin, bin=bin_)[:2])
    if len(known) > 1 or (known and not _completes_registration(known[0])):
        _registration_refused("already_registered", **facts)
    try:
        person = adapters.registry().individual(iin)
        company = adapters.registry().legal_entity(bin_) if bin_ else None
    except AdapterUnavailable:
        _registration_refused("registry_unavailable", status=503, **facts)
    for found in (person, company):
        unusable = found.unusable_reason if found is not None else ""
        if unusable:
            _registration_refused("registry_not_found" if unusable == "not_found" else unusable, **facts)
    return {
        "challenge_id": str(row.pk), "verified_at": now.isoformat(), "iin": iin, "bin": bin_,
        "company_role": company_role_of(result, bin_), "certificate_serial": serial,
        "last_name": person.data.get("last_name", ""), "first_name": person.data.get("first_name", ""),
        "patronymic": person.data.get("patronymic", ""),
        "organisation_name": company.name if company is not None else "",
        "address": (company.data if company is not None else person.data).get("address", ""),
    }


def register_applicant(pending: dict, password1: str, password2: str, *, request=None) -> User:
    """Step 2 of registration: the person sets their portal password (twice; Django's password validators)
    and the applicant account is made, registered on the portal now, in one transaction with its audit row.
    ``pending`` is what ``begin_registration`` returned (valid REGISTRATION_SECONDS); it makes one account
    only: once made, the same pending registration is refused (already_registered)."""
    try:
        verified_at = datetime.datetime.fromisoformat(pending["verified_at"])
        iin, bin_ = pending["iin"], pending["bin"]
    except (KeyError, TypeError, ValueError):
        raise RegistrationRefused(REGISTRATION_REASON_MESSAGES["registration_expired"],
                                  reason="registration_expired") from None
    now = timezone.now()
    if now - verified_at > datetime.timedelta(seconds=REGISTRATION_SECONDS):
        raise RegistrationRefused(REGISTRATION_REASON_MESSAGES["registration_expired"], reason="registration_expired")
    if password1 != password2:
        raise PasswordRefused(_("The two passwords differ: type the same password twice."), field="password2")
    candidate = User(username=_username_for(iin, bin_), last_name=pending.get("last_name", ""),
                     first_name=pending.get("first_name", ""), iin=iin, bin=bin_)
    problems = password_problems(password1, candidate)
    if problems:
        raise PasswordRefused(problems, field="password1")
    with transaction.atomic():
        existing = list(User.objects.select_for_update().filter(iin=iin, bin=bin_))
        unregistered = [u for u in existing if _completes_registration(u)]
        if len(existing) > 1 or (existing and not unregistered):
            user = None  # registered already (by this pending registration or another)
        else:
            user = unregistered[0] if unregistered else candidate
            _make_applicant(user, pending, password1, now, request)
    if user is None:  # refused (and audited) outside the transaction, which made nothing
        _registration_refused("already_registered", request=request, iin=iin, bin_=bin_,
                              serial=pending.get("certificate_serial", ""))
    return user


def _make_applicant(user: User, pending: dict, password: str, now, request) -> None:
    """The account as registration leaves it, saved with its audit row (in the caller's transaction)."""
    for name in ("last_name", "first_name", "patronymic", "organisation_name", "address", "company_role"):
        setattr(user, name, pending.get(name, "") or "")
    user.kind, user.portal_registered_at, user.is_active = User.Kind.APPLICANT, now, True
    user.set_password(password)
    user.save()
    audit.record(audit.Kind.REGISTRATION, actor=user, subject=user, request=request, data={
        "outcome": "ok", "iin": user.iin, "bin": user.bin, "company_role": user.company_role,
        "certificate_serial": pending.get("certificate_serial", ""), "username": user.username,
        "challenge_id": pending.get("challenge_id", "")})


def _completes_registration(user: User) -> bool:
    """An applicant account made before its owner registered (e.g. demo data, or left from an earlier system):
    registration completes it rather than making a second one."""
    return user.kind == User.Kind.APPLICANT and user.is_active and user.portal_registered_at is None


def _username_for(iin: str, bin_: str) -> str:
    """A login name for a registered applicant (they log in with the EDS; the name only has to be unique)."""
    base = f"{iin}-{bin_}" if bin_ else iin
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


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


class StaffRefused(DomainError):
    code = "staff_invalid"
    status = 422


STAFF_KINDS = (User.Kind.OFFICER, User.Kind.PSC_OPERATOR, User.Kind.ADMINISTRATOR)


def create_staff_member(*, actor: User, username: str, kind: str, iin: str, last_name: str, first_name: str,
                        patronymic: str = "", position_kk: str = "", position_ru: str = "", provider_unit=None,
                        roles=(), password: str, request=None) -> User:
    """The administrator makes a staff member: an officer (with their provider unit and the roles = lanes they
    work in), a PSC operator or an administrator, with the IIN their own EDS names (an officer chooses that
    certificate after the password log-in, backoffice/views/auth.py) and the position the documents they sign
    print. The initial password passes Django's validators. Audited (administrative change)."""
    username = (username or "").strip()
    if kind not in STAFF_KINDS:
        raise StaffRefused(_("A staff member is an officer, a PSC operator or an administrator."), field="kind")
    if not username:
        raise StaffRefused(_("The login is required."), field="username")
    try:
        iin = parse_iin(iin).value
    except IdentifierError as err:
        raise StaffRefused(err.message, field="iin") from None
    if not (last_name or "").strip() or not (first_name or "").strip():
        raise StaffRefused(_("The surname and the first name are required."), field="last_name")
    if kind == User.Kind.OFFICER and provider_unit is None:
        raise StaffRefused(_("An officer works in a provider unit: choose it."), field="provider_unit")
    if kind == User.Kind.OFFICER and not ((position_kk or "").strip() and (position_ru or "").strip()):
        raise StaffRefused(_("An officer's position in Kazakh and in Russian is required: the documents they sign "
                             "print it."), field="position_kk")
    if User.objects.filter(username__iexact=username).exists():
        raise StaffRefused(_("This login is taken already."), field="username")
    if User.objects.filter(iin=iin, bin="").exclude(kind=User.Kind.APPLICANT).exists():
        raise StaffRefused(_("A staff member with this IIN exists already."), field="iin")
    member = User(username=username, kind=kind, iin=iin, last_name=last_name.strip(), first_name=first_name.strip(),
                  patronymic=(patronymic or "").strip(), position_kk=(position_kk or "").strip(),
                  position_ru=(position_ru or "").strip(),
                  provider_unit=provider_unit if kind == User.Kind.OFFICER else None)
    problems = password_problems(password, member)
    if problems:
        raise PasswordRefused(problems, field="password1")
    roles = sorted(set(roles)) if kind == User.Kind.OFFICER else []  # a PSC operator's and an administrator's
    # rights come with their kind
    with transaction.atomic():
        member.set_password(password)
        member.save()
        member.groups.set([Group.objects.get_or_create(name=name)[0] for name in roles])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=member, request=request, data={
            "change": "user_created", "username": member.username, "kind": kind, "iin": iin,
            "provider_unit": member.provider_unit_id, "roles": roles})
    return member
