"""Withdraw and start again (issue 14): an applicant withdraws a request before its decision — its open steps
cancelled, its open payment cancelled at the gateway, the history ending with "withdrawn"; after the decision it
is too late. A refused or withdrawn request is the start of a new one, pre-filled from it."""
import pytest

from applications import actions
from applications.models import Application
from applications.tests.journeys import FORMS, create, decide, fill, portal_until_registered
from integrations.models import Payment
from workflow.models import ProcessInstance, WorkTask


def test_a_draft_is_withdrawn_and_its_history_ends_so(world):
    api = world.api["person"]
    app = create(api, "S4", "device")
    out = api.post(f"/applications/{app['id']}/withdrawal", {"reason": "filed by mistake"})
    assert out["status"] == "withdrawn" and out["open_tasks"] == [] and out["finished_at"]
    history = api.get(f"/applications/{app['id']}/history")
    assert history[-1]["kind"] == "withdrawn" and history[-1]["data"]["reason"] == "filed by mistake"
    assert not WorkTask.objects.filter(application_id=app["id"], state="open").exists()
    assert ProcessInstance.objects.get(application_id=app["id"]).completed
    api.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": 0}, expect=409)
    # Once withdrawn, nothing more: not again.
    again = api.post(f"/applications/{app['id']}/withdrawal", {}, expect=409)
    assert again["code"] == "withdrawal_too_late"


def test_a_registered_request_is_withdrawn_before_the_decision(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S4", "device")
    assert api.post(f"/applications/{app['id']}/withdrawal", {})["status"] == "withdrawn"
    # The officer's step is gone from the queue; deciding it is refused.
    assert world.api["inspection_officer"].get("/applications/queue") == []


def test_after_the_decision_it_is_too_late(world):
    api = world.api["person"]
    app = decide(world.api["inspection_officer"], portal_until_registered(world, api, "S3", "assignment"))
    assert [t["action_kind"] for t in app["open_tasks"]] == ["pay"]  # decided, awaiting the fee
    refused = api.post(f"/applications/{app['id']}/withdrawal", {}, expect=409)
    assert refused["code"] == "withdrawal_too_late"
    assert Application.objects.get(pk=app["id"]).status == "registered"


def test_the_open_payment_is_cancelled_at_the_gateway(world):
    from applications.tests.journeys import _http

    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    payment = api.post(f"/applications/{app['id']}/payment")
    api.post(f"/applications/{app['id']}/withdrawal", {})
    assert Payment.objects.get(reference=payment["reference"]).status == Payment.Status.CANCELLED
    assert _http("GET", payment["next_url"])[1]["payment"]["state"]["status"] == "cancelled"


def test_only_the_applicant_withdraws(world):
    app = create(world.api["person"], "S4", "device")
    world.api["company_head"].post(f"/applications/{app['id']}/withdrawal", {}, expect=404)
    world.api["inspection_officer"].post(f"/applications/{app['id']}/withdrawal", {}, expect=404)
    assert Application.objects.get(pk=app["id"]).status == "draft"


def test_a_refused_request_starts_a_new_one_filled_in_as_it_was(world):
    api = world.api["person"]
    refused = decide(world.api["inspection_officer"], portal_until_registered(world, api, "S4", "device"),
                     "refuse", comment="the device has no conformity certificate")
    assert refused["status"] == "refused"
    new = api.post(f"/applications/{refused['id']}/copy", {}, expect=201)
    assert new["id"] != refused["id"] and new["status"] == "draft"
    assert (new["service"], new["sub_kind"], new["region"]) == ("S4", "device", refused["region"])
    assert new["form"] == refused["form"] and new["form"]
    assert [t["action_kind"] for t in new["open_tasks"]] == ["fill"]
    assert api.get(f"/applications/{new['id']}/history")[-1]["kind"] in ("prefilled_from_request", "registry_prefill")
    # A request still in progress, or someone else's, is not a source.
    live = create(api, "S4", "device")
    assert api.post(f"/applications/{live['id']}/copy", {}, expect=422)["code"] == "copy_source_not_ended"
    world.api["company_head"].post(f"/applications/{refused['id']}/copy", {}, expect=404)


def test_the_portal_page_offers_both_and_needs_a_confirmation(world, client):
    api = world.api["person"]
    app = create(api, "S4", "device")
    client.force_login(world.person)
    page = client.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Withdraw the request" in page and "Start a new request from this one" not in page
    client.post(f"/portal/requests/{app['id']}/withdrawal", {"reason": "x"})  # not confirmed
    assert Application.objects.get(pk=app["id"]).status == "draft"
    client.post(f"/portal/requests/{app['id']}/withdrawal", {"reason": "x", "confirm": "yes"})
    assert Application.objects.get(pk=app["id"]).status == "withdrawn"
    page = client.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Request withdrawn by the applicant" in page and "Start a new request from this one" in page
    assert "Withdraw the request" not in page
    response = client.post(f"/portal/requests/{app['id']}/copy")
    new = Application.objects.filter(applicant_user=world.person).exclude(pk=app["id"]).get()
    assert response["Location"].endswith(f"/portal/requests/{new.pk}/form")


@pytest.mark.parametrize("reason", ["", "a" * 2000, "\u0000"])
def test_any_reason_text_is_taken_safely(world, reason):
    api = world.api["person"]
    app = create(api, "S4", "device")
    if "\u0000" in reason:
        api.post(f"/applications/{app['id']}/withdrawal", {"reason": reason}, expect=400)  # NUL refused (api.input)
        assert Application.objects.get(pk=app["id"]).status == "draft"
        return
    actions.withdraw(app["id"], world.person, reason=reason)
    app_row = Application.objects.get(pk=app["id"])
    assert app_row.status == "withdrawn"
