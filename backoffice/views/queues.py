"""The officer's queue of open steps and the list of every request the user may see, with their filters."""
from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from accounts.models import User
from applications import actions
from applications.models import Application
from applications.queries import visible
from backoffice import sla
from backoffice.views.access import OFFICE_LANES, is_admin, staff_required
from portal.labels import LANES, RESULT_KINDS, STEPS, localized
from services import registry
from services.labels import bpmn_labels
from workflow.models import WorkTask


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
    from applications.models import ResultDocument

    to_sign = list(ResultDocument.objects.filter(signer=user, pdf_sha256="").select_related("application")
                   .order_by("issued_at")[:100])  # result documents awaiting this officer's own signature
    return render(request, "backoffice/queue.html", {
        "rows": rows, "f": f, **_filter_options(user), "roles": _role_names(user), "section": "queue",
        "to_sign": [{"d": d, "kind": RESULT_KINDS.get(d.kind, d.kind)} for d in to_sign],
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
