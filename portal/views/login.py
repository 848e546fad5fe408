"""Log-in with the EDS and the password (§3 steps 1-2) and log-out; a valid certificate nobody has registered
is sent to registration (portal/views/registration.py)."""
from __future__ import annotations

import base64

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.actions import authenticate_certificate, session_challenge
from core.errors import DomainError
from portal.views.access import _error_message
from portal.views.registration import SESSION_HINT_KEY


# -- log-in (§3 steps 1-2: the EDS and the password) -----------------------------------------------
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("portal:requests")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("portal:requests")
    error = ""
    if request.method == "POST":
        try:
            user = authenticate_certificate(request.POST.get("challenge_id", ""), request.POST.get("cms_b64", ""),
                                            request.POST.get("password", ""), request=request)
        except DomainError as err:
            if err.details.get("reason") == "unknown_person":  # a valid certificate nobody registered: register
                request.session[SESSION_HINT_KEY] = True
                return redirect(f"{reverse('portal:register')}?next={next_url}")
            error = _error_message(err)
        else:
            if user.kind != user.Kind.APPLICANT:
                error = _("This log-in is for applicants; officers use the back office.")
            elif user.portal_registered_at is None:  # an account made for them (not by them): register first
                request.session[SESSION_HINT_KEY] = True
                return redirect(f"{reverse('portal:register')}?next={next_url}")
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(next_url)
    challenge = session_challenge(request.session)  # reused while valid: no row per visit
    return render(request, "portal/login.html", {
        "challenge": challenge, "nonce_b64": base64.b64encode(bytes(challenge.nonce)).decode(),
        "error": error, "next": next_url,
    }, status=401 if error else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:login")
