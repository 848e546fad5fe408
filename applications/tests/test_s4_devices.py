"""S4 permit to operate radio-electronic and high-frequency devices: every branch of the portal
table and of the staff channel, through the API. The Inspection of the region decides; no fee;
result: a permit within 16 calendar days (spec §2-§4)."""

import pytest

from applications.tests.journeys import (
    FORMS,
    assert_deadline,
    assert_no_payment,
    bad_certificate,
    create,
    decide,
    fill,
    open_kinds,
    portal_until_registered,
    sign,
    sign_tampered,
    staff_until_registered,
    step_sequence,
    unknown_iin,
)


@pytest.mark.parametrize("sub_kind", ["device", "hf_device"])
def test_portal_step_9_permit_within_16_calendar_days_without_payment(world, sub_kind):
    api = world.api["person"]
    app = create(api, "S4", sub_kind)
    assert app["process_id"] == "S4_portal_2026" and app["provider_unit"] == "inspection-almaty-city"
    app = fill(api, app, "S4", sub_kind)
    assert open_kinds(app) == ["choose_certificate"]  # step 3 → 4: no payment
    app = sign(world, api, app)
    assert app["status"] == "registered" and app["number"].startswith("S4-")
    assert_deadline(app, 16, "calendar")
    assert open_kinds(app) == ["decide"]
    api.post(f"/applications/{app['id']}/payment", expect=409)
    inspector = world.api["inspection_officer"]
    assert [t["action_kind"] for t in inspector.get("/applications/queue")] == ["decide"]
    app = decide(inspector, app)
    assert app["status"] == "completed" and app["result_kind"] == "permit"
    assert [d["kind"] for d in app["documents"]] == ["permit"] and app["documents"][0]["number"].startswith("PRM-")
    assert app["documents"][0]["content"]["request_number"] == app["number"]
    assert_deadline(app, 16, "calendar")
    assert_no_payment(api, app)
    assert step_sequence(api, app) == ["1", "3", "4", "6", "7", "9"]


def test_portal_step_2_authorisation_refused(world):
    app = create(world.api["unregistered"], "S4", "device")
    assert app["status"] == "refused" and app["refusal_step"] == "2" and app["refusal_reason"] == "authorisation_refused"


@pytest.mark.parametrize("problem,reason", [("expired", "expired"), ("other_person", "identity_mismatch")])
def test_portal_step_5_eds_not_confirmed(world, problem, reason):
    api = world.api["person"]
    app = fill(api, create(api, "S4", "device"), "S4", "device")
    app = sign(world, api, app, cert=bad_certificate(world, problem))
    assert app["status"] == "refused" and app["refusal_step"] == "5"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]
    assert_no_payment(api, app)


def test_portal_step_6_invalid_signature_goes_to_step_5(world):
    api = world.api["person"]
    app = sign_tampered(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
    assert app["status"] == "refused" and app["refusal_step"] == "5" and app["refusal_details"] == ["signature_invalid"]


def test_portal_step_8_refusal_after_the_inspections_check(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S4", "device")
    inspector = world.api["inspection_officer"]
    decide(inspector, app, "refuse", expect=422)
    app = decide(inspector, app, "refuse", not_met=["device-conformity"], comment="no certificate of conformity")
    assert app["status"] == "refused" and app["refusal_step"] == "8" and app["refusal_reason"] == "qualification_failed"
    assert app["refusal_details"] == ["device-conformity", "no certificate of conformity"]
    assert [d["kind"] for d in app["documents"]] == ["hearing_notice", "refusal"] and app["result_kind"] == ""
    assert_no_payment(api, app)
    assert step_sequence(api, app) == ["1", "3", "4", "6", "7", "H1", "H2", "H3", "8"]  # the 2026 hearing


def test_only_the_inspection_decides(world):
    app = portal_until_registered(world, world.api["person"], "S4", "device")
    decide(world.api["committee_officer"], app, expect=404)
    decide(world.api["person"], app, expect=403)
    assert world.api["committee_officer"].get("/applications/queue") == []


# -- staff channel (diagram 2) -------------------------------------------------------------------
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_staff_p8_refusal_and_p9_permit(world, decision):
    inspector = world.api["inspection_officer"]
    app = staff_until_registered(inspector, "S4", "device")
    assert app["process_id"] == "S4_staff_2012"
    assert_deadline(app, 16, "calendar")
    app = decide(inspector, app, decision, not_met=["device-conformity"] if decision == "refuse" else ())
    if decision == "approve":
        assert app["status"] == "completed" and app["result_kind"] == "permit"
        assert [d["kind"] for d in app["documents"]] == ["permit"]
    else:
        assert app["status"] == "refused" and app["refusal_step"] == "P8"
        assert app["refusal_reason"] == "qualification_failed" and [d["kind"] for d in app["documents"]] == ["refusal"]
    assert_no_payment(inspector, app)
    assert step_sequence(inspector, app) == ["P1", "P3", "P4", "P6", "P7", "P9" if decision == "approve" else "P8"]


def test_staff_p6_every_presented_document_needs_its_scan(world):
    from conftest import PERSON

    inspector = world.api["inspection_officer"]
    app = create(inspector, "S4", "device", channel="staff")
    app = inspector.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": 0})
    app = inspector.post(f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"]})
    inspector.upload(app["id"], "application", is_scan=True)
    response = inspector._call("post", f"/applications/{app['id']}/scans",
                               {"documents_presented": ["application", "device-certificate"]}, expect=422)
    assert response.json()["code"] == "scans_missing"
    response = inspector._call("post", f"/applications/{app['id']}/scans", {"documents_presented": ["application"]},
                               expect=422)
    assert response.json()["code"] == "documents_missing"
    assert open_kinds(inspector.get(f"/applications/{app['id']}")) == ["attach_scans"]


def test_staff_p5_registry_data_cannot_be_obtained(world):
    inspector = world.api["inspection_officer"]
    app = create(inspector, "S4", "device", channel="staff")
    inspector.put(f"/applications/{app['id']}/form", {"data": FORMS[("S4", "device")], "version": 0})
    app = inspector.post(f"/applications/{app['id']}/applicant", {"iin": unknown_iin()})
    assert app["status"] == "refused" and app["refusal_step"] == "P5" and app["refusal_reason"] == "registry_data_unavailable"
    assert app["number"] is None


def test_staff_p2_refused_for_an_officer_outside_the_regions_inspection(world):
    app = create(world.api["committee_officer"], "S4", "device", channel="staff")
    assert app["status"] == "refused" and app["refusal_step"] == "P2" and app["refusal_reason"] == "authorisation_refused"
