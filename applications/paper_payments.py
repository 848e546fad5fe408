"""The fee of a paper request (staff channel), paid at a bank and confirmed with the payment gateway.

A paid service (S1, S3) entered from paper is registered only once the officer has confirmed the fee's payment
fact: they enter the payer's IIN/BIN and the payment reference from the bank's receipt; the gateway is asked for
the payment under that reference (``payments.find``, real HTTP) and it must exist, be paid, be the payer's, be
of the service's fee (``services.Fee``, as the portal charges it) and for this service; the reference must not
have served another request (``integrations.Payment.reference`` is unique). The confirmation is a ``Payment`` row
(reported_by "officer"), an event in the request's history and an audit entry; the registration step (P6,
``applications.actions.attach_scans``) asks for it (``require_confirmed``), so the API path does the same.
"""
from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import actions
from applications.models import Application
from applications.paper_fee import CONFIRMED_BY, PaymentNotConfirmed, confirmed, needs_payment, require_confirmed
from audit import actions as audit
from core.errors import DomainError
from core.identifiers import IdentifierError, parse_bin, parse_iin
from integrations import adapters
from integrations.adapters import AdapterUnavailable
from integrations.exchange import about
from integrations.models import Payment
from integrations.payments import GatewayRefused
from workflow import engine

STEP = "attach_scans"  # the staff channel's registration step (P6), where the fee is confirmed


class PaymentRefused(DomainError):
    """The gateway's answer does not confirm the payment: its code says why (a person reads the message)."""

    code = "paper_payment_refused"
    status = 422


MESSAGES = {
    "payment_not_found": _("The payment gateway has no payment with this reference. Check the reference on the "
                           "bank's receipt."),
    "payment_not_paid": _("The payment under this reference is not paid (the gateway reports it as not "
                          "completed)."),
    "payment_payer_mismatch": _("The payment was made by another payer than the IIN/BIN entered."),
    "payment_payer_not_applicant": _("The payer must be the applicant: enter the applicant's IIN or BIN."),
    "payment_amount_mismatch": _("The amount paid (%(paid)s ₸) is not the service's fee (%(fee)s ₸)."),
    "payment_purpose_mismatch": _("The payment was made for another service, not for this one."),
    "payment_reference_used": _("This payment has already been used for request %(number)s."),
    "payment_already_confirmed": _("Another payment is already confirmed for this request."),
    "payment_lookup_refused": _("The payment gateway refused the look-up of this reference."),
}


def _refused(code: str, **params) -> PaymentRefused:
    message = MESSAGES[code] % params if params else MESSAGES[code]
    return PaymentRefused(message, code=code, **params)


def _payer(value) -> str:

    value = value.strip() if isinstance(value, str) else ""
    if not value:
        raise actions.InvalidInput(_("Enter the payer's IIN or BIN."), code="payer_required")
    try:
        return parse_iin(value).value
    except IdentifierError as as_iin:
        try:
            return parse_bin(value).value
        except IdentifierError:
            raise actions.InvalidInput(as_iin.message, code=f"payer_{as_iin.code}") from None


def _reference(value) -> str:

    value = value.strip() if isinstance(value, str) else ""
    if not value or len(value) > 40 or not value.isprintable():
        raise actions.InvalidInput(_("Enter the payment reference as printed on the bank's receipt (at most 40 characters)."),
                           code="payment_reference_invalid")
    return value


def _used_by(reference: str, gateway_id: str):
    used = Payment.objects.filter(reference=reference).select_related("application").first()
    if used is None and gateway_id:
        used = Payment.objects.filter(gateway_id=gateway_id).select_related("application").first()
    return used


def _check(app, found, payer: str, reference: str, fee: int) -> None:
    """Every condition of the payment fact, in the order a person would check a receipt."""
    if found is None:
        raise _refused("payment_not_found")
    if found.fact != Payment.Status.PAID:
        raise _refused("payment_not_paid")
    if found.payer != payer:
        raise _refused("payment_payer_mismatch")
    if payer not in {app.applicant_iin, app.applicant_bin} - {""}:
        raise _refused("payment_payer_not_applicant")
    if found.amount != fee:
        raise _refused("payment_amount_mismatch", paid=f"{found.amount:,}".replace(",", "\u00a0"),
                       fee=f"{fee:,}".replace(",", "\u00a0"))
    service, sub_kind = found.metadata.get("service", ""), found.metadata.get("sub_kind", "")
    if service != app.service or (sub_kind and sub_kind != app.sub_kind):
        raise _refused("payment_purpose_mismatch")
    used = _used_by(reference, found.payment_id)
    if used is not None and used.application_id != app.pk:
        raise _refused("payment_reference_used", number=used.application.number or f"#{used.application_id}")


def confirm_payment(application_id, actor, *, payer: str, reference: str, request=None) -> Payment:
    """The officer confirms the fee of a paper request with the gateway (while the registration step is open).

    The gateway is asked outside any transaction that holds the request; its answer is checked, then recorded
    under the lock (checked again there). A repeated confirmation of the same payment returns it unchanged;
    anything refused changes nothing (the exchange log keeps the look-up). The gateway down: 503."""
    app = Application.objects.get(pk=application_id)
    if not actions.may_complete(actor, app, engine.open_task(app, STEP)):
        raise engine.NotAllowed()
    if not needs_payment(app):
        raise actions.InvalidInput(_("This request has no fee to confirm."), code="payment_not_needed")
    payer, reference = _payer(payer), _reference(reference)
    existing = confirmed(app)
    if existing is not None:
        if existing.reference == reference:
            return existing
        raise _refused("payment_already_confirmed")
    used = _used_by(reference, "")
    if used is not None:  # known here already: the gateway need not be asked
        raise _refused("payment_reference_used", number=used.application.number or f"#{used.application_id}")
    fee = actions.current_fee(app).amount_kzt
    try:
        with about(app):
            found = adapters.payments().find(reference)
    except AdapterUnavailable as exc:
        raise actions.OutsideSystemUnavailable(system=exc.system) from None
    except GatewayRefused:
        raise _refused("payment_lookup_refused") from None
    _check(app, found, payer, reference, fee)
    with transaction.atomic():
        app = actions._locked(application_id)
        task = engine.open_task(app, STEP)
        if not actions.may_complete(actor, app, task):
            raise engine.NotAllowed()
        existing = confirmed(app)
        if existing is not None:
            if existing.reference == reference:
                return existing
            raise _refused("payment_already_confirmed")
        _check(app, found, payer, reference, fee)
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    application=app, amount_kzt=found.amount, reference=reference, status=Payment.Status.PAID,
                    settled_at=timezone.now(), gateway_id=found.payment_id, gateway_status=found.status,
                    reported_by=CONFIRMED_BY, payer=payer, confirmed_by=actor)
        except IntegrityError:  # confirmed meanwhile for another request
            used = _used_by(reference, found.payment_id)
            raise _refused("payment_reference_used",
                           number=(used.application.number or f"#{used.application_id}") if used else "—") from None
        engine.record_event(app, "payment_confirmed", actor, task, reference=reference, amount_kzt=found.amount,
                            payer=payer)
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=app, request=request, data={
            "change": "payment_confirmed", "reference": reference, "amount_kzt": found.amount, "payer": payer,
            "gateway_id": found.payment_id})
    return payment


__all__ = ["PaymentNotConfirmed", "PaymentRefused", "confirm_payment", "confirmed", "needs_payment",
           "require_confirmed"]
