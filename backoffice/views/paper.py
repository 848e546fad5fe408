"""A paper application (staff channel, §4): the officer opens it, enters the applicant and the form, and
attaches the scans."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import User
from applications import actions, paper_payments
from applications.models import Application
from backoffice.views.access import _message, staff_required
from backoffice.views.requests import _get, _registry_rows, paper_payment_view
from core.errors import DomainError
from documents.context import amount
from integrations import adapters
from integrations.adapters import AdapterUnavailable
from integrations.exchange import about
from portal.formfields import describe, from_post
from portal.labels import localized
from services import registry
from services.models import Region, RequiredDocument
from workflow.models import WorkTask


# -- a paper application (staff channel, §4) ----------------------------------------------------------
def _regional(code: str) -> bool:
    service = registry.find(code)
    return service is not None and service.regional


def _service_choices():
    return [{"code": s.code, "title": s.title, "sub_kinds": list(s.sub_kind_labels().items()), "regional": s.regional}
            for s in registry.all_services()]


@staff_required
def new_paper(request):
    if request.user.kind != User.Kind.OFFICER:
        raise Http404
    regions = sorted(Region.objects.all(), key=lambda r: localized(r, "name"))
    if request.method == "POST":
        choice = request.POST.get("service_kind", "")
        service, _sep, sub_kind = choice.partition(":")
        try:
            app, _created = actions.create_application(
                request.user, service=service, sub_kind=sub_kind, channel="staff",
                region_code=request.POST.get("region", "") if _regional(service) else "",
                client_request_id=request.POST.get("token", "")[:64])
        except DomainError as err:
            messages.error(request, _message(err))
        else:
            if app.status == Application.Status.REFUSED:
                messages.error(request, _("The request was refused at authorisation (P2)."))
                return redirect("backoffice:request", app.pk)
            return redirect("backoffice:enter", app.pk)
    return render(request, "backoffice/new.html", {"services": _service_choices(), "regions": regions,
                                                   "token": uuid.uuid4().hex, "section": "new"})


def _open(app, kind):
    return WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN, action_kind=kind).first()


@staff_required
def enter(request, application_id):
    """P3/P4: the applicant's identity (looked up in the registry) and the form."""
    app = _get(request, application_id)
    task = _open(app, "enter_application")
    if task is None or not actions.may_complete(request.user, app, task):
        return redirect("backoffice:request", app.pk)
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    data, errors, lookup = app.form_data, {}, None
    iin = request.POST.get("iin", "").strip()
    bin_ = request.POST.get("bin", "").strip()
    if request.method == "POST":
        data = from_post(form_class, request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        action = request.POST.get("action", "save")
        try:
            app = actions.save_form(app.pk, request.user, data, version)
            if action == "lookup":
                lookup = _lookup(app, iin, bin_)
            elif action == "enter":
                app = actions.enter_application(app.pk, request.user, iin=iin, bin=bin_)
                if app.status == Application.Status.REFUSED:
                    messages.error(request, _("The registry has no such applicant: the application cannot be accepted (P5)."))
                    return redirect("backoffice:request", app.pk)
                messages.success(request, _("The applicant and the form are entered."))
                return redirect("backoffice:scans", app.pk)
            else:
                messages.success(request, _("The draft was saved."))
        except DomainError as err:
            fields = dict((err.details or {}).get("fields") or {})
            errors = fields
            non_field = [e["message"] for e in fields.pop("__all__", [])]
            messages.error(request, " ".join([_message(err), *non_field]))
            app = _get(request, application_id)
    initial = {"region": app.region.code} if app.region_id else {}
    return render(request, "backoffice/enter.html", {
        "app": app, "title": registry.get(app.service).title, "sub_kind": registry.get(app.service).sub_kind_label(app.sub_kind),
        "fields": describe(form_class, data, errors, initial), "iin": iin, "bin": bin_, "lookup": lookup,
        "section": "new"})


def _lookup(app, iin, bin_) -> dict:
    """P4 ahead of time: show the officer what the registry holds for the identifier (logged as an exchange)."""
    iin, bin_ = actions._identify(iin, bin_)
    try:
        with about(app):
            result = adapters.registry_lookup(iin, bin_)
    except AdapterUnavailable:
        return {"status": "unavailable"}
    return {"status": "found" if result.found else "not_found", "name": result.name,
            "rows": _registry_rows(result.data) if result.found else []}


@staff_required
def scans(request, application_id):
    """P6: mark the paper documents presented, scan and attach them."""
    app = _get(request, application_id)
    task = _open(app, "attach_scans")
    if task is None or not actions.may_complete(request.user, app, task):
        return redirect("backoffice:request", app.pk)
    documents = [d for d in RequiredDocument.objects.filter(service=app.service).order_by("id")
                 if d.sub_kind in ("", app.sub_kind)]
    payer = request.POST.get("payer", "").strip() or app.applicant_bin or app.applicant_iin
    reference = request.POST.get("payment_reference", "").strip()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "confirm_payment":
                paper_payments.confirm_payment(app.pk, request.user, payer=payer, reference=reference,
                                               request=request)
                messages.success(request, _("The fee's payment is confirmed with the payment gateway."))
                return redirect("backoffice:scans", app.pk)
            if request.POST.get("action") == "attach":
                uploaded = request.FILES.get("file")
                if uploaded is None:
                    raise actions.InvalidInput(_("Choose the scan's file."), code="file_missing")
                actions.add_attachment(app.pk, request.user, document_code=request.POST.get("document_code", ""),
                                       uploaded=uploaded, is_scan=True)
                messages.success(request, _("The scan was attached."))
                return redirect("backoffice:scans", app.pk)
            app = actions.attach_scans(app.pk, request.user, documents_presented=request.POST.getlist("presented"))
            messages.success(request, _("The application is registered under number %(number)s.") % {"number": app.number})
            return redirect("backoffice:request", app.pk)
        except DomainError as err:
            messages.error(request, _message(err))
    scanned = {}
    for a in app.attachments.filter(is_scan=True).order_by("uploaded_at"):
        scanned.setdefault(a.document_code, []).append(a)
    return render(request, "backoffice/scans.html", {
        "app": app, "title": registry.get(app.service).title,
        "documents": [{"code": d.code, "name": localized(d, "name"), "mandatory": d.mandatory,
                       "scans": scanned.get(d.code, [])} for d in documents],
        "max_mb": settings.ELICENSE_MAX_ATTACHMENT_BYTES // (1024 * 1024), "section": "new",
        **_fee_context(app), "payer": payer, "payment_reference": reference})


def _fee_context(app) -> dict:
    """A paid paper request's fee: what is due, and the payment confirmed for it (or None)."""
    if not paper_payments.needs_payment(app):
        return {"fee": None, "payment": None}
    try:
        fee = amount(actions.current_fee(app).amount_kzt)
    except DomainError:
        fee = "—"
    return {"fee": fee, "payment": paper_payment_view(app)}
