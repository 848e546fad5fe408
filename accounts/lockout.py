"""Log-in lockout (django-axes, ADR 0014): the client's address, and the certificate log-in's password step.

Django's ``authenticate()`` paths (the API's token endpoint, the back office, the admin) are guarded by axes'
authentication backend and middleware; the certificate log-in checks the password itself, so it asks axes
here, with the same counters (username and client address)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class LockedOut(DomainError):
    code = "locked_out"
    status = 429
    default_message = _("Too many failed log-ins: log-in is suspended for a while. Try again later.")


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind the project's HTTPS proxy (ELICENSE_BEHIND_HTTPS_PROXY=1)
    the last X-Forwarded-For entry, the one the proxy itself appended (earlier ones are the client's say)."""
    if getattr(settings, "ELICENSE_BEHIND_HTTPS_PROXY", False):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR") or None


def _credentials(username: str) -> dict:
    return {"username": username}  # AXES_USERNAME_FORM_FIELD: the user model's USERNAME_FIELD


def refuse_if_locked_out(request, username: str) -> None:
    """LockedOut if axes holds this account or this address locked (before the password is checked)."""
    if request is None:
        return
    from axes.handlers.proxy import AxesProxyHandler

    credentials = _credentials(username)
    if not AxesProxyHandler.is_allowed(request, credentials):
        request.axes_locked_out, request.axes_credentials = True, credentials  # AxesMiddleware answers
        raise LockedOut()


def password_failed(request, username: str) -> bool:
    """Count a wrong password with axes (as ``authenticate()`` does); True if that locked the client out."""
    if request is None:
        return False
    user_login_failed.send(sender=__name__, credentials=_credentials(username), request=request)
    return bool(getattr(request, "axes_locked_out", False))
