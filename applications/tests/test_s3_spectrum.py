"""S3 radio-frequency spectrum permit: every branch of the portal table (payment comes AFTER the
Inspection's qualification check) and of the staff channel, through the API. Result: a permit
within 60 calendar days (spec §2-§4)."""

import pytest

from applications.tests.journeys import (
    FORMS,
    assert_deadline,
    bad_certificate,
    create,
    decide,
    deliver_callbacks,
    fill,
    history_kinds,
    open_kinds,
    pay,
    payer,
    portal_until_registered,
    sign,
    sign_tampered,
    staff_until_registered,
    step_sequence,
    unknown_iin,
)


def registered(w):
    app = portal_until_registered(w, w.api["person"], "S3", "assignment")
    assert app["process_id"] == "S3_portal_2026" and app["number"].startswith("S3-")
    assert app["provider_unit"] == "inspection-almaty-city" and app["region"] == "almaty-city"
    return app


def approved(w):
    app = registered(w)
    return decide(w.api["inspection_officer"], app)


def test_portal_step_11_permit_paid_after_the_check(world):
    api = world.api["person"]
    app = create(api, "S3", "assignment")
    assert open_kinds(app) == ["fill"]
    app = fill(api, app, "S3", "assignment")
    # Step 3 → 4: no payment before signing (unlike S1).
    assert open_kinds(app) == ["choose_certificate"]
    api.post(f"/applications/{app['id']}/payment", expect=409)
    app = sign(world, api, app)
    assert app["status"] == "registered"
    assert_deadline(app, 60, "calendar")
    # Step 7: the Inspection's check is open; the applicant may not pay yet.
    assert open_kinds(app) == ["decide"]
    api.post(f"/applications/{app['id']}/payment", expect=409)
    inspector = world.api["inspection_officer"]
    assert [t["action_kind"] for t in inspector.get("/applications/queue")] == ["decide"]
    app = decide(inspector, app)
    # Step 9: only now is the applicant asked to pay.
    assert app["status"] == "registered" and open_kinds(app) == ["pay"] and app["documents"] == []
    assert [t["action_kind"] for t in api.get("/applications/queue")] == ["pay"]
    payment = api.post(f"/applications/{app['id']}/payment")
    assert payment["amount_kzt"] == 4_325 and payment["status"] == "created"
    payer(payment)
    deliver_callbacks(payment)
    app = api.get(f"/applications/{app['id']}")
    assert app["status"] == "completed" and app["result_kind"] == "permit"
    assert [d["kind"] for d in app["documents"]] == ["permit"] and app["documents"][0]["number"].startswith("PRM-")
    assert_deadline(app, 60, "calendar")
    kinds = history_kinds(api, app)
    # Payment AFTER the qualification check (spec §3, S3): registered → decided → payment → permit.
    decided = next(i for i, e in enumerate(api.get(f"/applications/{app['id']}/history"))
                   if e["kind"] == "step_done" and e["data"].get("decision") == "approve")
    assert kinds.index("registered") < decided < kinds.index("payment_started") < kinds.index("payment_checked")
    assert kinds.index("payment_checked") < kinds.index("result_issued")
    assert step_sequence(api, app) == ["1", "3", "4", "6", "7", "9", "11"]


def test_portal_step_2_authorisation_refused(world):
    app = create(world.api["unregistered"], "S3", "assignment")
    assert app["status"] == "refused" and app["refusal_step"] == "2" and app["refusal_reason"] == "authorisation_refused"
    assert app["open_tasks"] == []


@pytest.mark.parametrize("problem,reason", [("expired", "expired"), ("other_person", "identity_mismatch")])
def test_portal_step_5_eds_not_confirmed(world, problem, reason):
    api = world.api["person"]
    app = fill(api, create(api, "S3", "assignment"), "S3", "assignment")
    app = sign(world, api, app, cert=bad_certificate(world, problem))
    assert app["status"] == "refused" and app["refusal_step"] == "5"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]
    assert app["number"] is None
    assert "pay" not in {t["action_kind"] for t in api.get(f"/applications/{app['id']}/tasks")}


def test_portal_step_6_invalid_signature_goes_to_step_5(world):
    api = world.api["person"]
    app = sign_tampered(world, api, fill(api, create(api, "S3", "assignment"), "S3", "assignment"))
    assert app["status"] == "refused" and app["refusal_step"] == "5" and app["refusal_details"] == ["signature_invalid"]


