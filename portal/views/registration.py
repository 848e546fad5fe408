"""Registration on the portal with an EDS (§3 step 1 of every portal diagram; docs/registration.md).

Two steps on one page: the person signs a one-time challenge with the authentication key (the log-in's
checks; the IIN and BIN come from the certificate, the name and address from the registry), then sets the
portal password twice. What the certificate proved is kept in the server-side session between the two
steps: the page never asks for an IIN. The rules are in accounts.actions (begin_registration,
register_applicant)."""
from __future__ import annotations

import base64
import datetime

from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import actions as accounts
from accounts.models import User
from core.errors import DomainError
from portal.views.access import _error_message

SESSION_PENDING_KEY = "pending_registration"
SESSION_HINT_KEY = "registration_hint"  # set by the log-in page for a valid certificate nobody has registered


def safe_next(request) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("portal:services")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("portal:services")
    return next_url


def _pending(session) -> dict | None:
    pending = session.get(SESSION_PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        verified_at = datetime.datetime.fromisoformat(pending["verified_at"])
    except (KeyError, TypeError, ValueError):
        return None
    if timezone.now() - verified_at > datetime.timedelta(seconds=accounts.REGISTRATION_SECONDS):
        session.pop(SESSION_PENDING_KEY, None)
        return None
    return pending


def register_view(request):
    next_url = safe_next(request)
    if request.user.is_authenticated and request.user.kind == User.Kind.APPLICANT \
            and request.user.portal_registered_at is not None:
        return redirect(next_url)
    error, field_errors = "", {}
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "cancel":
        request.session.pop(SESSION_PENDING_KEY, None)
        return redirect(f"{reverse('portal:register')}?next={next_url}")
    if request.method == "POST" and action == "sign":
        try:
            pending = accounts.begin_registration(request.POST.get("challenge_id", ""),
                                                  request.POST.get("cms_b64", ""), request=request)
        except DomainError as err:
            error = _error_message(err)
        else:
            request.session[SESSION_PENDING_KEY] = pending
            request.session.pop(SESSION_HINT_KEY, None)
            return redirect(f"{reverse('portal:register')}?next={next_url}")
    pending = _pending(request.session)
    if request.method == "POST" and action == "password" and pending is not None:
        try:
            user = accounts.register_applicant(pending, request.POST.get("password1", ""),
                                               request.POST.get("password2", ""), request=request)
        except accounts.PasswordRefused as err:
            field_errors[err.details.get("field", "password1")] = _error_message(err)
        except DomainError as err:
            request.session.pop(SESSION_PENDING_KEY, None)
            pending, error = None, _error_message(err)
        else:
            request.session.pop(SESSION_PENDING_KEY, None)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(next_url)
    elif request.method == "POST" and action == "password":
        error = str(accounts.REGISTRATION_REASON_MESSAGES["registration_expired"])
    context = {"next": next_url, "error": error, "field_errors": field_errors, "pending": pending,
               "hint": request.session.get(SESSION_HINT_KEY, False), "section": "login"}
    if pending is not None:
        role = pending.get("company_role", "")
        context["company_role"] = User.CompanyRole(role).label if role in User.CompanyRole.values else ""
    else:
        challenge = accounts.session_challenge(request.session)
        context.update(challenge=challenge, nonce_b64=base64.b64encode(bytes(challenge.nonce)).decode())
    status = 200
    if error:
        status = 409
    elif field_errors:
        status = 422
    return render(request, "portal/register.html", context, status=status)
