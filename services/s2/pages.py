"""S2's panels on the generic pages (services.registry.panel): the applicant picks a free block of the numbering plan
while filling an allocation request; the officer sees the request checked against the inventory."""
from numbering import actions as numbering
from numbering import queries


def fill_panel(app, data: dict, params) -> dict | None:
    if app.sub_kind != "allocate":
        return None
    return queries.picker(data, params)


def check_panel(app) -> dict | None:
    holder = numbering.holder_for(app.applicant_iin, app.applicant_bin)
    return queries.request_check(app.sub_kind, dict(app.form_data or {}), holder)
