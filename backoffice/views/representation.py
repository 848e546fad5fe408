"""Powers of attorney in the back office (docs/representatives.md): staff record one from a paper request (the
representative brings the document and its scan is made), find them by the principal's or the representative's
IIN/BIN, and revoke one. The rules are the action's (representation.actions)."""
from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import actions as audit
from backoffice.views.access import staff_required
from core.errors import DomainError
from portal.views.representation import scope_text
from representation import actions
from representation.forms import StaffPowerOfAttorneyForm
from representation.models import PowerOfAttorney


@staff_required
def powers(request):
    query = request.GET.get("q", "").strip()[:12]
    found = PowerOfAttorney.objects.all()
    if query:
        from django.db.models import Q

        found = found.filter(Q(principal_iin=query) | Q(principal_bin=query) | Q(representative_iin=query))
    today = timezone.localdate()
    rows = [{"poa": p, "scope": scope_text(p), "in_force": p.revoked_at is None and p.valid_from <= today <= p.valid_to}
            for p in found[:100]]
    return render(request, "backoffice/representation/powers.html", {"section": "powers", "rows": rows, "q": query})


@staff_required
def power_new(request):
    form = StaffPowerOfAttorneyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            poa = actions.grant(request.user, request=request, **form.grant_kwargs())
        except DomainError as err:
            fields = err.details.get("fields") or {}
            for field, errors in fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            if not fields:
                scan_error = err.code.startswith(("scan_", "file_", "pdf_", "image_", "invalid_upload", "malware",
                                                  "scanner"))
                form.add_error("scan" if scan_error else None, str(err.message))
        else:
            messages.success(request, _("The power of attorney No. %(number)s is recorded.")
                             % {"number": poa.document_number})
            return redirect("backoffice:powers")
    return render(request, "backoffice/representation/new.html", {"section": "powers", "form": form})


@require_POST
@staff_required
def power_revoke(request, poa_id):
    try:
        poa = actions.revoke(request.user, poa_id, reason=request.POST.get("reason", ""), request=request)
    except DomainError as err:
        if err.status == 404:
            raise Http404 from None
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("The power of attorney No. %(number)s is revoked.") % {"number": poa.document_number})
    return redirect("backoffice:powers")


@staff_required
def power_scan(request, poa_id):
    poa = PowerOfAttorney.objects.filter(pk=poa_id).first()
    if poa is None or not poa.scan:
        raise Http404
    audit.record(audit.Kind.PERSONAL_DATA_VIEW, actor=request.user, subject=poa, request=request,
                 data={"via": "office", "document": "power_of_attorney_scan", "number": poa.document_number})
    return FileResponse(poa.scan.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"power-of-attorney-{poa.pk}.pdf")
