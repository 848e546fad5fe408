from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from accounts.models import ApiToken
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
    """Log in with a login and password (officers, operators); returns a bearer token."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise DomainError(_("Authorisation refused: wrong login or password."), code="authorisation_refused", status=401)
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
