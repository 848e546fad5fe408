"""The service registry's actions: the fees of the paid services, as the administrator sets them (one function
per action)."""
from __future__ import annotations

import datetime

from django.db import transaction

from audit import actions as audit
from services.models import Fee


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
