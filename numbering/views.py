"""The operator's page in the portal: their numbering resource and the half-year utilisation report
(``/numbering/utilisation/``), filed through numbering.actions.file_report as the API files it."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from numbering import actions, queries
from numbering.models import UtilisationReport
from portal.views.access import applicant_required


@applicant_required
def utilisation(request):
    user = request.user
    holder = actions.holder_for(user.iin, user.bin)
    allocations = list(queries.holder_allocations(holder))
    year, half = actions.current_half()
    filed = UtilisationReport.objects.filter(holder=holder, year=year, half=half).exists() if holder else False
    errors = []
    if request.method == "POST" and holder is not None:
        lines = []
        for a in allocations:
            assigned, in_service = request.POST.get(f"assigned-{a.pk}", ""), request.POST.get(f"in_service-{a.pk}", "")
            if assigned == "" and in_service == "":
                continue
            lines.append({"first": a.first, "last": a.last, "assigned": assigned or 0, "in_service": in_service or 0})
        try:
            actions.file_report(holder=holder, actor=user, year=year, half=half, lines=lines)
        except DomainError as err:
            errors.append(str(err.message))
        else:
            messages.success(request, _("The utilisation report was filed."))
            return redirect("numbering:utilisation")
    reports = (UtilisationReport.objects.filter(holder=holder).prefetch_related("lines__allocation")[:10]
               if holder else [])
    return render(request, "numbering/utilisation.html", {
        "allocations": [{"a": a, "part": queries.part_name(a.part)} for a in allocations], "year": year, "half": half,
        "filed": filed, "errors": errors, "reports": reports, "section": "numbering"})
