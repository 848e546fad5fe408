"""The applicant portal (regulation §3 channel A, §7 screens): log-in with the EDS, service choice,
filling, payment, signing, following the request, the result and the survey.

Every change goes through applications.actions (the same functions the API calls); these views only
read, render and translate the actions' errors into messages on the page."""
from __future__ import annotations

import base64
import binascii
import functools

from cryptography.hazmat.primitives.serialization import Encoding
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.api import authenticate_certificate
from accounts.models import LoginChallenge
from applications import actions
from applications.models import Application, Attachment, ResultDocument, SurveyAnswer
from applications.signing import current_revision, signing_payload
from core.errors import DomainError
from integrations.models import Payment
from integrations.signatures import REASON_MESSAGES, signer_certificate
from portal import inbox
from portal.formfields import describe, from_post
from portal.labels import CHANNELS, EVENTS, LANES, PAYMENT_STATUS, RESULT_KINDS, STEPS, localized, norm_text
from services import registry
from services.models import Fee, QualificationRequirement, Region, RequiredDocument
from workflow import definitions
from workflow.models import Event, WorkTask

APPLICANT_STEPS = ("fill", "pay", "choose_certificate", "sign")


def applicant_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated or user.kind != user.Kind.APPLICANT:
            return redirect(f"{reverse('portal:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def _mine(request, application_id) -> Application:
    return get_object_or_404(Application.objects.select_related("definition", "provider_unit", "region"),
                             pk=application_id, applicant_user=request.user)


def _error_message(err: DomainError) -> str:
    return str(err.message)


# -- log-in (§3 steps 1-2: the EDS and the password) -----------------------------------------------
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("portal:requests")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = reverse("portal:requests")
    error = ""
    if request.method == "POST":
        try:
            user = authenticate_certificate(request.POST.get("challenge_id", ""), request.POST.get("cms_b64", ""),
                                            request.POST.get("password", ""),
                                            remote_addr=request.META.get("REMOTE_ADDR") or None)
        except DomainError as err:
            error = _error_message(err)
        else:
            if user.kind != user.Kind.APPLICANT:
                error = _("This log-in is for applicants; officers use the back office.")
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect(next_url)
    challenge = LoginChallenge.objects.create()
    return render(request, "portal/login.html", {
        "challenge": challenge, "nonce_b64": base64.b64encode(bytes(challenge.nonce)).decode(),
        "error": error, "next": next_url,
    }, status=401 if error else 200)


@require_POST
def logout_view(request):
    logout(request)
    return redirect("portal:login")


# -- the service catalogue (§3 P3: the applicant picks the service) ----------------------------------
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
            "sub_kinds": [{
                "code": k, "name": name, "fee": fees.get((service, k)),
                "documents": [{"name": localized(d, "name"), "mandatory": d.mandatory} for d in documents
                              if d.service == service and d.sub_kind in ("", k)],
            } for k, name in kinds.items()],
            "requirements": [localized(r, "text") for r in requirements if r.service == service],
        })
    return services


def services(request):
    return render(request, "portal/services.html", {"services": _catalogue(), "regions": Region.objects.all()})


def service(request, code):
    found = _catalogue(code)
    if not found:
        raise Http404
    return render(request, "portal/service.html", {"s": found[0], "regions": Region.objects.all()})


@require_POST
@applicant_required
def new_request(request):
    service, sub_kind = request.POST.get("service", ""), request.POST.get("sub_kind", "")
    try:
        app, _created = actions.create_application(
            request.user, service=service, sub_kind=sub_kind, channel="portal",
            region_code=request.POST.get("region", ""), client_request_id=request.POST.get("client_request_id", "")[:64])
    except DomainError as err:
        messages.error(request, _error_message(err))
        return redirect(reverse("portal:service", args=[service]) if registry.find(service) else reverse("portal:services"))
    return redirect("portal:request", app.pk)


# -- my requests ("history of receiving services", §7) ---------------------------------------------
@applicant_required
def my_requests(request):
    apps = (Application.objects.filter(applicant_user=request.user)
            .prefetch_related(Prefetch("tasks", queryset=WorkTask.objects.filter(state=WorkTask.State.OPEN),
                                       to_attr="open_tasks")))
    rows = [{"app": a, "holder": _holder(a, a.open_tasks), "next": _next_action(a, a.open_tasks)} for a in apps]
    return render(request, "portal/requests.html", {"rows": rows})


