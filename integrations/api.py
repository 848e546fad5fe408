"""The payer's side of the local payment gateway (development and tests).

In production the payer pays at the real gateway, which calls back; here the
applicant's pay/decline at these endpoints settles the payment and the
gateway's report reaches E-licensing the same way.
"""
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from applications import actions
from integrations import adapters
from integrations.models import Payment

router = Router(tags=["payment gateway (local)"])


class SettledOut(Schema):
    reference: str
    status: str
    application_status: str


def _settle(request, reference: str, status: str):
    payment = get_object_or_404(Payment, reference=reference, application__applicant_user=request.auth)
    payment = adapters.payments().settle(payment.reference, status)
    app = actions.record_payment_fact(payment.reference)
    return {"reference": payment.reference, "status": payment.status, "application_status": app.status}


@router.post("/payments/{reference}/pay", response=SettledOut)
def pay(request, reference: str):
    return _settle(request, reference, Payment.Status.PAID)


@router.post("/payments/{reference}/decline", response=SettledOut)
def decline(request, reference: str):
    return _settle(request, reference, Payment.Status.DECLINED)
