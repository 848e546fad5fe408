"""The PSC desk (regulation §5, S2 2015): the electronic queue, the intake of the document set against
the service's list, the receipt or the refusal receipt, the 20-minute norm; and the applicant's booking
page on the portal. The intake goes through applications.actions (create, save_form, psc_intake)."""
from __future__ import annotations

import datetime
import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from applications import actions
from core.errors import DomainError
from portal.formfields import describe, from_post
from portal.labels import RESULT_KINDS, localized
from pscdesk import actions as q
from pscdesk.models import NORM_SECONDS, Ticket, desk_service
from services import registry
from services.models import RequiredDocument
from workflow.models import Event, WorkTask


def operator_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('backoffice:login')}?next={request.get_full_path()}")
        if not (user.is_superuser or user.kind == User.Kind.PSC_OPERATOR):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def _norm(ticket, now=None) -> dict:
    from backoffice import sla

    if ticket.duration_seconds is not None:
        return sla.indicator("kept" if ticket.within_norm else "missed")
    if ticket.called_at:
        return sla.judge(ticket.called_at, ticket.called_at + datetime.timedelta(seconds=NORM_SECONDS), now)
    return sla.indicator("none")


def _minutes(seconds) -> str:
    if seconds is None:
        return "—"
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


@operator_required
def desk(request):
    now = timezone.now()
    served = list(q.served_today(now)[:50])
    durations = [t.duration_seconds for t in served if t.duration_seconds is not None]
    return render(request, "pscdesk/queue.html", {
        "waiting": q.waiting(now), "upcoming": q.upcoming_bookings(now),
        "in_service": [{"t": t, "norm": _norm(t, now), "elapsed": _minutes((now - t.called_at).total_seconds())}
                       for t in q.in_service().select_related("called_by")],
        "served": [{"t": t, "norm": _norm(t), "duration": _minutes(t.duration_seconds)} for t in served],
        "average": _minutes(sum(durations) / len(durations)) if durations else "—",
        "kept": sum(1 for t in served if t.within_norm), "norm_minutes": NORM_SECONDS // 60, "section": "psc"})


@operator_required
def collection(request):
    """Results ready for collection at the PSC, and handing one over (the applicant's IIN checked)."""
    if request.method == "POST":
        try:
            app_id = int(request.POST.get("application", ""))
        except ValueError:
            app_id = 0
        try:
            q.collect_result(app_id, request.user, iin=request.POST.get("iin", ""))
        except DomainError as err:
            messages.error(request, str(err.message))
        else:
            messages.success(request, _("The result was handed over; the request's history records it."))
        return redirect("pscdesk:collection")
    ready = []
    for app in q.ready_for_collection().prefetch_related("documents")[:200]:
        results = [d for d in app.documents.all() if d.kind not in q.RECEIPTS]
        ready.append({"app": app, "documents": [{"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind)} for d in results]})
    collected = (Event.objects.filter(kind="result_collected", application__channel="psc")
                 .select_related("application", "actor").order_by("-at")[:20])
    return render(request, "pscdesk/collection.html", {"ready": ready, "collected": collected, "section": "psc"})


@require_POST
@operator_required
def issue(request):
    ticket = q.issue_ticket()
    messages.success(request, _("Ticket %(number)s issued.") % {"number": ticket.number})
    return redirect("pscdesk:queue")


@require_POST
@operator_required
def call_next(request):
    ticket = q.call_next(request.user)
    if ticket is None:
        messages.warning(request, _("Nobody is waiting."))
        return redirect("pscdesk:queue")
    return redirect("pscdesk:ticket", ticket.pk)


def _service():
    service = desk_service()
    if service is None:  # no service is offered through the PSC channel today
        raise Http404
    return service


def _documents(service, sub_kind):
    return [d for d in RequiredDocument.objects.filter(service=service.code).order_by("id") if d.sub_kind in ("", sub_kind)]


@operator_required
def ticket_view(request, ticket_id):
    """Serving one ticket: the service's sub-kind, the applicant, the form, the documents presented."""
    ticket = get_object_or_404(Ticket, pk=ticket_id)
    if ticket.status == Ticket.Status.SERVED:
        return redirect("pscdesk:receipt", ticket.pk)
    if ticket.status != Ticket.Status.CALLED:
        raise Http404
    app = ticket.application
    service = registry.find(app.service if app is not None else ticket.service)
    if service is None:
        raise Http404
    context = {"ticket": ticket, "norm": _norm(ticket), "norm_minutes": NORM_SECONDS // 60, "title": service.title,
               "sub_kinds": list(service.sub_kind_labels().items()), "section": "psc"}
    if request.method == "POST" and request.POST.get("action") == "no_show":
        Ticket.objects.filter(pk=ticket.pk, status=Ticket.Status.CALLED).update(status=Ticket.Status.NO_SHOW)
        return redirect("pscdesk:queue")
    if app is None:
        if request.method == "POST":
            try:
                app, _created = actions.create_application(
                    request.user, service=service.code, sub_kind=request.POST.get("sub_kind", ""), channel="psc",
                    client_request_id=f"psc-ticket-{ticket.pk}")
            except DomainError as err:
                messages.error(request, str(err.message))
            else:
                Ticket.objects.filter(pk=ticket.pk).update(application=app, sub_kind=app.sub_kind)
                return redirect("pscdesk:ticket", ticket.pk)
        return render(request, "pscdesk/choose.html", {**context, "preselected": ticket.sub_kind})
    form_class = service.sub_kind(app.sub_kind).form
    data, errors = app.form_data, {}
    iin, bin_ = request.POST.get("iin", "").strip(), request.POST.get("bin", "").strip()
    presented = request.POST.getlist("presented")
    if request.method == "POST":
        data = from_post(form_class, request.POST)
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        try:
            actions.save_form(app.pk, request.user, data, version)
            app = actions.psc_intake(app.pk, request.user, iin=iin, bin=bin_, documents_presented=presented)
        except DomainError as err:
            fields = dict((err.details or {}).get("fields") or {})
            non_field = [e["message"] for e in fields.pop("__all__", [])]
            errors = fields
            messages.error(request, " ".join([str(err.message), *non_field]))
            app.refresh_from_db()
        else:
            outcome = "refusal_receipt" if app.documents.filter(kind="refusal_receipt").exists() else "receipt"
            q.finish(ticket, outcome)
            return redirect("pscdesk:receipt", ticket.pk)
    return render(request, "pscdesk/intake.html", {
        **context, "app": app, "sub_kind": service.sub_kind_labels().get(app.sub_kind, app.sub_kind),
        "fields": describe(form_class, data, errors), "iin": iin, "bin": bin_,
        "documents": [{"code": d.code, "name": localized(d, "name"), "mandatory": d.mandatory,
                       "checked": d.code in presented} for d in _documents(service, app.sub_kind)]})


@operator_required
def receipt(request, ticket_id):
    ticket = get_object_or_404(Ticket.objects.select_related("application"), pk=ticket_id)
    app = ticket.application
    if app is None or ticket.status != Ticket.Status.SERVED:
        return redirect("pscdesk:ticket", ticket.pk)
    documents = [{"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind)} for d in app.documents.order_by("issued_at")]
    receipt_doc = next((d["d"] for d in documents if d["d"].kind in ("receipt", "refusal_receipt")), None)
    names = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    content = receipt_doc.content if receipt_doc else {}
    forwarded = app.events.filter(kind="forwarded_to_provider").first()
    return render(request, "pscdesk/receipt.html", {
        "ticket": ticket, "app": app, "documents": documents, "receipt": receipt_doc, "content": content,
        "accepted_on": _date(content.get("accepted_on")), "planned": _date(content.get("planned_result_date")),
        "missing": [names.get(c, c) for c in content.get("documents_missing", [])] or
                   [names.get(str(r)[8:], r) for r in (app.refusal_details or []) if str(r).startswith("missing:")],
        "forwarded": forwarded, "duration": _minutes(ticket.duration_seconds), "norm": _norm(ticket),
        "norm_minutes": NORM_SECONDS // 60, "next_task": WorkTask.objects.filter(application=app, state="open").first(),
        "section": "psc"})


def _date(value):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


# -- the applicant books a slot on the portal ---------------------------------------------------------
def book(request):
    user = request.user
    if not user.is_authenticated or user.kind != User.Kind.APPLICANT:
        return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
    service = _service()
    if request.method == "POST":
        if request.POST.get("cancel"):
            Ticket.objects.filter(pk=request.POST["cancel"], booked_by=user, status=Ticket.Status.WAITING).update(
                status=Ticket.Status.CANCELLED)
            messages.success(request, _("The booking was cancelled."))
            return redirect("pscdesk:book")
        try:
            slot = datetime.datetime.fromisoformat(request.POST.get("slot", ""))
            if slot.tzinfo is None:
                raise ValueError
            sub_kind = request.POST.get("sub_kind", "")
            if not service.has_sub_kind(sub_kind):
                raise ValueError
            ticket = q.book(user, slot, sub_kind)
        except ValueError:
            messages.error(request, _("Choose the service and a time."))
        except q.SlotTaken:
            messages.error(request, _("This time has just been taken; choose another one."))
        else:
            messages.success(request, _("Booked: ticket %(number)s.") % {"number": ticket.number})
            return redirect("pscdesk:book")
    slots = q.free_slots()
    days = {}
    for s in slots:
        days.setdefault(s.date(), []).append(s)
    mine = Ticket.objects.filter(booked_by=user, status=Ticket.Status.WAITING, slot_at__gte=timezone.now()).order_by("slot_at")
    return render(request, "pscdesk/book.html", {"days": sorted(days.items())[:5], "mine": mine, "title": service.title,
                                                 "sub_kinds": list(service.sub_kind_labels().items())})
