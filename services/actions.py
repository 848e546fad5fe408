"""The service registry's actions: the fees of the paid services and the terms for paying them, as the
administrator sets them (one function per action)."""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from audit import actions as audit
from core.errors import DomainError
from services.models import Fee, PaymentTerm


class PaymentTermInvalid(DomainError):
    code = "payment_term_invalid"
    status = 422
    default_message = _("The term is at least one day and the reminder comes before its end.")


def add_fee(*, service: str, sub_kind: str, amount_kzt: int, valid_from: datetime.date,
            valid_to: datetime.date | None = None, actor=None) -> Fee:
    """A new fee of a service's sub-kind, valid from ``valid_from`` (to ``valid_to``; None: open-ended)."""
    with transaction.atomic():
        fee = Fee.objects.create(service=service, sub_kind=sub_kind, amount_kzt=amount_kzt, valid_from=valid_from,
                                 valid_to=valid_to, is_demo_value=False)
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=fee, data={
            "change": "fee_added", "service": service, "sub_kind": sub_kind, "amount_kzt": amount_kzt,
            "valid_from": valid_from, "valid_to": valid_to})
        return fee


def edit_fee(*, fee: Fee, service: str, sub_kind: str, amount_kzt: int, valid_from: datetime.date,
             valid_to: datetime.date | None = None, actor=None) -> Fee:
    """Change a fee (a ``valid_to`` ends it); an edited fee is no longer a demo value."""
    with transaction.atomic():
        before = {"service": fee.service, "sub_kind": fee.sub_kind, "amount_kzt": fee.amount_kzt,
                  "valid_from": fee.valid_from, "valid_to": fee.valid_to}
        fee.service, fee.sub_kind = service, sub_kind
        fee.amount_kzt, fee.valid_from, fee.valid_to = amount_kzt, valid_from, valid_to
        fee.is_demo_value = False
        fee.save()
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=fee, data={
            "change": "fee_edited", "before": before, "after": {
                "service": service, "sub_kind": sub_kind, "amount_kzt": amount_kzt, "valid_from": valid_from,
                "valid_to": valid_to}})
    return fee


def set_payment_term(*, service: str, days: int, notice_days: int, actor=None) -> PaymentTerm:
    """How many calendar days a request of ``service`` waits for its fee before it is refused for non-payment,
    and how many days before that its applicant is reminded."""
    if not isinstance(days, int) or not isinstance(notice_days, int) or days < 1 or not 0 <= notice_days < days:
        raise PaymentTermInvalid()
    with transaction.atomic():
        before = PaymentTerm.objects.filter(service=service).values("days", "notice_days").first()
        term, _created = PaymentTerm.objects.update_or_create(
            service=service, defaults={"days": days, "notice_days": notice_days, "is_demo_value": False})
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=term, data={
            "change": "payment_term_set", "service": service, "before": before,
            "after": {"days": days, "notice_days": notice_days}})
    return term
