"""Filling the form (§3 P3) with autosave and inline validation (htmx), the attachments, and the applicant's
progress through fill, pay and sign."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications import actions
from applications.models import Attachment
from core.downloads import content_disposition
from core.errors import DomainError
from portal.formfields import describe, from_post
from portal.labels import localized
from portal.views.access import _error_message, _mine, applicant_required
from services import registry
from services.models import RequiredDocument
from workflow.models import WorkTask


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
        data = app.form_data
        panel = registry.panel(app, "fill_panel", data, request.GET)  # e.g. S2: pick a free numbering block
        if panel and panel.get("fill"):
            data = {**(data or {}), **panel["fill"]}
        return render(request, "portal/fill.html", {**_form_context(app, data), "service_panel": panel})
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


@applicant_required
def attachment(request, application_id, attachment_id):
    app = _mine(request, application_id)
    row = get_object_or_404(Attachment, pk=attachment_id, application=app)
    response = HttpResponse(row.file.open("rb").read(), content_type=row.content_type)
    response["Content-Disposition"] = content_disposition(row.original_name, row.content_type)
    return response