def _holder(app, open_tasks) -> str:
    """Who holds the request now (the lane of its open step, with the provider unit's name)."""
    if app.status in (Application.Status.COMPLETED, Application.Status.REFUSED):
        return ""
    if not open_tasks:
        process = getattr(app, "process", None)
        if process is not None and process.waiting_for:
            return _("E-licensing (waiting for an outside system)")
        return str(LANES["elicensing"])
    task = open_tasks[0]
    if task.lane == "provider" and app.provider_unit_id:
        return localized(app.provider_unit, "name")
    if task.lane in ("office_clerk", "head", "unit_head", "executor") and app.provider_unit_id:
        return f"{localized(app.provider_unit, 'name')}: {LANES[task.lane]}"
    return str(LANES.get(task.lane, task.lane))


def _next_action(app, open_tasks) -> dict | None:
    """The applicant's own open step, with the page where they do it."""
    for task in open_tasks:
        if task.lane in ("applicant", "payment_gateway") and task.action_kind in APPLICANT_STEPS:
            page = {"fill": "portal:fill", "pay": "portal:payment", "choose_certificate": "portal:sign",
                    "sign": "portal:sign"}[task.action_kind]
            return {"label": STEPS[task.action_kind], "url": reverse(page, args=[app.pk]), "kind": task.action_kind}
    return None


def _timeline(app) -> list[dict]:
    items = []
    for e in Event.objects.filter(application=app).exclude(kind__in=["step_open", "registry_prefill"]).order_by("at", "id"):
        if e.kind == "step_done":
            kind = e.data.get("action_kind") or ""
            task = None
            if not kind:
                task = WorkTask.objects.filter(application=app, bpmn_id=e.bpmn_id).only("action_kind").first()
                kind = task.action_kind if task else ""
            if kind not in STEPS:
                continue  # automatic steps: the events below say what they did
            label, css = STEPS[kind], "done"
        elif e.kind in EVENTS:
            label = EVENTS[e.kind]
            css = "bad" if e.kind == "refused" or e.data.get("valid") is False else "done"
            if e.kind == "payment_reported":
                label = f"{label}: {PAYMENT_STATUS.get(e.data.get('status'), e.data.get('status', ''))}"
        else:
            continue
        items.append({"at": e.at, "label": label, "step": e.step, "css": css})
    for task in WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN):
        items.append({"at": task.created_at, "label": STEPS.get(task.action_kind, task.name), "step": task.step,
                      "css": "open", "due": task.due_at, "open": True})
    return items


def _reason_texts(app) -> list[str]:
    qualification = {q.code: localized(q, "refusal_reason") for q in QualificationRequirement.objects.filter(service=app.service)}
    documents = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    texts = []
    for reason in app.refusal_details or [app.refusal_reason]:
        reason = str(reason)
        if reason.startswith("missing:"):
            texts.append(_("Document missing: %(name)s") % {"name": documents.get(reason[8:], reason[8:])})
        elif reason in qualification:
            texts.append(qualification[reason])
        elif reason in REASON_MESSAGES:
            texts.append(str(REASON_MESSAGES[reason]))
        else:
            texts.append(reason)
    return texts


@applicant_required
def request_detail(request, application_id):
    app = _mine(request, application_id)
    open_tasks = list(app.tasks.filter(state=WorkTask.State.OPEN))
    documents = list(ResultDocument.objects.filter(application=app).order_by("issued_at"))
    survey = SurveyAnswer.objects.filter(application=app).first()
    finished = app.status in (Application.Status.COMPLETED, Application.Status.REFUSED)
    return render(request, "portal/request.html", {
        "app": app, "title": registry.get(app.service).title, "sub_kind": registry.get(app.service).sub_kind_label(app.sub_kind),
        "timeline": _timeline(app), "holder": _holder(app, open_tasks), "next": _next_action(app, open_tasks),
        "documents": [{"doc": d, "kind": RESULT_KINDS.get(d.kind, d.kind), "has_pdf": bool(d.pdf)} for d in documents],
        "reasons": _reason_texts(app) if app.status == Application.Status.REFUSED else [],
        "survey": survey, "survey_open": finished and survey is None, "survey_choices": SurveyAnswer.Answer.choices,
        "waiting": getattr(getattr(app, "process", None), "waiting_for", ""),
    })


