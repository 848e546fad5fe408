"""Log-in and log-out (login and password, P1/C1) and the officer's own signing certificate."""
from __future__ import annotations

import base64

from cryptography.x509.oid import NameOID
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from backoffice.views.access import STAFF_KINDS, staff_required
from core.errors import DomainError
from documents import actions as documents


# -- log-in: login and password (P1/C1), then the officer's own certificate -----------------------------
class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not (user.is_superuser or user.kind in STAFF_KINDS):
            raise ValidationError(_("The back office is for the provider's officers, PSC operators and administrators."),
                                  code="not_staff")


def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    form = StaffAuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        if user.kind == User.Kind.OFFICER:
            return redirect(f"{reverse('backoffice:certificate')}?next={next_url or reverse('backoffice:queue')}")
        if user.kind == User.Kind.PSC_OPERATOR and not next_url:
            return redirect("pscdesk:queue")
        return redirect(next_url or "backoffice:queue")
    return render(request, "backoffice/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request):
    logout(request)
    return redirect("backoffice:login")


def _certificate_facts(cert) -> dict:
    """What the page shows of the certificate the officer chose (their own EDS; the server keeps its public part)."""
    def attr(oid):
        values = cert.subject.get_attributes_for_oid(oid)
        return values[0].value if values else ""
    return {
        "subject": attr(NameOID.COMMON_NAME), "organisation": attr(NameOID.ORGANIZATION_NAME),
        "serial": format(cert.serial_number, "x"),
        "issuer": ", ".join(a.value for a in cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)),
        "not_before": cert.not_valid_before_utc, "not_after": cert.not_valid_after_utc,
        "valid": cert.not_valid_before_utc <= timezone.now() <= cert.not_valid_after_utc,
    }


@staff_required
def certificate(request):
    """The officer chooses their certificate for this log-in: NCALayer signs a one-time challenge with the sign
    key (or, without JavaScript, any tool does and the CMS is pasted); documents.actions checks it."""
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("backoffice:queue")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("backoffice:queue")
    user = request.user
    signs = user.kind == User.Kind.OFFICER
    if request.method == "POST" and signs:
        try:
            documents.choose_office_certificate(user, request.POST.get("challenge", ""),
                                                documents.decode_cms(request.POST.get("cms_b64", "")))
        except DomainError as err:
            messages.error(request, err.message)
        else:
            messages.success(request, _("Your certificate is chosen: the results you decide are signed with it."))
            return redirect(next_url)
    context = {"next": next_url, "signs": signs, "facts": None, "chosen": ""}
    if signs:
        chosen = documents.chosen_serial(user)
        cert = documents.office_certificate(user) if chosen else None
        challenge = documents.issue_challenge(user)
        context.update({
            "chosen": chosen, "facts": _certificate_facts(cert) if cert is not None else None,
            "challenge": challenge, "iin": user.iin, "bin": documents.provider_bin(user),
            "payload_b64": base64.b64encode(documents.challenge_bytes(challenge)).decode("ascii"),
        })
    return render(request, "backoffice/certificate.html", context)


def _certificate_chosen(request) -> bool:
    """Whether the officer chose their certificate in this log-in (the signing actions refuse otherwise)."""
    return bool(documents.chosen_serial(request.user))
