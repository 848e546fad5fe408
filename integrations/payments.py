"""The e-government payment gateway (ЭҮТШ): interface and HTTP adapter (GOV.UK Pay-shaped API).

    payments.create(application, amount_kzt, reference=, description=, return_url=, idempotency_key=)
                                               → GatewayPayment (payment_id, status, next_url, …)
    payments.status(payment_id)                → GatewayPayment
    payments.find(reference)                   → GatewayPayment | None (the payment with that reference: a fee
                                                 paid at a bank, confirmed by an officer for a paper request)
    payments.cancel(payment_id)                → GatewayPayment (the state after cancelling)
    payments.refund(payment_id, amount_kzt, idempotency_key=) → dict (the gateway's refund)
    payments.verify_callback(body, signature)  → bool

All of them raise AdapterUnavailable when the gateway cannot be reached.
"""
from __future__ import annotations

import hmac
import urllib.parse
from dataclasses import dataclass, field

from django.conf import settings

from core.errors import DomainError
from integrations.exchange import ServiceClient, body_mac

# The gateway's states (GOV.UK Pay) → the payment fact E-licensing branches on.
FACTS = {"success": "paid", "failed": "declined", "error": "declined", "cancelled": "cancelled"}


@dataclass(frozen=True)
class GatewayPayment:
    payment_id: str
    status: str  # created / started / submitted / success / failed / cancelled / error
    finished: bool
    amount: int
    reference: str
    next_url: str = ""
    code: str = ""
    description: str = ""
    metadata: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def payer(self) -> str:
        """The payer's IIN/BIN as the gateway knows it (a bank payment's metadata), else empty."""
        return str(self.metadata.get("payer", ""))

    @property
    def fact(self) -> str:
        """paid / declined / cancelled once finished, else created (still awaiting the payer)."""
        return FACTS.get(self.status, "created") if self.finished else "created"

    @classmethod
    def from_json(cls, body: dict) -> GatewayPayment:
        state = body.get("state") or {}
        return cls(
            payment_id=str(body["payment_id"]), status=str(state.get("status", "")), finished=bool(state.get("finished")),
            amount=int(body.get("amount") or 0), reference=str(body.get("reference", "")),
            next_url=((body.get("_links") or {}).get("next_url") or {}).get("href", ""), code=str(state.get("code", "")),
            description=str(body.get("description", "")),
            metadata=dict(body.get("metadata") or {}) if isinstance(body.get("metadata"), dict) else {},
        )


class GatewayRefused(DomainError):
    code = "payment_gateway_refused"
    status = 409


class HttpPaymentGateway:
    system = "payments"

    def __init__(self):
        self.secret = settings.ELICENSE_PAYMENTS_SECRET
        self.client = ServiceClient(self.system, settings.ELICENSE_PAYMENTS_URL, self.secret)

    def _refused(self, answer):
        body = answer.body or {}
        raise GatewayRefused(body.get("message") or body.get("code") or f"HTTP {answer.status}",
                             gateway_code=body.get("code", ""))

    def create(self, application, amount_kzt: int, *, reference: str, description: str, return_url: str = "",
               idempotency_key: str) -> GatewayPayment:
        answer = self.client.call("create_payment", "POST", "/v1/payments", {
            "amount": int(amount_kzt), "reference": reference, "description": description, "return_url": return_url,
            "metadata": {"application_id": application.pk, "service": application.service},
        }, idempotency_key=idempotency_key)
        if not answer.ok:
            self._refused(answer)
        return GatewayPayment.from_json(answer.body)

    def status(self, payment_id: str) -> GatewayPayment:
        answer = self.client.call("payment_status", "GET", f"/v1/payments/{payment_id}")
        if not answer.ok:
            self._refused(answer)
        return GatewayPayment.from_json(answer.body)

    def find(self, reference: str) -> GatewayPayment | None:
        """The payment the gateway holds under ``reference`` (GOV.UK Pay's search by reference), or None; more
        than one under the same reference is refused (which of them was paid cannot be told)."""
        answer = self.client.call("find_payment", "GET", f"/v1/payments?{urllib.parse.urlencode({'reference': reference})}")
        if not answer.ok:
            self._refused(answer)
        results = [r for r in (answer.body or {}).get("results") or [] if r.get("reference") == reference]
        if len(results) > 1:
            raise GatewayRefused("several payments under one reference", gateway_code="reference_ambiguous")
        return GatewayPayment.from_json(results[0]) if results else None

    def cancel(self, payment_id: str) -> GatewayPayment:
        # Cancelling twice is harmless (409 once finished): safe to retry under a key.
        answer = self.client.call("cancel_payment", "POST", f"/v1/payments/{payment_id}/cancel",
                                  idempotency_key=f"cancel-{payment_id}")
        if answer.status not in (204, 409):
            self._refused(answer)
        return self.status(payment_id)

    def refund(self, payment_id: str, amount_kzt: int, *, idempotency_key: str) -> dict:
        answer = self.client.call("refund_payment", "POST", f"/v1/payments/{payment_id}/refunds",
                                  {"amount": int(amount_kzt)}, idempotency_key=idempotency_key)
        if not answer.ok:
            self._refused(answer)
        return answer.body

    def verify_callback(self, body: bytes, signature: str) -> bool:
        return bool(signature) and hmac.compare_digest(body_mac(self.secret, body), signature)