# -- filling (§3 P3), with autosave and inline validation (htmx) -----------------------------------------
def _form_context(app, data, errors=None, non_field=None, stale=False):
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    initial = {"region": app.region.code} if app.region_id else {}
    documents = [d for d in RequiredDocument.objects.filter(service=app.service).order_by("id") if d.sub_kind in ("", app.sub_kind)]
    attached = list(app.attachments.filter(is_scan=False).order_by("uploaded_at"))
    attached_codes = {a.document_code for a in attached}
    return {
        "app": app, "title": registry.get(app.service).title, "sub_kind": registry.get(app.service).sub_kind_label(app.sub_kind),
        "fields": describe(form_class, data, errors, initial), "non_field_errors": non_field or [],
        "documents": [{"code": d.code, "name": localized(d, "name"), "mandatory": d.mandatory,
                       "attached": d.code in attached_codes} for d in documents],
        "names": {d.code: localized(d, "name") for d in documents},
        "attachments": [{"a": a, "name": {d.code: localized(d, "name") for d in documents}.get(a.document_code, a.document_code)}
                        for a in attached],
        "max_mb": settings.ELICENSE_MAX_ATTACHMENT_BYTES // (1024 * 1024), "stale": stale,
        "steps": _progress(app, "fill"),
    }


def _progress(app, current: str) -> list[dict]:
    """The applicant's steps for this service in the regulation's order (§3: S1 pays before signing)."""
    kinds = ["fill", "pay", "sign"] if registry.get(app.service).payment == registry.BEFORE_SIGNING else ["fill", "sign"]
    labels = {"fill": _("Fill in"), "pay": _("Pay"), "sign": _("Sign")}
    done_kinds = set(app.tasks.filter(state=WorkTask.State.DONE).values_list("action_kind", flat=True))
    return [{"label": labels[k], "current": k == current, "done": k in done_kinds} for k in kinds]


def _field_errors(err: DomainError) -> tuple[dict, list]:
    fields = dict(err.details.get("fields") or {})
    non_field = [e["message"] for e in fields.pop("__all__", [])]
    return fields, non_field