def test_portal_step_8_refusal_after_the_check_asks_for_no_payment(world):
    api = world.api["person"]
    app = registered(world)
    inspector = world.api["inspection_officer"]
    decide(inspector, app, "refuse", expect=422)
    app = decide(inspector, app, "refuse", not_met=["band-available"], comment="band is occupied")
    assert app["status"] == "refused" and app["refusal_step"] == "8"
    assert app["refusal_reason"] == "qualification_failed"
    assert app["refusal_details"] == ["band-available", "band is occupied"]
    assert [d["kind"] for d in app["documents"]] == ["hearing_notice", "refusal"]  # the 2026 hearing's notice first
    # Refused at the check: the fee is never asked for.
    assert "pay" not in {t["action_kind"] for t in api.get(f"/applications/{app['id']}/tasks")}
    assert "payment_started" not in history_kinds(api, app)
    api.post(f"/applications/{app['id']}/payment", expect=409)


@pytest.mark.parametrize("outcome", ["decline", "abandon"])
def test_portal_step_10_refusal_for_non_payment(world, outcome):
    api = world.api["person"]
    app = approved(world)
    assert open_kinds(app) == ["pay"]
    if outcome == "decline":
        app = pay(api, app, "decline")
    else:
        api.post(f"/applications/{app['id']}/payment")
        app = api.post(f"/applications/{app['id']}/payment/abandon")
    assert app["status"] == "refused" and app["refusal_step"] == "10" and app["refusal_reason"] == "not_paid"
    assert [d["kind"] for d in app["documents"]] == ["refusal"] and app["result_kind"] == ""
    assert step_sequence(api, app) == ["1", "3", "4", "6", "7", "9", "10"]


def test_only_the_applicant_pays_and_only_the_inspection_of_the_region_decides(world):
    app = registered(world)
    decide(world.api["committee_officer"], app, expect=404)
    decide(world.api["person"], app, expect=403)
    app = decide(world.api["inspection_officer"], app)
    world.api["company_head"].post(f"/applications/{app['id']}/payment", expect=404)
    world.api["inspection_officer"].post(f"/applications/{app['id']}/payment", expect=403)


def test_request_in_another_region_goes_to_that_regions_inspection(world):
    api = world.api["person"]
    app = create(api, "S3", "assignment", region="astana")
    assert app["provider_unit"] == "inspection-astana"
    form = {**FORMS[("S3", "assignment")],
            "region": "astana", "station_address": "Астана, пр. Мәңгілік Ел, 8", "latitude": "51.128",
            "longitude": "71.430"}
    app = api.put(f"/applications/{app['id']}/form", {"data": form, "version": app["form_version"]})
    for code in ("application", "technical-data"):
        api.upload(app["id"], code)
    app = sign(world, api, api.post(f"/applications/{app['id']}/fill"))
    assert app["status"] == "registered" and open_kinds(app) == ["decide"]
    # The Almaty Inspection does not see it, nor has it in its queue.
    decide(world.api["inspection_officer"], app, expect=404)
    assert world.api["inspection_officer"].get("/applications/queue") == []


# -- staff channel (diagram 2) -------------------------------------------------------------------
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_staff_p8_refusal_and_p9_permit(world, decision):
    inspector = world.api["inspection_officer"]
    app = staff_until_registered(inspector, "S3", "assignment")
    assert app["process_id"] == "S3_staff_2012" and app["provider_unit"] == "inspection-almaty-city"
    assert_deadline(app, 60, "calendar")
    assert open_kinds(app) == ["decide"]
    app = decide(inspector, app, decision, not_met=["band-available"] if decision == "refuse" else ())
    if decision == "approve":
        assert app["status"] == "completed" and app["result_kind"] == "permit"
        assert [d["kind"] for d in app["documents"]] == ["permit"]
    else:
        assert app["status"] == "refused" and app["refusal_step"] == "P8"
        assert app["refusal_reason"] == "qualification_failed" and [d["kind"] for d in app["documents"]] == ["refusal"]
    assert step_sequence(inspector, app) == ["P1", "P3", "P4", "P6", "P7", "P9" if decision == "approve" else "P8"]


def test_staff_p5_registry_data_cannot_be_obtained(world):
    inspector = world.api["inspection_officer"]
    app = create(inspector, "S3", "assignment", channel="staff")
    inspector.put(f"/applications/{app['id']}/form", {"data": FORMS[("S3", "assignment")], "version": 0})
    app = inspector.post(f"/applications/{app['id']}/applicant", {"iin": unknown_iin()})
    assert app["status"] == "refused" and app["refusal_step"] == "P5" and app["refusal_reason"] == "registry_data_unavailable"


def test_staff_p2_refused_for_an_officer_outside_the_regions_inspection(world):
    # The Committee's officer may not enter an S3 request for the Almaty Inspection.
    app = create(world.api["committee_officer"], "S3", "assignment", channel="staff")
    assert app["status"] == "refused" and app["refusal_step"] == "P2" and app["refusal_reason"] == "authorisation_refused"
