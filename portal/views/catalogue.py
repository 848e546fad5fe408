"""The service catalogue (§3 P3): the services with their fees, documents and requirements, and opening a
request for the one chosen."""
from __future__ import annotations

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import actions
from core.errors import DomainError
from portal.labels import CHANNELS, localized, norm_text
from portal.views.access import _error_message, applicant_required
from representation import queries as representation
from services import registry
from services.models import Fee, ProviderUnit, QualificationRequirement, Region, RequiredDocument
from web.idempotency import idempotent
from workflow import definitions


# -- the service catalogue (§3 P3: the applicant picks the service) ----------------------------------
def _provider_text(offered) -> str:
    """Who provides the service, as the applicant is told: the Committee, or the Inspection of the region."""
    if offered.regional:
        return _("the regional Inspection of Communications of the region where the radio frequencies are used")
    committee = ProviderUnit.objects.filter(kind=ProviderUnit.Kind.COMMITTEE).first()
    return localized(committee, "name") if committee else _("the Committee of Communications")


def _catalogue(code: str | None = None) -> list[dict]:
    today = timezone.localdate()
    fees = {}
    for fee in Fee.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).order_by("valid_from"):
        fees[(fee.service, fee.sub_kind)] = fee
    documents = list(RequiredDocument.objects.order_by("id"))
    requirements = list(QualificationRequirement.objects.order_by("id"))
    services = []
    for offered in registry.all_services():
        service, kinds = offered.code, offered.sub_kind_labels()
        if code and service != code:
            continue
        portal = definitions.definition_for(service, "portal", today)
        channels = [d for d in (definitions.definition_for(service, c, today) for c in ("portal", "staff", "psc")) if d]
        services.append({
            "code": service, "title": offered.title,
            "deadline": norm_text(portal.metadata.get("deadline", "")) if portal else "",
            "refusal_deadline": norm_text(portal.metadata["refusal_deadline"]) if portal and portal.metadata.get("refusal_deadline") else "",
            "regulation": portal.metadata.get("regulation", "") if portal else "",
            "on_portal": portal is not None,
            "channels": [CHANNELS.get(d.channel, d.channel) for d in channels],
            "payment": offered.payment,  # regulation §2-3: before signing, or after the check
            "regional": offered.regional,
            "provider": _provider_text(offered),
            "sub_kinds": [{
                "code": k, "name": name, "fee": fees.get((service, k)),
                "form_token": secrets.token_urlsafe(16),  # one-time: a double submit opens one request
                "documents": [{"name": localized(d, "name"), "mandatory": d.mandatory} for d in documents
                              if d.service == service and d.sub_kind in ("", k)],
            } for k, name in kinds.items()],
            "requirements": [localized(r, "text") for r in requirements if r.service == service],
        })
    return services


def _for_whom(user, services: list[dict]) -> list[dict]:
    """Each sub-kind's "for whom" choice: the people and companies whose power of attorney, held by ``user``, in
    force today and not revoked, covers it (representation.queries.for_whom); none: the applicant files for
    themself only, and no choice is shown."""
    if not user.is_authenticated or user.kind != user.Kind.APPLICANT:
        return services
    for s in services:
        powers = representation.for_whom(user, s["code"])
        for k in s["sub_kinds"]:
            k["for_whom"] = [p for p in powers if p.covers(s["code"], k["code"])]
    return services


def services(request):
    return render(request, "portal/services.html", {"services": _for_whom(request.user, _catalogue()),
                                                    "regions": Region.objects.all()})


def service(request, code):
    found = _for_whom(request.user, _catalogue(code))
    if not found:
        raise Http404
    return render(request, "portal/service.html", {"s": found[0], "regions": Region.objects.all()})


@require_POST
@applicant_required
@idempotent("form_token")  # the form sent twice (a double click, a resend) opens one draft (ADR 0016)
def new_request(request):
    service, sub_kind = request.POST.get("service", ""), request.POST.get("sub_kind", "")
    for_whom = request.POST.get("power_of_attorney", "")  # "": for themself; else the power of attorney acted under
    try:
        app, _created = actions.create_application(
            request.user, service=service, sub_kind=sub_kind, channel="portal",
            region_code=request.POST.get("region", ""), client_request_id=request.POST.get("client_request_id", "")[:64],
            power_of_attorney=int(for_whom) if for_whom.isdigit() else None)
    except DomainError as err:
        messages.error(request, _error_message(err))
        return redirect(reverse("portal:service", args=[service]) if registry.find(service) else reverse("portal:services"))
    return redirect("portal:request", app.pk)
