import base64
import datetime
import uuid

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status

from accounts import actions
from accounts.lockout import LockedOut
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
    if getattr(request, "axes_locked_out", False):  # django-axes (ADR 0014): AxesMiddleware answers 429
        raise LockedOut()
    if user is None:
        raise DomainError(
            _("Authorisation refused: wrong login or password."), code="authorisation_refused", status=401
        )
    if user.kind == user.Kind.APPLICANT:
        raise DomainError(
            _("Applicants log in with their EDS certificate and password."), code="certificate_required", status=401
        )
    return {"token": actions.issue_token(user=user, request=request), "kind": user.kind}


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
    user = actions.authenticate_certificate(body.challenge_id, body.cms_b64, body.password, request=request)
    return {"token": actions.issue_token(user=user, request=request, method="certificate"), "kind": user.kind}


# -- the caller's own tokens: list, revoke, log out (ADR 0014) -----------------------------------------
class TokenInfo(Schema):
    id: int
    short_id: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    last_used_at: datetime.datetime | None
    current: bool


class Revoked(Schema):
    id: int
    revoked_at: datetime.datetime


@router.get("/tokens", response=list[TokenInfo])
def list_tokens(request):
    """Your API tokens still valid (the key itself is never shown again): created, expires, last used."""
    current = getattr(getattr(request, "api_token", None), "pk", None)
    return [{"id": t.pk, "short_id": t.short_id, "created_at": t.created_at, "expires_at": t.expires_at,
             "last_used_at": t.last_used_at, "current": t.pk == current}
            for t in actions.own_tokens(user=request.auth)]


@router.delete("/tokens/{token_id}", response=Revoked)
def revoke_token(request, token_id: int):
    """Revoke one of your tokens (404 for a token that is not yours); it is refused from then on."""
    row = actions.revoke_token(user=request.auth, token_id=token_id)
    return {"id": row.pk, "revoked_at": row.revoked_at}


@router.post("/logout", response=Revoked)
def logout(request):
    """Revoke the bearer token this request is made with."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise DomainError(_("Log out revokes the bearer token the request is made with; none was given."),
                          code="no_token", status=400)
    row = actions.revoke_token(user=request.auth, token_id=token.pk)
    return {"id": row.pk, "revoked_at": row.revoked_at}


class OfficeCertificateOut(Schema):
    chosen: bool = Field(description="A certificate is chosen in this log-in (valid now)")
    serial: str = Field(description="The chosen certificate's serial (lower-case hex), or empty")
    subject: str = Field(description="Its holder (CN), or empty")
    not_after: datetime.datetime | None
    challenge: str = Field(description="A one-time challenge (ten minutes): sign `challenge_b64` with your sign key "
                                       "(NCALayer `basics.sign`, CMS, detached) and POST it to choose that certificate")
    challenge_b64: str = Field(description="The bytes to sign, base64")
    signer_iin: str = Field(description="The IIN the certificate must carry (yours)")
    signer_bin: str = Field(description="The BIN the certificate must carry (the provider's)")


class OfficeCertificateIn(Schema):
    challenge: str
    cms_b64: str = Field(description="Detached CMS SignedData (DER, base64) over the challenge's bytes")


def _office_certificate_out(user) -> dict:
    from cryptography.x509.oid import NameOID

    from documents import actions as documents

    if user.kind != user.Kind.OFFICER:
        raise documents.CertificateUnavailable()
    serial = documents.chosen_serial(user)
    certificate = documents.office_certificate(user) if serial else None
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME) if certificate is not None else []
    challenge = documents.issue_challenge(user)
    return {"chosen": bool(serial), "serial": serial, "subject": names[0].value if names else "",
            "not_after": certificate.not_valid_after_utc if certificate is not None else None,
            "challenge": challenge,
            "challenge_b64": base64.b64encode(documents.challenge_bytes(challenge)).decode("ascii"),
            "signer_iin": user.iin, "signer_bin": documents.provider_bin(user)}


@router.get("/office-certificate", response=OfficeCertificateOut)
def office_certificate(request):
    """An officer's certificate chosen for this log-in (a decision that is signed — the qualification check,
    the head's signature of the result — is refused until one is), and a one-time challenge to choose one."""
    return _office_certificate_out(request.auth)


@router.post("/office-certificate", response=OfficeCertificateOut)
def choose_office_certificate(request, body: OfficeCertificateIn):
    """Choose your signing certificate for this log-in: sign the challenge `GET` gave with it (your own EDS;
    the system holds no key of yours). Checked as an applicant's signature is, and as an officer's: the
    provider's BIN, a head's or signing-right role, your IIN."""
    from documents import actions as documents

    if request.auth.kind != request.auth.Kind.OFFICER:
        raise documents.CertificateUnavailable()
    documents.choose_office_certificate(request.auth, body.challenge, documents.decode_cms(body.cms_b64))
    return _office_certificate_out(request.auth)
