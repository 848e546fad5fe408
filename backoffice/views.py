"""The back office (regulation §4 staff channel, §6 the 2015 office steps): officers' queues, a request's
page, the paper application, the qualification checklist, the office steps, the officer's certificate.

Every change goes through applications.actions (the functions the API calls); these views read,
render and turn the actions' errors into messages."""
from __future__ import annotations

import functools
import uuid

from cryptography.x509.oid import NameOID
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import User
from applications import actions
from applications.api import visible
from applications.models import Application, Attachment
from applications.signing import reverify, signed_signature
from backoffice import sla
from core.errors import DomainError
from integrations.adapters import AdapterUnavailable
from integrations.exchange import about
from integrations.models import ExchangeLog
from portal.formfields import describe, from_post
from portal.labels import CHANNELS, EVENTS, LANES, RESULT_KINDS, STEPS, localized
from services import registry
from services.labels import bpmn_labels
from services.models import QualificationRequirement, Region, RequiredDocument
from workflow import engine
from workflow.models import Event, WorkTask

STAFF_KINDS = {User.Kind.OFFICER, User.Kind.PSC_OPERATOR, User.Kind.ADMINISTRATOR}
# The steps that end in a result signed with the officer's key: the officer chooses the certificate first.
SIGNING_STEPS = {"decide", "sign_result"}
OFFICE_LANES = {
    "provider": gettext_lazy("provider's officer"),
    "office_clerk": gettext_lazy("office clerk"),
    "head": gettext_lazy("head of the provider"),
    "unit_head": gettext_lazy("head of the structural unit"),
    "executor": gettext_lazy("responsible executor"),
}
STATUS_LABELS = dict(Application.Status.choices)


def is_staff(user) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.kind in STAFF_KINDS)


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.kind == User.Kind.ADMINISTRATOR)


def staff_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff(request.user):
            return redirect(f"{reverse('backoffice:login')}?next={request.get_full_path()}")
        return view(request, *args, **kwargs)
    return wrapped


