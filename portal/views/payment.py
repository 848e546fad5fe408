"""Paying the fee (§3 P4 / C2 for S1 before signing; S3 step 9 after the check)."""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from applications import actions
from core.errors import DomainError
from integrations.models import Payment
from portal.labels import PAYMENT_STATUS
from portal.views.access import _error_message, _mine, applicant_required
from portal.views.filling import _progress
from services import registry
from workflow.models import WorkTask


# -- payment (§3 P4 / C2 for S1 before signing; S3 step 9 after the check) -------------------------------
@applicant_required
def payment(request, application_id):
    app = _mine(request, application_id)
    task = app.tasks.filter(state=WorkTask.State.OPEN, action_kind="pay").first()
    returned = request.method == "GET" and request.GET.get("returned")
    if request.method == "POST" or returned:
        if task is None and not returned:
            return redirect("portal:request", app.pk)
        what = request.POST.get("action", "start") if not returned else "check"
        try:
            if what == "start":
                actions.start_payment(app.pk, request.user)
            elif what == "check" and task is not None:
                # "Check the payment", or back from the gateway's page: ask the gateway now rather than wait
                # for its callback (reconciliation: it records only a fact the gateway states).
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
        "app": app, "title": registry.get(app.service).title, "fee": fee, "payment": open_payment,
        "history": [{"p": p, "status": PAYMENT_STATUS.get(p.status, p.status)} for p in app.payments.order_by("created_at")],
        "steps": _progress(app, "pay") if registry.get(app.service).payment == registry.BEFORE_SIGNING else [],
        "after_check": registry.get(app.service).payment == registry.AFTER_CHECK,
    })
