"""A request's page (its steps, history, signature, exchanges), its attachments' download, and the step
actions and decisions taken on it."""
from __future__ import annotations

from cryptography.x509.oid import NameOID
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from applications import actions, office_chain
from applications.models import Application, Attachment
from applications.queries import visible
from applications.signing import reverify, signed_signature
from audit import actions as audit
from backoffice import sla
from backoffice.views.access import OFFICE_LANES, STAFF_LANE_NAMES, _message, staff_required
from backoffice.views.auth import _certificate_chosen
from core.downloads import content_disposition
from core.errors import DomainError
from integrations.models import ExchangeLog
from portal.formfields import describe
from portal.labels import CHANNELS, EVENTS, LANES, RESULT_KINDS, STEPS, localized
from services import registry
from services.labels import bpmn_labels
from services.models import QualificationRequirement, RequiredDocument
from workflow import engine
from workflow.models import Event, WorkTask

# The steps that end in a result signed with the officer's key: the officer chooses the certificate first.
SIGNING_STEPS = {"decide", "sign_result"}
STATUS_LABELS = dict(Application.Status.choices)


# -- a request's page ------------------------------------------------------------------------------
def _get(request, application_id) -> Application:
    return get_object_or_404(visible(request.user).select_related("definition", "provider_unit", "region", "process").defer("definition__text"),
                             pk=application_id)


def _registry_rows(data: dict) -> list[tuple[str, str]]:
    """The registry's answer as a person reads it: each field's name and its value's label, dates dd.mm.yyyy
    (integrations.labels); a field the labels do not know is not shown (it would be a code)."""
    from integrations.labels import REGISTRY_FIELDS, REGISTRY_VALUES
    from web.templatetags.web_tags import day

    rows = []
    for key, value in (data or {}).items():
        if isinstance(value, (dict, list)) or key not in REGISTRY_FIELDS or value in (None, ""):
            continue
        value = REGISTRY_VALUES.get(key, {}).get(value, value)
        rows.append((REGISTRY_FIELDS[key], day(value) if isinstance(value, str) else value))
    return rows


