"""My requests (§7 "history of receiving services"), a request's page with its timeline and result, and the
survey."""
from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import actions
from applications.models import Application, ResultDocument, SurveyAnswer
from applications.queries import applicant_filter
from audit.queries import views_of, visits
from core.errors import DomainError
from core.norms import parse_norm
from integrations.signatures import REASON_MESSAGES
from portal.labels import EVENTS, LANES, PAYMENT_STATUS, RESULT_KINDS, STEPS, localized
from portal.views.access import _error_message, _mine, applicant_required
from services import registry
from services.models import QualificationRequirement, RequiredDocument
from workflow.models import Event, WorkTask

APPLICANT_STEPS = ("fill", "pay", "choose_certificate", "sign")


# -- my requests ("history of receiving services", §7) ---------------------------------------------
@applicant_required
def my_requests(request):
    apps = (Application.objects.filter(applicant_filter(request.user))
            .prefetch_related(Prefetch("tasks", queryset=WorkTask.objects.filter(state=WorkTask.State.OPEN),
                                       to_attr="open_tasks")))
    rows = [{"app": a, "holder": _holder(a, a.open_tasks), "next": _next_action(a, a.open_tasks, request.user)}
            for a in apps]
    return render(request, "portal/requests.html", {"rows": rows})


def _holder(app, open_tasks) -> str:
    """Who holds the request now (the lane of its open step, with the provider unit's name)."""
    if app.status in (Application.Status.COMPLETED, Application.Status.REFUSED, Application.Status.WITHDRAWN):
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


def _next_action(app, open_tasks, user=None) -> dict | None:
    """The applicant's own open step, with the page where they do it — none for someone who sees the request but
    does not act on it (the company or person a representative filed it for)."""
    if user is not None and app.applicant_user_id != user.pk:
        return None
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
                      "css": "open", "due": applicant_due(task), "open": True})
    return items


def applicant_due(task):
    """The due time of an open step as the applicant is shown it: only a term in days (or the request's own
    deadline) of a step the provider holds — never a norm of seconds, minutes or hours, and never one of
    the applicant's own steps (the regulation's estimate of their time, not a term set for them)."""
    if task.lane in ("applicant", "payment_gateway"):
        return None
    try:
        norm = parse_norm(task.norm)
    except ValueError:
        return None
    if norm is not None and norm.is_sub_day:
        return None
    return task.due_at


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
        "timeline": _timeline(app), "holder": _holder(app, open_tasks), "next": _next_action(app, open_tasks, request.user),
        "documents": [{"doc": d, "kind": RESULT_KINDS.get(d.kind, d.kind), "has_pdf": bool(d.pdf and d.pdf_sha256)} for d in documents],
        "reasons": _reason_texts(app) if app.status == Application.Status.REFUSED else [],
        "survey": survey, "survey_open": finished and survey is None, "survey_choices": SurveyAnswer.Answer.choices,
        "waiting": getattr(getattr(app, "process", None), "waiting_for", ""),
        "viewers": visits(views_of(app)),  # who in the provider opened the request (the audit log), by visit
        "withdrawable": actions.may_withdraw(app),
        "restartable": app.status in (Application.Status.REFUSED, Application.Status.WITHDRAWN),
    })


# -- withdrawing, and starting again from a refused or withdrawn request ---------------------------------
@require_POST
@applicant_required
def withdraw(request, application_id):
    app = _mine(request, application_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you withdraw the request."))
        return redirect("portal:request", app.pk)
    try:
        actions.withdraw(app.pk, request.user, reason=request.POST.get("reason", ""))
    except DomainError as err:
        messages.error(request, _error_message(err))
    else:
        messages.success(request, _("The request is withdrawn. You can start a new one from it at any time."))
    return redirect("portal:request", app.pk)


@require_POST
@applicant_required
def start_again(request, application_id):
    app = _mine(request, application_id)
    try:
        new, _created = actions.create_application(request.user, service="", sub_kind="", channel="portal",
                                                   copy_from=app.pk,
                                                   client_request_id=request.POST.get("client_request_id", "")[:64])
    except DomainError as err:
        messages.error(request, _error_message(err))
        return redirect("portal:request", app.pk)
    messages.success(request, _("A new request, filled in as the earlier one was. Check it, attach the documents "
                                "and sign it."))
    return redirect("portal:fill", new.pk)


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
