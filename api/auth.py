"""API authentication: bearer tokens (accounts.ApiToken) or the browser session.

A token past its ``expires_at`` or revoked is refused with 401 and the API's JSON error (``token_expired``,
``token_revoked``); an unknown one falls through to the session and then 401 (ADR 0014)."""
import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken
from core.errors import DomainError
from core.prepared import Prepared

# The token's row and its user, compiled once per connection (core.prepared): every API call reads it.
TOKEN = Prepared(lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash))
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)  # last_used_at is written at most once a minute


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        try:
            row = TOKEN.get(key_hash=ApiToken.hash(token))
        except ApiToken.DoesNotExist:
            return None
        if not row.user.is_active:
            return None
        now = timezone.now()
        if row.revoked_at is not None:
            raise DomainError(_("This API token has been revoked; log in again."), code="token_revoked", status=401)
        if row.expires_at <= now:
            raise DomainError(_("This API token has expired; log in again."), code="token_expired", status=401)
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user


AUTH = [TokenAuth(), django_auth]