def admin_required(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_staff(request.user):
            return redirect(f"{reverse('backoffice:login')}?next={request.get_full_path()}")
        if not is_admin(request.user):
            raise Http404
        return view(request, *args, **kwargs)
    return wrapped


def _message(err: DomainError) -> str:
    text = str(err.message)
    documents = err.details.get("documents") if isinstance(err.details, dict) else None
    if documents:
        names = {d.code: localized(d, "name") for d in RequiredDocument.objects.filter(code__in=documents)}
        text += " " + ", ".join(names.get(c, c) for c in documents)
    return text


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


def _certificate_facts(user) -> dict | None:
    """The officer's signing certificate (demo: issued from the demo PKI, documents.keys)."""
    from documents import keys

    try:
        identity = keys.signing_identity(user)
    except RuntimeError:
        return None
    cert = identity.cert

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
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("backoffice:queue")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        next_url = reverse("backoffice:queue")
    facts = _certificate_facts(request.user) if request.user.kind != User.Kind.ADMINISTRATOR else None
    if request.method == "POST" and facts:
        request.session["office_certificate"] = facts["serial"]
        messages.success(request, _("Your certificate is chosen: the results you decide are signed with it."))
        return redirect(next_url)
    return render(request, "backoffice/certificate.html", {
        "facts": facts, "next": next_url, "chosen": request.session.get("office_certificate"),
        "demo": getattr(settings, "ELICENSE_DEMO_OFFICER_KEYS", True)})


def _certificate_chosen(request) -> bool:
    facts_serial = request.session.get("office_certificate")
    return bool(facts_serial)


# -- queues ---------------------------------------------------------------------------------------
def _filters(request) -> dict:
    g = request.GET
    return {"service": g.get("service", ""), "status": g.get("status", ""), "step": g.get("step", ""),
            "q": g.get("q", "").strip(), "order": g.get("order", "due"), "unit": g.get("unit", "")}


def _search(qs, q: str, prefix: str = ""):
    if not q:
        return qs
    p = prefix
    return qs.filter(Q(**{f"{p}number__icontains": q}) | Q(**{f"{p}applicant_iin__startswith": q})
                     | Q(**{f"{p}applicant_bin__startswith": q}) | Q(**{f"{p}applicant_name__icontains": q}))


def my_tasks(user):
    """Open steps the user may complete now (as the API's queue): by role (lane), unit and assignee."""
    tasks = WorkTask.objects.filter(state=WorkTask.State.OPEN).select_related(
        "application", "application__provider_unit", "assignee")
    if user.kind == User.Kind.PSC_OPERATOR:
        tasks = tasks.filter(lane="psc")
    elif not (user.is_superuser or user.kind == User.Kind.ADMINISTRATOR):
        tasks = tasks.filter(provider_unit_id=user.provider_unit_id, lane__in=actions.PROVIDER_LANES)
    return tasks


def _filter_options(user=None):
    from services.models import ProviderUnit

    units = []
    if user is not None and is_admin(user):  # an administrator sees every unit's queue: by unit (region)
        units = [(u.code, localized(u, "name")) for u in ProviderUnit.objects.order_by("id")]
    return {
        "units": units,
        "services": [(s.code, f"{s.code} — {s.title}") for s in registry.all_services()],
        "statuses": list(Application.Status.choices),
        "steps": [(k, v) for k, v in STEPS.items() if k not in ("fill", "pay", "choose_certificate", "sign")],
    }


@staff_required
def queue(request):
    f = _filters(request)
    user = request.user
    tasks = my_tasks(user)
    if f["service"]:
        tasks = tasks.filter(application__service=f["service"])
    if f["status"]:
        tasks = tasks.filter(application__status=f["status"])
    if f["step"]:
        tasks = tasks.filter(action_kind=f["step"])
    if f["unit"]:
        tasks = tasks.filter(application__provider_unit__code=f["unit"])
    tasks = _search(tasks, f["q"], "application__")
    tasks = tasks.order_by("-created_at") if f["order"] == "new" else tasks.order_by("due_at", "created_at", "id")
    now = timezone.now()
    admin = is_admin(user)
    labels = bpmn_labels()
    rows = []
    for t in tasks[:300]:
        if not admin and not actions.may_complete(user, t.application, t):
            continue
        rows.append({"task": t, "app": t.application, "step": STEPS.get(t.action_kind) or labels.get(t.name, t.name),
                     "lane": OFFICE_LANES.get(t.lane) or LANES.get(t.lane, t.lane),
                     "task_sla": sla.for_task(t, now), "app_sla": sla.for_application(t.application, now)})
    return render(request, "backoffice/queue.html", {
        "rows": rows, "f": f, **_filter_options(user), "roles": _role_names(user), "section": "queue",
        "unit_name": localized(user.provider_unit, "name") if user.provider_unit_id else ""})


def _role_names(user) -> list[str]:
    names = [str(OFFICE_LANES.get(r, r)) for r in sorted(actions.roles(user)) if r in OFFICE_LANES]
    return names


@staff_required
def requests_list(request):
    f = _filters(request)
    qs = visible(request.user).select_related("provider_unit", "region")
    if f["service"]:
        qs = qs.filter(service=f["service"])
    if f["status"]:
        qs = qs.filter(status=f["status"])
    if f["step"]:
        qs = qs.filter(tasks__state=WorkTask.State.OPEN, tasks__action_kind=f["step"])
    if f["unit"]:
        qs = qs.filter(provider_unit__code=f["unit"])
    qs = _search(qs, f["q"])
    if f["order"] == "new":
        qs = qs.order_by("-created_at")
    else:
        from django.db.models import F
        qs = qs.order_by(F("deadline_at").asc(nulls_last=True), "-created_at")
    now = timezone.now()
    apps = list(qs.distinct()[:300])
    open_tasks = {}
    for t in WorkTask.objects.filter(application__in=apps, state=WorkTask.State.OPEN):
        open_tasks.setdefault(t.application_id, []).append(t)
    rows = [{"app": a, "app_sla": sla.for_application(a, now),
             "steps": [STEPS.get(t.action_kind, t.name) for t in open_tasks.get(a.pk, [])]} for a in apps]
    return render(request, "backoffice/requests.html", {"rows": rows, "f": f, **_filter_options(request.user),
                                                         "section": "requests"})


# -- a request's page ------------------------------------------------------------------------------
def _get(request, application_id) -> Application:
    return get_object_or_404(visible(request.user).select_related("definition", "provider_unit", "region", "process"),
                             pk=application_id)


def _registry_rows(data: dict) -> list[tuple[str, str]]:
    labels = {
        "iin": _("IIN"), "bin": _("BIN"), "last_name": _("surname"), "first_name": _("given name"),
        "patronymic": _("patronymic"), "birth_date": _("date of birth"), "status": _("status in the registry"),
        "name": _("name"), "legal_form": _("legal form"), "address": _("address"), "head_iin": _("head's IIN"),
        "head_name": _("head"), "registered_on": _("registered on"), "oked": _("activity code (OKED)"),
    }
    rows = []
    for key, value in (data or {}).items():
        if isinstance(value, (dict, list)):
            continue
        rows.append((labels.get(key, key.replace("_", " ")), value))
    return rows


def _signature_report(app) -> dict | None:
    from cryptography import x509

    sig = signed_signature(app)
    if sig is None:
        return None
    cert = x509.load_pem_x509_certificate(sig.certificate_pem.encode())
    def cn(name):
        values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
        return values[0].value if values else name.rfc4514_string()
    return {"signature": sig, "subject": cn(cert.subject), "issuer": cn(cert.issuer),
            "serial": format(cert.serial_number, "x"), "not_before": cert.not_valid_before_utc,
            "not_after": cert.not_valid_after_utc, "check": reverify(app, sig)}


DETAIL_KEYS = ("number", "incoming_number", "reference")
EVENT_LABELS = {"step_open": gettext_lazy("Step opened"), "step_done": gettext_lazy("Step done")}


def _history(app) -> list[dict]:
    rows = []
    for e in Event.objects.filter(application=app).select_related("actor"):
        label = EVENTS.get(e.kind) or EVENT_LABELS.get(e.kind)
        rows.append({"at": e.at, "label": label or e.kind.replace("_", " "), "step": e.step,
                     "actor": e.actor,
                     "detail": " ".join(str(v) for k, v in (e.data or {}).items() if k in DETAIL_KEYS)[:300]})
    return rows


def _executors(app):
    return User.objects.filter(provider_unit_id=app.provider_unit_id, groups__name="executor",
                               is_active=True).order_by("last_name", "username")


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
        elif t.action_kind == "assign_executor":
            panel["executors"] = _executors(app)
        panels.append(panel)
    return panels


@staff_required
def request_detail(request, application_id):
    app = _get(request, application_id)
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
                   "lane": OFFICE_LANES.get(t.lane) or LANES.get(t.lane, t.lane)} for t in tasks],
        "current_bpmn_ids": " ".join(t.bpmn_id for t in open_tasks),
        "done_bpmn_ids": " ".join(t.bpmn_id for t in tasks if t.state == WorkTask.State.DONE),
        "current_steps": [STEPS.get(t.action_kind, t.name) for t in open_tasks],
        "registry_rows": _registry_rows(app.registry_data),
        "attachments": [{"a": a, "name": documents.get(a.document_code, a.document_code)}
                        for a in app.attachments.order_by("uploaded_at")],
        "results": [{"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind)} for d in app.documents.order_by("issued_at")],
        "exchanges": ExchangeLog.objects.filter(application=app).order_by("at", "id")[:200],
        "signature": _signature_report(app),
        "history": _history(app),
        "panels": _action_panels(request, app, open_tasks),
        "form_fields": describe(service.sub_kind(app.sub_kind).form, app.form_data) if service.has_sub_kind(app.sub_kind) else [],
        "refusal_texts": _refusal_texts(app),
        "diagram_labels": {name: str(label) for name, label in labels.items()},
        "section": "queue",
    }
    return render(request, "backoffice/request.html", context)


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


@staff_required
def attachment(request, application_id, attachment_id):
    app = _get(request, application_id)
    a = get_object_or_404(Attachment, application=app, pk=attachment_id)
    response = FileResponse(a.file.open("rb"), content_type=a.content_type, as_attachment=True,
                            filename=a.original_name)
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
            actions.register_incoming(app.pk, user)
        elif kind == "put_on_portal":
            actions.put_on_portal(app.pk, user)
        elif kind == "assign_unit":
            actions.assign_unit(app.pk, user)
        elif kind == "assign_executor":
            try:
                executor_id = int(request.POST.get("executor_id", ""))
            except ValueError:
                executor_id = 0
            actions.assign_executor(app.pk, user, executor_id=executor_id)
        elif kind == "sign_result":
            actions.sign_result(app.pk, user)
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
    """The qualification check as a checklist: every item met → approval; the items marked not met (and the
    documents marked missing) are the refusal's reasons, with the officer's comment."""
    requirements = list(QualificationRequirement.objects.filter(service=app.service).values_list("code", flat=True))
    failed = [code for code in requirements if request.POST.get(f"req-{code}") == "not_met"]
    unanswered = [code for code in requirements if request.POST.get(f"req-{code}") not in ("met", "not_met")]
    missing = [f"missing:{code}" for code in request.POST.getlist("missing")]
    comment = request.POST.get("comment", "").strip()
    if kind == "approve":
        if failed or missing:
            raise actions.InvalidInput(_("Items are marked as not met: refuse with these reasons, or correct the checklist."),
                                       code="checklist_failed")
        if unanswered:
            raise actions.InvalidInput(_("Work through every item of the checklist before deciding."),
                                       code="checklist_incomplete")
        actions.decide(app.pk, request.user, decision="approve", comment=comment)
    else:
        if not (failed or missing or comment):
            raise actions.InvalidInput(_("A refusal must give its reasons: mark the items not met or write the reason."),
                                       code="reasons_required")
        actions.decide(app.pk, request.user, decision="refuse", reasons=failed + missing, comment=comment)


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
    from workflow.operations import registry_lookup

    iin, bin_ = actions._identify(iin, bin_)
    try:
        with about(app):
            result = registry_lookup(iin, bin_)
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
    if request.method == "POST":
        try:
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
        "max_mb": settings.ELICENSE_MAX_ATTACHMENT_BYTES // (1024 * 1024), "section": "new"})
