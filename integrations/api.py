"""What outside systems call on E-licensing: the payment gateway's callback (webhook).

POST /api/v1/gateway/callbacks/payments — body as the gateway sends it (GOV.UK Pay webhook shape),
header Pay-Signature = hex HMAC-SHA256(payments secret, raw body). A missing or wrong signature is
refused (403) and changes nothing; a repeated or late callback is acknowledged (200) and changes
nothing; every callback is written to the exchange log.
"""
import hashlib
import json
import time

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router

from applications import actions
from integrations import adapters
from integrations.exchange import log_exchange
from integrations.models import ExchangeLog, Payment
from integrations.payments import GatewayPayment

router = Router(tags=["outside systems' callbacks"])

REFUSALS = {
    "signature_invalid": _("The callback's Pay-Signature is missing or invalid."),
    "invalid_body": _("The callback's body could not be read."),
}


@router.post("/callbacks/payments", auth=None, include_in_schema=True)
def payment_callback(request):
    """The payment gateway reports a payment's state (signed; idempotent)."""
    started, received = time.monotonic(), timezone.now()
    body = request.body
    correlation = request.headers.get("X-Correlation-Id", "")[:64]

    def log(outcome, status, application_id=None, response=None, error=""):
        log_exchange(
            at=received, system="payments", operation="payment_callback", direction="in", method="POST",
            url=request.path, correlation_id=correlation, status_code=status, application_id=application_id,
            request_sha256=hashlib.sha256(body).hexdigest(), request_body=message if outcome != "forged" else None,
            response_body=response, duration_ms=round((time.monotonic() - started) * 1000, 3), outcome=outcome,
            error=error,
        )
        if status >= 400:  # refusals in the API's one error shape (web/errors.py)
            message_text = response.get("message") or REFUSALS.get(response["code"], REFUSALS["invalid_body"])
            return JsonResponse({"code": response["code"], "message": str(message_text), "details": {}}, status=status)
        return JsonResponse(response or {}, status=status)

    message = None
    if not adapters.payments().verify_callback(body, request.headers.get("Pay-Signature", "")):
        return log(ExchangeLog.Outcome.FORGED, 403, response={"code": "signature_invalid"},
                   error="Pay-Signature missing or invalid")
    try:
        message = json.loads(body)
        correlation = correlation or str(message.get("webhook_message_id", ""))[:64]
        gateway_payment = GatewayPayment.from_json(message["resource"])
    except (ValueError, KeyError, TypeError):
        return log(ExchangeLog.Outcome.REFUSED, 400, response={"code": "invalid_body"})
    application_id = Payment.objects.filter(gateway_id=gateway_payment.payment_id).values_list(
        "application_id", flat=True).first()
    if application_id is None:
        return log(ExchangeLog.Outcome.NOT_FOUND, 200, response={"status": "unknown_payment"})
    try:
        app, changed = actions.report_payment(gateway_payment, "callback")
    except actions.InvalidInput as exc:
        return log(ExchangeLog.Outcome.REFUSED, 422, application_id, {"code": exc.code, "message": str(exc.message)})
    return log(ExchangeLog.Outcome.OK if changed else ExchangeLog.Outcome.DUPLICATE, 200, application_id,
               {"status": "recorded" if changed else "no_change", "application_status": app.status})
