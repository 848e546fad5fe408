"""S1's own rules at filling (services/s1/checks.py, issue 14 item 5): a re-issue or a duplicate names a licence
the register holds, of this applicant, and valid — or the request is not taken, says why, and goes nowhere near
payment. The same rule holds for the staff channel's paper request and at the officer's decision."""
import pytest

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, FORMS, create, decide, open_kinds, pay, sign
from registry.models import Record
from registry.tests.helpers import act, licence


def _fill(api, app, sub_kind, number, expect=200):
    form = {**FORMS[("S1", sub_kind)], "licence_number": number}
    api.put(f"/applications/{app['id']}/form", {"data": form, "version": app["form_version"]})
    for code in DOCUMENTS[("S1", sub_kind)]:
        api.upload(app["id"], code)
    response = api._call("post", f"/applications/{app['id']}/fill", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == expect, response.content[:1000]
    return response.json()


@pytest.mark.parametrize("sub_kind", ["reissue", "duplicate"])
def test_a_licence_the_register_does_not_hold_is_refused_at_filling_and_never_paid(world, sub_kind):
    api = world.api["person"]
    app = create(api, "S1", sub_kind)
    answer = _fill(api, app, sub_kind, "LIC-2026-424242", expect=422)
    assert answer["code"] == "service_check_failed"
    assert answer["message"] == ("No licence LIC-2026-424242 is in the register of licences: check the number on "
                                 "the licence.")
    again = api.get(f"/applications/{app['id']}")
    assert again["status"] == "draft" and open_kinds(again) == ["fill"]
    assert api._call("post", f"/applications/{app['id']}/payment", {}).status_code != 200


def test_another_holders_licence_is_refused(world):
    _app, number = licence(world, who="company_head")
    api = world.api["person"]
    answer = _fill(api, create(api, "S1", "duplicate"), "duplicate", number, expect=422)
    assert answer["message"] == f"Licence {number} is not held by the applicant."


@pytest.mark.parametrize(("sub_kind", "message"), [
    ("reissue", "Licence {number} is suspended: only a valid licence is re-issued."),
    ("duplicate", "Licence {number} is suspended: a duplicate is issued only for a valid licence."),
])
def test_a_suspended_licence_is_neither_reissued_nor_duplicated(world, sub_kind, message):
    _app, number = licence(world, who="person")
    act(world.api["committee_officer"], number, "suspend", reason="по решению суда")
    api = world.api["person"]
    answer = _fill(api, create(api, "S1", sub_kind), sub_kind, number, expect=422)
    assert answer["message"] == message.format(number=number)


def test_the_applicants_own_valid_licence_typed_in_lower_case_is_duplicated(world):
    first, number = licence(world, who="person")
    api = world.api["person"]
    app = _fill(api, create(api, "S1", "duplicate"), "duplicate", number.lower())
    assert open_kinds(app) == ["pay"]
    app = pay(api, app)
    app = sign(world, api, app)
    assert app["status"] == "registered"
    assert Application.objects.get(pk=app["id"]).form_data["licence_number"] == number
    assert Record.objects.get(number=number).documents.count() == 1  # nothing changes before the decision
    decide(world.api["committee_officer"], app)
    record = Record.objects.get(number=number)
    assert [d.role for d in record.documents.order_by("version")] == ["original", "duplicate"]
    assert first["id"] != app["id"]