@applicant_required
def fill(request, application_id):
    app = _mine(request, application_id)
    if not app.tasks.filter(state=WorkTask.State.OPEN, action_kind="fill").exists():
        return redirect("portal:request", app.pk)
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    if request.method == "GET":
        return render(request, "portal/fill.html", _form_context(app, app.form_data))
    data = from_post(form_class, request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    action = request.POST.get("action", "save")
    try:
        app = actions.save_form(app.pk, request.user, data, version)
    except actions.StaleForm as err:
        messages.error(request, _error_message(err))
        app = _mine(request, application_id)
        return render(request, "portal/fill.html", _form_context(app, app.form_data, stale=True), status=409)
    except DomainError as err:
        messages.error(request, _error_message(err))
        return redirect("portal:fill", app.pk)
    if action == "attach" and request.FILES.get("file"):
        try:
            actions.add_attachment(app.pk, request.user, document_code=request.POST.get("document_code", ""),
                                   uploaded=request.FILES["file"])
        except DomainError as err:
            messages.error(request, _error_message(err))
        else:
            messages.success(request, _("The document was attached."))
        return redirect("portal:fill", app.pk)
    if action == "finish":
        try:
            actions.finish_filling(app.pk, request.user)
        except DomainError as err:
            fields, non_field = _field_errors(err)
            if err.code == "documents_missing":
                names = _form_context(app, data)["names"]
                non_field.append(_error_message(err) + " " + ", ".join(names.get(c, c) for c in err.details.get("documents", [])))
            elif not fields and not non_field:
                non_field.append(_error_message(err))
            app = _mine(request, application_id)
            return render(request, "portal/fill.html", _form_context(app, data, fields, non_field), status=422)
        return redirect("portal:payment" if registry.get(app.service).payment == registry.BEFORE_SIGNING else "portal:sign", app.pk)
    messages.success(request, _("The draft was saved."))
    return redirect("portal:fill", app.pk)


@require_POST
@applicant_required
def autosave(request, application_id):
    """htmx: save the draft on every change (actions.save_form with the form's version) and check the
    fields filled so far; answers the status line plus out-of-band field errors and the new version."""
    app = _mine(request, application_id)
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    data = from_post(form_class, request.POST)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    stale, status_text = False, ""
    try:
        app = actions.save_form(app.pk, request.user, data, version)
        status_text = _("Draft saved at %(time)s.") % {"time": timezone.localtime().strftime("%H:%M:%S")}
    except actions.StaleForm as err:
        stale, status_text = True, _error_message(err)
    except DomainError as err:
        status_text = _error_message(err)
    form = registry.get(app.service).form(app.sub_kind, data)
    form.is_valid()
    filled = {k for k, v in data.items() if v not in ("", [], None)}
    errors = {name: [str(e) for e in form.errors.get(name, [])] if name in filled else [] for name in form_class.base_fields}
    non_field = [str(e) for e in form.non_field_errors()] if filled >= {n for n, f in form_class.base_fields.items() if f.required} else []
    return render(request, "portal/_autosave.html", {
        "app": app, "status_text": status_text, "stale": stale, "errors": errors, "non_field_errors": non_field})


# -- payment (§3 P4 / C2 for S1 before signing; S3 step 9 after the check) -------------------------------
@applicant_required
def payment(request, application_id):
    app = _mine(request, application_id)
    task = app.tasks.filter(state=WorkTask.State.OPEN, action_kind="pay").first()
    if request.method == "POST":
        if task is None:
            return redirect("portal:request", app.pk)
        what = request.POST.get("action", "start")
        try:
            if what == "start":
                actions.start_payment(app.pk, request.user)
            elif what == "check":
                _app, changed = actions.refresh_payment(app.pk, request.user)
                if not changed:
                    messages.warning(request, _("The payment gateway has not reported the payment yet."))
            elif what == "abandon":
                actions.abandon_payment(app.pk, request.user)
        except DomainError as err:
            messages.error(request, _error_message(err))
        app = _mine(request, application_id)
        if not app.tasks.filter(state=WorkTask.State.OPEN, action_kind="pay").exists():
            paid = app.payments.filter(status=Payment.Status.PAID).exists()
            if paid:
                messages.success(request, _("The fee has been paid."))
            return redirect("portal:sign" if paid and app.tasks.filter(
                state=WorkTask.State.OPEN, action_kind__in=["choose_certificate", "sign"]).exists() else "portal:request", app.pk)
        return redirect("portal:payment", app.pk)
    if task is None:
        return redirect("portal:request", app.pk)
    try:
        fee = actions.current_fee(app)
    except DomainError as err:
        fee, messages_error = None, _error_message(err)
        messages.error(request, messages_error)
    open_payment = app.payments.filter(status=Payment.Status.CREATED).exclude(next_url="").order_by("-id").first()
    return render(request, "portal/payment.html", {
        "app": app, "title": registry.get(app.service).title, "fee": fee, "payment": open_payment, "due": task.due_at,
        "history": [{"p": p, "status": PAYMENT_STATUS.get(p.status, p.status)} for p in app.payments.order_by("created_at")],
        "steps": _progress(app, "pay") if registry.get(app.service).payment == registry.BEFORE_SIGNING else [],
        "after_check": registry.get(app.service).payment == registry.AFTER_CHECK,
    })


# -- signing (§3 P6-P8: choose the certificate, check it, sign exactly what is shown) -------------------------
@applicant_required
def sign(request, application_id):
    app = _mine(request, application_id)
    open_kinds = set(app.tasks.filter(state=WorkTask.State.OPEN).values_list("action_kind", flat=True))
    if not open_kinds & {"choose_certificate", "sign"}:
        return redirect("portal:request", app.pk)
    revision = current_revision(app)
    if request.method == "POST":
        if request.POST.get("revision_sha256") != revision.sha256:
            messages.error(request, _("The request changed since the page was shown; review it and sign again."))
            return redirect("portal:sign", app.pk)
        try:
            cms = base64.b64decode(request.POST.get("cms_b64", "").strip(), validate=True)
        except (binascii.Error, ValueError):
            cms = b""
        cert = signer_certificate(cms) if cms else None
        if cert is None:
            messages.error(request, _("The signature could not be read; sign again."))
            return redirect("portal:sign", app.pk)
        try:
            if "choose_certificate" in open_kinds:
                app = actions.choose_certificate(app.pk, request.user, cert.public_bytes(Encoding.PEM).decode())
            if app.status != Application.Status.REFUSED:
                app = actions.sign(app.pk, request.user, cms)
        except DomainError as err:
            messages.error(request, _error_message(err))
            return redirect("portal:sign", app.pk)
        if app.status == Application.Status.REFUSED:
            messages.error(request, _("The EDS was not confirmed; the request was refused."))
        else:
            messages.success(request, _("The request was signed and registered under number %(number)s.") % {"number": app.number})
        return redirect("portal:request", app.pk)
    form_class = registry.get(app.service).sub_kind(app.sub_kind).form
    content = revision.content
    shown = describe(form_class, content.get("form", content) if isinstance(content, dict) else {})
    payload = signing_payload(app)
    docs = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(service=app.service)}
    return render(request, "portal/sign.html", {
        "app": app, "title": registry.get(app.service).title, "sub_kind": registry.get(app.service).sub_kind_label(app.sub_kind),
        "revision": revision, "fields": shown, "payload_b64": base64.b64encode(payload).decode(),
        "attachments": [{"name": docs.get(a.get("document_code"), a.get("document_code")), **a}
                        for a in (content.get("attachments") or [])] if isinstance(content, dict) else [],
        "steps": _progress(app, "sign"),
    })


