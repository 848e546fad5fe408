"""S2's own rules (services.registry.check_request), from the numbering inventory (numbering/): an allocation asks
for a free block of an allowed size in an allocatable part of the plan; assigned numbers lie inside the applicant's
own allocation; a withdrawal names a range the applicant holds by the order it names. The inventory governs what the
loaded plan describes: a kind of resource the plan does not describe is left to the officer's check."""
from numbering import actions as numbering


def holder_of(app):
    """The applicant's registry identity, or None (no order yet, or not identified yet: the staff channel before
    the applicant is entered — the decision checks again)."""
    return numbering.holder_for(app.applicant_iin, app.applicant_bin)


def identified(app) -> bool:
    return bool(app.applicant_iin or app.applicant_bin)


def check(app, form: dict) -> list[str]:
    try:
        if app.sub_kind == "allocate":
            kind = form.get("resource_kind", "")
            if numbering.plan_covers(kind):
                numbering.check_allocation(kind, numbering.Span.of(form.get("range_start", ""),
                                                                   form.get("range_end", "")))
        elif app.sub_kind == "assign":
            governed = [str(n.get("number", "")) for n in form.get("numbers") or []
                        if numbering.governs_number(str(n.get("number", "")))]
            if governed and identified(app):
                numbering.check_assignment(holder_of(app), governed)
        elif app.sub_kind == "withdraw":
            kind = form.get("resource_kind", "")
            if numbering.plan_covers(kind) and identified(app):
                numbering.check_withdrawal(holder_of(app), kind, form.get("range_start", ""), form.get("range_end", ""),
                                           form.get("order_number", ""))
    except numbering.NumberingError as err:
        return [str(err.message)]
    return []