def _signature_report(app, actor=None) -> dict | None:
    from cryptography import x509

    sig = signed_signature(app)
    if sig is None:
        return None
    cert = x509.load_pem_x509_certificate(sig.certificate_pem.encode())
    def cn(name):
        values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
        return values[0].value if values else name.rfc4514_string()
    check = reverify(app, sig)
    audit.record(audit.Kind.SIGNATURE_CHECK, actor=actor, subject=app, data={
        "via": "office", "signature": sig.pk, "valid": check["valid"], "reason": check["reason"]})
    return {"signature": sig, "subject": cn(cert.subject), "issuer": cn(cert.issuer),
            "serial": format(cert.serial_number, "x"), "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc, "check": check}


DETAIL_KEYS = ("number", "incoming_number", "reference")
EVENT_LABELS = {"step_open": gettext_lazy("Step opened"), "step_done": gettext_lazy("Step done")}


def _history(app) -> list[dict]:
    rows = []
    for e in Event.objects.filter(application=app).select_related("actor"):
        label = EVENTS.get(e.kind) or EVENT_LABELS.get(e.kind)
        detail = " ".join(str(v) for k, v in (e.data or {}).items() if k in DETAIL_KEYS)
        rows.append({"at": e.at, "label": label or e.kind.replace("_", " "), "step": e.step,
                     "actor": e.actor, "detail": " ".join(filter(None, (detail, _choice(e.data or {}))))[:300]})
    return rows


def _choice(data: dict) -> str:
    """The 2015 office chain's choices as a person reads them: the structural unit, the executor."""
    from services.models import ProviderUnit

    if data.get("unit_id"):
        unit = ProviderUnit.objects.filter(pk=data["unit_id"]).first()
        return localized(unit, "name") if unit is not None else ""
    if data.get("executor_id"):
        from accounts.models import User

        executor = User.objects.filter(pk=data["executor_id"]).first()
        return (executor.get_full_name() or executor.username) if executor is not None else ""
    return ""


def _executors(app):
    return office_chain.executors(app)


def _draft_preview(app, draft) -> dict:
    """The draft order as the head reads it before signing: what the order will say (the executor's draft, or
    the request's form for a request drafted before drafts were recorded)."""
    service = registry.get(app.service)
    form_class = service.sub_kind(app.sub_kind).form
    return {"title": service.title, "sub_kind": service.sub_kind_label(app.sub_kind), "number": app.number,
            "applicant": app.applicant_name or app.applicant_bin or app.applicant_iin,
            "applicant_id": app.applicant_bin or app.applicant_iin,
            "fields": describe(form_class, draft if draft is not None else app.form_data),
            "drafted": draft is not None}


def _action_panels(request, app, open_tasks) -> list[dict]:
    user = request.user
    panels = []
    for t in open_tasks:
        if not actions.may_complete(user, app, t):
            continue
        panel = {"task": t, "kind": t.action_kind, "label": STEPS.get(t.action_kind, t.name),
                 "needs_certificate": t.action_kind in SIGNING_STEPS and not _certificate_chosen(request)}
        if t.action_kind == "decide":
            panel["requirements"] = [{"code": q.code, "text": localized(q, "text"), "reason": localized(q, "refusal_reason")}
                                     for q in QualificationRequirement.objects.filter(service=app.service).order_by("id")]
            panel["documents"] = [{"code": d.code, "name": localized(d, "name")}
                                  for d in RequiredDocument.objects.filter(service=app.service, sub_kind__in=["", app.sub_kind])
                                  .order_by("id")]
            if office_chain.drafts_order(app, t):  # 2015 S2: the executor drafts the order's content
                form_class = registry.get(app.service).sub_kind(app.sub_kind).form
                panel["draft_fields"] = describe(form_class, office_chain.order_draft(app) or app.form_data)
        elif t.action_kind == "assign_executor":
            panel["executors"] = _executors(app)
        elif t.action_kind == "assign_unit":
            panel["units"] = [{"pk": u.pk, "name": localized(u, "name")} for u in office_chain.units(app)]
        elif t.action_kind == "sign_result":
            draft = office_chain.order_draft(app)
            panel["draft_sha256"] = office_chain.digest(draft)
            panel["draft"] = _draft_preview(app, draft)
        elif t.action_kind == "register_incoming":
            panel["scans"] = list(app.attachments.filter(is_scan=True).order_by("uploaded_at"))
        panels.append(panel)
    return panels


@staff_required
def request_detail(request, application_id):
    app = _get(request, application_id)
    audit.record(audit.Kind.PERSONAL_DATA_VIEW, actor=request.user, subject=app, request=request,
                 data={"via": "office", "number": app.number})
    now = timezone.now()
    tasks = list(WorkTask.objects.filter(application=app).select_related("assignee", "completed_by"))
    open_tasks = [t for t in tasks if t.state == WorkTask.State.OPEN]
    documents = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    service = registry.get(app.service)
    labels = bpmn_labels()
    context = {
        "app": app, "title": service.title, "sub_kind": service.sub_kind_label(app.sub_kind),
        "channel": CHANNELS.get(app.channel, app.channel), "status": STATUS_LABELS.get(app.status, app.status),
        "app_sla": sla.for_application(app, now),
        "tasks": [{"t": t, "label": STEPS.get(t.action_kind) or labels.get(t.name, t.name), "sla": sla.for_task(t, now),
                   "lane": OFFICE_LANES.get(t.lane) or STAFF_LANE_NAMES.get(t.lane) or LANES.get(t.lane, t.lane)}
                  for t in tasks],
        "current_bpmn_ids": " ".join(t.bpmn_id for t in open_tasks),
        "done_bpmn_ids": " ".join(t.bpmn_id for t in tasks if t.state == WorkTask.State.DONE),
        "current_steps": [STEPS.get(t.action_kind, t.name) for t in open_tasks],
        "registry_rows": _registry_rows(app.registry_data),
        "attachments": [{"a": a, "name": documents.get(a.document_code, a.document_code)}
                        for a in app.attachments.order_by("uploaded_at")],
        "results": [{"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind)} for d in app.documents.order_by("issued_at")],
        "to_sign": _to_sign(request, app),
        "exchanges": ExchangeLog.objects.filter(application=app).order_by("at", "id")[:200],
        "signature": _signature_report(app, request.user),
        "history": _history(app),
        "panels": _action_panels(request, app, open_tasks),
        "form_fields": describe(service.sub_kind(app.sub_kind).form, app.form_data) if service.has_sub_kind(app.sub_kind) else [],
        "refusal_texts": _refusal_texts(app),
        "paper_payment": paper_payment_view(app),
        "diagram_labels": {name: str(label) for name, label in labels.items()},
        "section": "queue",
    }
    return render(request, "backoffice/request.html", context)


def paper_payment_view(app) -> dict | None:
    """A paper request's fee, paid at a bank and confirmed with the gateway (applications.paper_payments), as the
    pages show it; None when there is none."""
    from applications import paper_payments
    from documents.context import amount

    payment = paper_payments.confirmed(app)
    if payment is None:
        return None
    return {"amount": amount(payment.amount_kzt), "reference": payment.reference, "payer": payment.payer,
            "at": payment.settled_at, "by": payment.confirmed_by}


def _to_sign(request, app) -> list[dict]:
    """The request's documents awaiting the current officer's own signature, each with the bytes to sign (or why
    they cannot be had yet: no certificate chosen in this log-in)."""
    import base64

    from documents import actions as documents

    rows = []
    user = request.user
    for d in app.documents.filter(signer=user, pdf_sha256="").order_by("issued_at"):
        row = {"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind), "payload_b64": "", "problem": ""}
        try:
            session, payload = documents.signing_request(d, user)
        except DomainError as err:
            row["problem"] = _message(err)
        else:
            row.update(payload_b64=base64.b64encode(payload).decode("ascii"), sha256=session.digest,
                       serial=session.serial, iin=user.iin, bin=documents.provider_bin(user))
        rows.append(row)
    return rows


@staff_required
def document_to_sign(request, application_id, number):
    """The bytes the officer signs for a document (no JavaScript: signed with another tool, the CMS pasted)."""
    from django.http import HttpResponse

    from applications.models import ResultDocument
    from documents import actions as documents

    app = _get(request, application_id)
    document = get_object_or_404(ResultDocument, application=app, number=number)
    try:
        _session, payload = documents.signing_request(document, request.user)
    except DomainError as err:
        messages.error(request, _message(err))
        return redirect("backoffice:request", app.pk)
    response = HttpResponse(payload, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition(f"{document.number}.to-sign.bin", "application/octet-stream")
    return response


@require_POST
@staff_required
def sign_document(request, application_id, number):
    """The officer's signature of a result document (the CMS NCALayer made over its bytes, or one pasted);
    documents.actions.sign_document holds every rule of it."""
    from applications.models import ResultDocument
    from documents import actions as documents

    app = _get(request, application_id)
    document = get_object_or_404(ResultDocument.objects.select_related("signer__provider_unit"), application=app,
                                 number=number)
    try:
        documents.sign_document(document, request.user, documents.decode_cms(request.POST.get("cms_b64", "")))
    except DomainError as err:
        messages.error(request, _message(err))
    else:
        messages.success(request, _("Signed: %(document)s %(number)s.") % {
            "document": RESULT_KINDS.get(document.kind, document.kind), "number": document.number})
    return redirect("backoffice:request", app.pk)


def _refusal_texts(app) -> list[str]:
    if app.status != Application.Status.REFUSED:
        return []
    qualification = {q.code: localized(q, "refusal_reason") for q in QualificationRequirement.objects.filter(service=app.service)}
    documents = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    texts = []
    for reason in app.refusal_details or []:
        reason = str(reason)
        if reason.startswith("missing:"):
            texts.append(_("Missing document: %(name)s") % {"name": documents.get(reason[8:], reason[8:])})
        else:
            texts.append(qualification.get(reason, reason))
    return texts


DRAFT_MARK = ("ЖОБА — ҚОЛ ҚОЙЫЛМАҒАН", "ПРОЕКТ — НЕ ПОДПИСАН")


@staff_required
def draft_order(request, application_id):
    """The draft order as a PDF, drawn by the order's own layout from the executor's draft (the request's form
    for a request drafted before drafts were recorded), marked as a draft, without a number or a signature:
    what the head reads before signing (2015 step 6). Only while the signing step is open."""
    from django.http import HttpResponse

    from applications.models import ResultDocument
    from documents.context import Context
    from documents.pdf import render
    from documents.produce import layout_builder

    app = _get(request, application_id)
    if not WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN, action_kind="sign_result").exists():
        raise Http404
    draft = office_chain.order_draft(app)
    document = ResultDocument(application=app, kind="order", number="—", issued_at=timezone.now(), content={
        "service": app.service, "sub_kind": app.sub_kind, "request_number": app.number,
        "applicant_iin": app.applicant_iin, "applicant_bin": app.applicant_bin, "applicant_name": app.applicant_name})
    ctx = Context(document, signer_name="")
    ctx.form = dict(draft if draft is not None else app.form_data or {})
    layout = layout_builder("order", app.service)(ctx)
    layout.mark = DRAFT_MARK
    pdf = render(layout, number="—", verify_url="—")
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{app.number or app.pk}-draft-order.pdf"
    response["Content-Disposition"] = content_disposition(name, "application/pdf", inline=True)
    return response


@staff_required
def attachment(request, application_id, attachment_id):
    app = _get(request, application_id)
    a = get_object_or_404(Attachment, application=app, pk=attachment_id)
    response = FileResponse(a.file.open("rb"), content_type=a.content_type)
    response["Content-Disposition"] = content_disposition(a.original_name, a.content_type)
    return response


# -- actions on the request page --------------------------------------------------------------------
@require_POST
@staff_required
def act(request, application_id):
    app = _get(request, application_id)
    kind = request.POST.get("action", "")
    user = request.user
    if ("decide" if kind in ("approve", "refuse") else kind) in SIGNING_STEPS and not _certificate_chosen(request):
        messages.warning(request, _("Choose your certificate first: the result is signed with it."))
        return redirect(f"{reverse('backoffice:certificate')}?next={reverse('backoffice:request', args=[app.pk])}")
    try:
        if kind == "approve" or kind == "refuse":
            _decide(request, app, kind)
        elif kind == "register_incoming":
            if request.FILES.get("scan") is not None:  # the paper application's electronic copy, then registered
                actions.add_attachment(app.pk, user, document_code="application", uploaded=request.FILES["scan"],
                                       is_scan=True)
            actions.register_incoming(app.pk, user)
        elif kind == "put_on_portal":
            actions.put_on_portal(app.pk, user)
        elif kind == "assign_unit":
            try:
                unit_id = int(request.POST.get("unit_id", ""))
            except ValueError:
                unit_id = 0
            actions.assign_unit(app.pk, user, unit_id=unit_id)
        elif kind == "assign_executor":
            try:
                executor_id = int(request.POST.get("executor_id", ""))
            except ValueError:
                executor_id = 0
            actions.assign_executor(app.pk, user, executor_id=executor_id)
        elif kind == "sign_result":
            actions.sign_result(app.pk, user, draft_sha256=request.POST.get("draft_sha256", "") or "-")
        else:
            raise Http404
    except engine.StepNotOpen as err:
        messages.error(request, _message(err))
    except DomainError as err:
        messages.error(request, _message(err))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": STEPS.get("decide" if kind in ("approve", "refuse") else kind, kind)})
    return redirect("backoffice:request", app.pk)


def _decide(request, app, kind):
    """The qualification check as a checklist: each item answered met or not met, the documents marked
    missing, a comment; the action (applications.actions.decide) holds every rule of it."""
    requirements = QualificationRequirement.objects.filter(service=app.service).values_list("code", flat=True)
    checklist = {code: request.POST[f"req-{code}"] for code in requirements if request.POST.get(f"req-{code}")}
    draft = None
    if request.POST.get("order_draft") == "1":  # 2015 S2: the order's content as the executor drafted it
        from portal.formfields import from_post

        draft = from_post(registry.get(app.service).sub_kind(app.sub_kind).form, request.POST)
    actions.decide(app.pk, request.user, decision=kind, checklist=checklist,
                   documents_missing=request.POST.getlist("missing"), comment=request.POST.get("comment", ""),
                   order_draft=draft)
