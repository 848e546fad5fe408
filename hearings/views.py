"""The hearing's pages: the applicant's answer on the portal, the officer's closing of a hearing whose term
passed without an answer (the back office). The sections showing them are templatetags/hearings.py."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backoffice.views.access import staff_required
from backoffice.views.requests import _get as office_request
from core.errors import DomainError
from hearings import actions
from portal.views.access import _mine, applicant_required


@require_POST
@applicant_required
def answer(request, application_id):
    app = _mine(request, application_id)
    try:
        actions.answer(app.pk, request.user, text=request.POST.get("answer", ""))
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Your position is recorded; the provider decides with it in view."))
    return redirect("portal:request", app.pk)


@require_POST
@staff_required
def close(request, application_id):
    app = office_request(request, application_id)
    try:
        actions.close_without_answer(app.pk, request.user)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("The hearing is closed: no answer came within the term. You can decide now."))
    return redirect("backoffice:request", app.pk)
