"""The rule of a paper request's fee (the staff channel of a paid service): registered only once confirmed.

The confirmation itself is ``applications.paper_payments.confirm_payment`` (the gateway asked); the registration
step (P6, ``applications.actions.attach_scans``) asks ``require_confirmed`` under the request's lock."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from integrations.models import Payment
from services import registry

CONFIRMED_BY = "officer"  # Payment.reported_by of a fee confirmed by an officer


class PaymentNotConfirmed(DomainError):
    code = "paper_payment_missing"
    status = 409
    default_message = _("The fee is not confirmed: enter the payer's IIN/BIN and the payment reference from the "
                        "bank's receipt and confirm the payment with the gateway before registering the request.")


def needs_payment(app) -> bool:
    """A paper request of a paid service: its fee is confirmed before it is registered."""
    service = registry.find(app.service)
    return app.channel == "staff" and service is not None and service.paid


def confirmed(app) -> Payment | None:
    return app.payments.filter(status=Payment.Status.PAID, reported_by=CONFIRMED_BY).order_by("-id").first()


def require_confirmed(app) -> None:
    """Called by the registration step (under the request's lock): a paid paper request needs its fee confirmed."""
    if needs_payment(app) and confirmed(app) is None:
        raise PaymentNotConfirmed()
