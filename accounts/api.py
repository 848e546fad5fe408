import base64
import datetime
import uuid

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from accounts import actions
from core.errors import DomainError

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
        raise DomainError(
            _("Authorisation refused: wrong login or password."), code="authorisation_refused", status=401
        )
    if user.kind == user.Kind.APPLICANT:
        raise DomainError(
            _("Applicants log in with their EDS certificate and password."), code="certificate_required", status=401
        )
    return {"token": actions.issue_token(user=user), "kind": user.kind}


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


@router.post("/challenge", auth=None, response={201: ChallengeOut})
def challenge(request):
    """A one-time nonce to sign (detached CMS) with the authentication key; valid a few minutes, used once."""
    row = actions.issue_challenge()
    return Status(201, {"challenge_id": row.id, "nonce_b64": base64.b64encode(bytes(row.nonce)).decode(),
                        "expires_at": row.expires_at})


@router.post("/certificate-login", auth=None, response=TokenOut)
def certificate_login(request, body: CertificateLoginIn):
    """Log in with the EDS authentication certificate and the portal password; returns a bearer token.

    Each refusal (regulation §3 step 2, "authorisation refused") is 401 `authorisation_refused`
    with `details.reason`, and is recorded in the log-in audit."""
    user = actions.authenticate_certificate(body.challenge_id, body.cms_b64, body.password,
                                            remote_addr=request.META.get("REMOTE_ADDR") or None)
    return {"token": actions.issue_token(user=user), "kind": user.kind}
