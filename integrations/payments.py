"""The e-government payment gateway.

`LocalPaymentGateway` is the default for development and tests: the payment
is a row of integrations.Payment whose status the payer's actions at the
gateway (`pay`, `decline`) set, after which the gateway reports the fact to
E-licensing (`applications.actions.record_payment_fact`). The HTTP adapter for
the real gateway implements the same interface: create, status.
"""
from __future__ import annotations

import secrets

from django.utils import timezone

from integrations.models import Payment


class LocalPaymentGateway:
    def create(self, application, amount_kzt: int) -> Payment:
        return Payment.objects.create(
            application=application, amount_kzt=amount_kzt, reference=f"PAY-{secrets.token_hex(8).upper()}"
        )

    def status(self, reference: str) -> str:
        return Payment.objects.values_list("status", flat=True).get(reference=reference)

    # -- the payer's side, at the gateway ------------------------------------
    def settle(self, reference: str, status: str) -> Payment:
        """The payer paid or declined at the gateway's page."""
        assert status in (Payment.Status.PAID, Payment.Status.DECLINED)
        updated = Payment.objects.filter(reference=reference, status=Payment.Status.CREATED).update(
            status=status, settled_at=timezone.now()
        )
        payment = Payment.objects.get(reference=reference)
        payment.newly_settled = bool(updated)
        return payment
