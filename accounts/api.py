import base64
import binascii
import datetime
import uuid

from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from accounts.models import ApiToken, LoginAttempt, LoginChallenge, User
from core.errors import DomainError
from integrations import adapters
from integrations.signatures import REASON_MESSAGES, signer_certificate, subject_identity

router = Router(tags=["auth"])


class Credentials(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    kind: str


class Me(Schema):
    username: str
    kind: str
    iin: str
    bin: str
    name: str
    provider_unit: str | None
    roles: list[str]


@router.post("/token", auth=None, response=TokenOut)
def issue_token(request, credentials: Credentials):
    """Log in with a login and password (officers, PSC operators, administrators); returns a bearer token.

    Applicants log in with their EDS and password (`/challenge`, `/certificate-login`), as step 1 of
    the regulation requires; a password alone is refused for them."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise DomainError(_("Authorisation refused: wrong login or password."), code="authorisation_refused", status=401)
    if user.kind == user.Kind.APPLICANT:
        raise DomainError(
            _("Applicants log in with their EDS certificate and password."), code="certificate_required", status=401
        )
    return {"token": ApiToken.issue(user), "kind": user.kind}


@router.get("/me", response=Me)
def me(request):
    u = request.auth
    return {
        "username": u.username, "kind": u.kind, "iin": u.iin, "bin": u.bin,
        "name": u.organisation_name or u.full_name(),
        "provider_unit": u.provider_unit.code if u.provider_unit_id else None,
        "roles": sorted(u.groups.values_list("name", flat=True)),
    }


# -- log-in with an EDS certificate (regulation §3, steps 1-2) ---------------------------------
class ChallengeOut(Schema):
    challenge_id: uuid.UUID
    nonce_b64: str
    expires_at: datetime.datetime


class CertificateLoginIn(Schema):
    challenge_id: str
    cms_b64: str
    password: str


# Refusals of a certificate log-in besides the certificate/signature reasons of integrations.signatures.
LOGIN_REASON_MESSAGES = {
    "challenge_unknown": _("The log-in challenge is unknown; request a new one."),
    "challenge_expired": _("The log-in challenge has expired; request a new one."),
    "challenge_used": _("The log-in challenge has been used already; request a new one."),
    "unknown_person": _("No portal user has the IIN/BIN of this certificate."),
    "wrong_password": _("Wrong password."),
}


@router.post("/challenge", auth=None, response={201: ChallengeOut})
def challenge(request):
    """A one-time nonce to sign (detached CMS) with the authentication key; valid a few minutes, used once."""
    row = LoginChallenge.objects.create()
    return Status(201, {"challenge_id": row.id, "nonce_b64": base64.b64encode(bytes(row.nonce)).decode(),
                        "expires_at": row.expires_at})


@router.post("/certificate-login", auth=None, response=TokenOut)
def certificate_login(request, body: CertificateLoginIn):
    """Log in with the EDS authentication certificate and the portal password; returns a bearer token.

    Each refusal (regulation §3 step 2, "authorisation refused") is 401 `authorisation_refused`
    with `details.reason`, and is recorded in the log-in audit."""
    user = authenticate_certificate(body.challenge_id, body.cms_b64, body.password,
                                    remote_addr=request.META.get("REMOTE_ADDR") or None)
    return {"token": ApiToken.issue(user), "kind": user.kind}


def authenticate_certificate(challenge_id: str, cms_b64: str, password: str, *, remote_addr=None) -> User:
    """The certificate log-in itself (API and portal page alike): the user, or DomainError 401 (audited)."""
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