# -- the result and the survey (§7) -------------------------------------------------------------------------
@require_POST
@applicant_required
def survey(request, application_id):
    app = _mine(request, application_id)
    try:
        actions.answer_survey(app.pk, request.user, process_quality=int(request.POST.get("process_quality") or 0),
                              information_quality=int(request.POST.get("information_quality") or 0))
    except (DomainError, ValueError) as err:
        messages.error(request, _error_message(err) if isinstance(err, DomainError) else _("Choose one answer to each question."))
    else:
        messages.success(request, _("Thank you for your answers."))
    return redirect("portal:request", app.pk)


@applicant_required
def attachment(request, application_id, attachment_id):
    app = _mine(request, application_id)
    row = get_object_or_404(Attachment, pk=attachment_id, application=app)
    response = HttpResponse(row.file.open("rb").read(), content_type=row.content_type)
    response["Content-Disposition"] = f'attachment; filename="{row.original_name}"'
    return response


# -- the inbox ------------------------------------------------------------------------------------------------
@applicant_required
def inbox_view(request):
    from portal.models import InboxMark

    mark = InboxMark.objects.filter(user=request.user).values_list("seen_until", flat=True).first()
    items = []
    for e in inbox.notifications(request.user):
        if e.kind == "step_open":
            text = _("Payment due: pay the fee for request %(request)s.") % {"request": e.application.number or f"#{e.application.pk}"}
        elif e.kind == "refused":
            text = _("Request %(request)s was refused.") % {"request": e.application.number or f"#{e.application.pk}"}
        elif e.kind == "result_issued":
            text = _("The result of request %(request)s is ready: %(kind)s %(number)s.") % {
                "request": e.application.number, "kind": RESULT_KINDS.get(e.data.get("kind"), e.data.get("kind")),
                "number": e.data.get("number", "")}
        elif e.kind == "receipt_issued":
            text = _("A receipt was issued for request %(request)s.") % {"request": e.application.number or f"#{e.application.pk}"}
        else:
            text = _("Request %(request)s was registered and is being processed.") % {"request": e.application.number}
        items.append({"e": e, "text": text, "unread": mark is None or e.at > mark})
    inbox.mark_read(request.user)
    return render(request, "portal/inbox.html", {"items": items})
