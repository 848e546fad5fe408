"""API authentication: bearer tokens (accounts.ApiToken) or the browser session."""
from ninja.security import HttpBearer, django_auth

from accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        row = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if row is None or not row.user.is_active:
            return None
        request.user = row.user
        return row.user


AUTH = [TokenAuth(), django_auth]
