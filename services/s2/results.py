"""S2's orders in the numbering inventory (services.registry.result_recorded, in the issuing transaction): an
allocation order allocates its range, an assignment order assigns its numbers, a withdrawal order returns its range
to free. A refusal of the inventory (the range taken meanwhile by a concurrent order) undoes the whole decision."""
from numbering import actions as numbering


def recorded(record, form: dict, document) -> None:
    if document.kind != "order":
        return
    sub_kind = record.scope.get("sub_kind", "")
    kind = form.get("resource_kind", "")
    if sub_kind == "allocate" and numbering.plan_covers(kind):
        numbering.allocate(holder=record.holder, resource_type=kind, first=form.get("range_start", ""),
                           last=form.get("range_end", ""), record=record, order_number=record.number,
                           now=document.issued_at)
    elif sub_kind == "assign":
        governed = [str(n.get("number", "")) for n in form.get("numbers") or []
                    if numbering.governs_number(str(n.get("number", "")))]
        if governed:
            numbering.assign(holder=record.holder, numbers=governed, record=record, order_number=record.number,
                             now=document.issued_at)
    elif sub_kind == "withdraw" and numbering.plan_covers(kind):
        numbering.withdraw(holder=record.holder, resource_type=kind, first=form.get("range_start", ""),
                           last=form.get("range_end", ""), by_number=record.number,
                           order_number=form.get("order_number", ""), now=document.issued_at)
