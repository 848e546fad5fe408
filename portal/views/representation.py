"""Powers of attorney on the portal (docs/representatives.md): the principal records one for their
representative (a person for themself, a company's head or signing employee for the company) and revokes it;
the representative sees those they hold and files under them (the "for whom" choice of the service page)."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from portal.views.access import _error_message, applicant_required
from representation import actions, queries
from representation.forms import PowerOfAttorneyForm
from representation.models import PowerOfAttorney
from services import registry


def scope_text(poa) -> list[str]:
    """The services (and kinds) a power of attorney covers, as the person reads them."""
    lines = []
    for code, kinds in poa.scope.items():
        offered = registry.find(code)
        if offered is None:
            continue
        title = f"{code} — {offered.title}"
        if kinds:
            title += ": " + ", ".join(str(offered.sub_kind_label(k)) for k in kinds if offered.has_sub_kind(k))
        lines.append(title)
    return lines


def _rows(qs):
    today = timezone.localdate()
    return [{"poa": p, "scope": scope_text(p), "in_force": p.revoked_at is None and p.valid_from <= today <= p.valid_to}
            for p in qs]


@applicant_required
def powers(request):
    user = request.user
    given = PowerOfAttorney.objects.filter(queries.as_principal(user))
    held = PowerOfAttorney.objects.filter(queries.held_by(user)).exclude(pk__in=given.values("pk"))
    return render(request, "portal/representation/powers.html", {
        "section": "powers", "given": _rows(given), "held": _rows(held),
        "may_grant": not user.bin or getattr(user, "may_sign_for_company", True),
    })


@applicant_required
def new_power(request):
    form = PowerOfAttorneyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            poa = actions.grant(request.user, request=request, **form.grant_kwargs())
        except DomainError as err:
            for field, errors in (err.details.get("fields") or {}).items():
                if field in form.fields:
                    for error in errors:
                        form.add_error(field, error)
            if not err.details.get("fields"):  # the scan refused by the upload checks: said at the scan
                scan_error = err.code.startswith(("scan_", "file_", "pdf_", "image_", "invalid_upload", "malware", "scanner"))
                form.add_error("scan" if scan_error else None, _error_message(err))
        else:
            messages.success(request, _("The power of attorney No. %(number)s is recorded.")
                             % {"number": poa.document_number})
            return redirect("portal:powers")
    return render(request, "portal/representation/new.html", {
        "section": "powers", "form": form, "today": timezone.localdate(),
        "kind": PowerOfAttorney.Kind(PowerOfAttorney.kind_for(request.user.bin)).label,
    })


@require_POST
@applicant_required
def revoke_power(request, poa_id):
    try:
        poa = actions.revoke(request.user, poa_id, reason=request.POST.get("reason", ""), request=request)
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        messages.error(request, _error_message(err))
    else:
        messages.success(request, _("The power of attorney No. %(number)s is revoked.") % {"number": poa.document_number})
    return redirect("portal:powers")


@applicant_required
def power_scan(request, poa_id):
    poa = queries.visible_to(request.user).filter(pk=poa_id).first()
    if poa is None or not poa.scan:
        raise Http404
    return FileResponse(poa.scan.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"power-of-attorney-{poa.pk}.pdf")
