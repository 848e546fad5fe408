"""S2 numbering resource: every branch of the step tables of the 2012 regulation (portal, staff)
and of the 2015 one (portal, staff, public service centre with the provider's office steps),
through the API. S2 takes no fee and ends with an order (spec §2-§6)."""
import datetime

import pytest

from accounts.models import User
from applications.tests.journeys import (
    DOCUMENTS,
    FORMS,
    assert_deadline,
    assert_no_payment,
    bad_certificate,
    create,
    decide,
    expected_due,
    filed_on,
    fill,
    history_kinds,
    local_date,
    office_decides,
    office_until_decision,
    open_kinds,
    portal_until_registered,
    sign,
    sign_result,
    sign_tampered,
    staff_until_registered,
    step_sequence,
    unknown_iin,
)

# Before the 2015 regulation's valid_from (2015-04-30): requests filed then run under Order 809 of 2012.
IN_2014 = datetime.date(2014, 6, 2)
SUB_KINDS = ["allocate", "assign", "withdraw"]


def other_executor(w):
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username="executor2", password="demo-pass-123", kind="officer",
                                    provider_unit=w.committee_officer.provider_unit)
    user.groups.add(Group.objects.get(name="executor"))
    return user


def refusal_deadline_ok(app):
    """An incomplete set is refused within 2 working days of receipt (§6, step 5)."""
    assert_deadline(app, 2, "working")


# ============================================================================================
# 2012 regulation (Order 809, appendix 2): portal
# ============================================================================================
def portal_2012_until_registered(w, sub_kind="allocate"):
    api = w.api["person"]
    with filed_on(IN_2014):
        app = create(api, "S2", sub_kind)
    assert app["process_id"] == "S2_portal_2012" and app["version"] == "2012"
    assert open_kinds(app) == ["fill"]
    app = fill(api, app, "S2", sub_kind)
    assert open_kinds(app) == ["choose_certificate"]  # step 3 → 4: no payment step
    app = sign(w, api, app)
    assert app["status"] == "registered" and app["number"].startswith("S2-")
    return app


def test_request_keeps_the_regulation_version_it_was_filed_under(world):
    api = world.api["person"]
    with filed_on(IN_2014):
        old = create(api, "S2", "allocate")
    new = create(api, "S2", "allocate")
    assert (old["process_id"], old["version"]) == ("S2_portal_2012", "2012")
    assert (new["process_id"], new["version"]) == ("S2_portal_2015", "2015")
    # Long after 2015 the old request still runs, and registers, under 2012 with its 30 calendar days.
    old = sign(world, api, fill(api, old, "S2", "allocate"))
    assert old["version"] == "2012" and old["status"] == "registered"
    assert_deadline(old, 30, "calendar")
    assert open_kinds(old) == ["decide"]  # the Committee decides at once: no office steps in 2012


@pytest.mark.parametrize("sub_kind", SUB_KINDS)
def test_2012_portal_step_9_order_within_30_calendar_days_without_payment(world, sub_kind):
    api = world.api["person"]
    app = portal_2012_until_registered(world, sub_kind)
    assert_deadline(app, 30, "calendar")
    # Step 7: registered and processed; the Committee's qualification check is the open step.
    assert open_kinds(app) == ["decide"] and app["provider_unit"] == "committee"
    api.post(f"/applications/{app['id']}/payment", expect=409)  # no fee: there is no payment step to open
    officer = world.api["committee_officer"]
    assert [t["action_kind"] for t in officer.get("/applications/queue")] == ["decide"]
    app = decide(officer, app)
    assert app["status"] == "completed" and app["result_kind"] == "order"
    assert [d["kind"] for d in app["documents"]] == ["order"]
    assert app["documents"][0]["number"].startswith("ORD-")
    assert app["documents"][0]["content"]["request_number"] == app["number"]
    assert app["refusal_step"] == ""
    assert_no_payment(api, app)
    assert step_sequence(api, app) == ["1", "3", "4", "6", "7", "9"]
    kinds = history_kinds(api, app)
    assert kinds.index("certificate_checked") < kinds.index("signature_verified") < kinds.index("registered")


def test_2012_portal_step_2_authorisation_refused(world):
    with filed_on(IN_2014):
        app = create(world.api["unregistered"], "S2", "allocate")
    assert app["process_id"] == "S2_portal_2012"
    assert app["status"] == "refused" and app["refusal_step"] == "2" and app["refusal_reason"] == "authorisation_refused"
    assert app["open_tasks"] == [] and app["number"] is None


@pytest.mark.parametrize("problem,reason", [("expired", "expired"), ("revoked", "revoked"),
                                            ("other_person", "identity_mismatch")])
def test_2012_portal_step_5_eds_not_confirmed(world, problem, reason):
    api = world.api["person"]
    with filed_on(IN_2014):
        app = create(api, "S2", "assign")
    app = sign(world, api, fill(api, app, "S2", "assign"), cert=bad_certificate(world, problem))
    assert app["status"] == "refused" and app["refusal_step"] == "5"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]
    assert app["number"] is None and [d["kind"] for d in app["documents"]] == ["refusal"]
    assert_no_payment(api, app)


def test_2012_portal_step_6_invalid_signature_goes_to_step_5(world):
    api = world.api["person"]
    with filed_on(IN_2014):
        app = create(api, "S2", "assign")
    app = sign_tampered(world, api, fill(api, app, "S2", "assign"))
    assert app["status"] == "refused" and app["refusal_step"] == "5"
    assert app["refusal_details"] == ["signature_invalid"] and app["number"] is None


def test_2012_portal_step_8_refusal_after_the_qualification_check(world):
    api = world.api["person"]
    app = portal_2012_until_registered(world)
    officer = world.api["committee_officer"]
    decide(officer, app, "refuse", expect=422)  # reasons required
    app = decide(officer, app, "refuse", not_met=["plan-conformity"], comment="range is reserved")
    assert app["status"] == "refused" and app["refusal_step"] == "8"
    assert app["refusal_reason"] == "qualification_failed"
    assert app["refusal_details"] == ["plan-conformity", "range is reserved"]
    assert [d["kind"] for d in app["documents"]] == ["refusal"]
    assert app["documents"][0]["content"]["reasons"] == ["plan-conformity", "range is reserved"]
    assert app["result_kind"] == "" and app["deadline_at"]
    assert_deadline(app, 30, "calendar")
    assert_no_payment(api, app)


def test_2012_only_the_committee_officer_decides(world):
    app = portal_2012_until_registered(world)
    decide(world.api["inspection_officer"], app, expect=404)
    for name in ("clerk", "executor", "head"):  # Committee staff, but not the provider lane of 2012
        decide(world.api[name], app, expect=403)
    decide(world.api["person"], app, expect=403)


# ============================================================================================
# 2012 regulation: the Committee's staff enter a paper application (diagram 2)
# ============================================================================================
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_2012_staff_p8_refusal_and_p9_order(world, decision):
    officer = world.api["committee_officer"]
    with filed_on(IN_2014):
        app = create(officer, "S2", "withdraw", channel="staff")
    assert app["process_id"] == "S2_staff_2012" and open_kinds(app) == ["enter_application"]
    app = officer.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "withdraw")], "version": 0})
    from conftest import PERSON

    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"]})
    assert open_kinds(app) == ["attach_scans"]
    officer.upload(app["id"], "application", is_scan=True)
    app = officer.post(f"/applications/{app['id']}/scans", {"documents_presented": ["application"]})
    assert app["status"] == "registered" and open_kinds(app) == ["decide"]
    assert_deadline(app, 30, "calendar")
    app = decide(officer, app, decision, not_met=["plan-conformity"] if decision == "refuse" else ())
    if decision == "approve":
        assert app["status"] == "completed" and app["result_kind"] == "order"
        assert [d["kind"] for d in app["documents"]] == ["order"]
    else:
        assert app["status"] == "refused" and app["refusal_step"] == "P8"
        assert app["refusal_reason"] == "qualification_failed" and app["refusal_details"] == ["plan-conformity"]
        assert [d["kind"] for d in app["documents"]] == ["refusal"]
    assert_no_payment(officer, app)
    assert step_sequence(officer, app) == ["P1", "P3", "P4", "P6", "P7", "P9" if decision == "approve" else "P8"]


def test_2012_staff_p5_registry_data_cannot_be_obtained(world):
    officer = world.api["committee_officer"]
    with filed_on(IN_2014):
        app = create(officer, "S2", "assign", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "assign")], "version": 0})
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": unknown_iin()})
    assert app["process_id"] == "S2_staff_2012"
    assert app["status"] == "refused" and app["refusal_step"] == "P5"
    assert app["refusal_reason"] == "registry_data_unavailable" and app["number"] is None


def test_2012_staff_p2_refused_for_an_officer_of_another_unit(world):
    with filed_on(IN_2014):
        app = create(world.api["inspection_officer"], "S2", "allocate", channel="staff")
    assert app["process_id"] == "S2_staff_2012"
    assert app["status"] == "refused" and app["refusal_step"] == "P2" and app["refusal_reason"] == "authorisation_refused"


def test_psc_channel_did_not_exist_under_the_2012_regulation(world):
    with filed_on(IN_2014):
        response = world.api["psc"]._call("post", "/applications", {"service": "S2", "sub_kind": "allocate",
                                                                    "channel": "psc"}, expect=422)
    assert response.json()["code"] == "no_such_channel"


# ============================================================================================
# 2015 regulation: portal, with the provider's office steps 3-6
# ============================================================================================
@pytest.mark.parametrize("sub_kind", SUB_KINDS)
def test_2015_portal_p9_order_within_29_working_days_after_the_office_steps(world, sub_kind):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S2", sub_kind)
    assert app["process_id"] == "S2_portal_2015" and app["version"] == "2015"
    assert_deadline(app, 29, "working")
    api.post(f"/applications/{app['id']}/payment", expect=409)
    app = office_until_decision(world, app)
    app = office_decides(world, app, "approve")
    assert app["status"] == "completed" and app["result_kind"] == "order"
    assert [d["kind"] for d in app["documents"]] == ["order"]
    assert_deadline(app, 29, "working")  # the order's deadline stays 29 working days
    assert_no_payment(api, app)
    assert step_sequence(api, app) == ["P1", "P3", "P4", "P6", "P7", "3", "4", "5", "6", "P9"]


def test_2015_portal_p8_reasoned_refusal_for_an_incomplete_set_within_2_working_days(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S2", "allocate")
    app = office_until_decision(world, app)
    decide(world.api["executor"], app, "refuse", expect=422)
    app = office_decides(world, app, "refuse", reasons=["missing:numbering-justification"])
    assert app["status"] == "refused" and app["refusal_step"] == "P8"
    assert app["refusal_reason"] == "incomplete_document_set"
    assert app["refusal_details"] == ["missing:numbering-justification"]
    assert [d["kind"] for d in app["documents"]] == ["refusal"]
    refusal_deadline_ok(app)
    assert_no_payment(api, app)


def test_2015_portal_p2_authorisation_refused(world):
    app = create(world.api["unregistered"], "S2", "assign")
    assert app["process_id"] == "S2_portal_2015"
    assert app["status"] == "refused" and app["refusal_step"] == "P2" and app["refusal_reason"] == "authorisation_refused"


@pytest.mark.parametrize("problem,reason", [("expired", "expired"), ("other_person", "identity_mismatch")])
def test_2015_portal_p5_eds_not_confirmed(world, problem, reason):
    api = world.api["person"]
    app = fill(api, create(api, "S2", "assign"), "S2", "assign")
    assert open_kinds(app) == ["choose_certificate"]
    app = sign(world, api, app, cert=bad_certificate(world, problem))
    assert app["status"] == "refused" and app["refusal_step"] == "P5"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]


def test_2015_portal_p6_invalid_signature_goes_to_p5(world):
    api = world.api["person"]
    app = sign_tampered(world, api, fill(api, create(api, "S2", "withdraw"), "S2", "withdraw"))
    assert app["status"] == "refused" and app["refusal_step"] == "P5" and app["refusal_details"] == ["signature_invalid"]


def test_2015_executor_step_is_completable_only_by_the_assigned_executor(world):
    app = portal_until_registered(world, world.api["person"], "S2", "allocate")
    # Step 3 is the head's, step 4 the unit head's: nobody else completes them.
    world.api["unit_head"].post(f"/applications/{app['id']}/unit-assignment", expect=403)
    world.api["executor"].post(f"/applications/{app['id']}/unit-assignment", expect=403)
    app = world.api["head"].post(f"/applications/{app['id']}/unit-assignment")
    world.api["head"].post(f"/applications/{app['id']}/executor-assignment", {"executor_id": world.executor.pk}, expect=403)
    # The executor must be an executor of the provider unit.
    world.api["unit_head"].post(f"/applications/{app['id']}/executor-assignment",
                                {"executor_id": world.committee_officer.pk}, expect=422)
    second = other_executor(world)
    from conftest import Api

    second_api = Api(second)
    app = world.api["unit_head"].post(f"/applications/{app['id']}/executor-assignment", {"executor_id": second.pk})
    assert app["open_tasks"][0]["assignee_id"] == second.pk
    # Another executor of the same unit, the head, the unit head, the 2012-style provider officer: refused.
    for name in ("executor", "head", "unit_head", "committee_officer"):
        decide(world.api[name], app, expect=403)
    decide(world.api["inspection_officer"], app, expect=404)
    assert world.api["executor"].get("/applications/queue") == []
    assert [t["action_kind"] for t in second_api.get("/applications/queue")] == ["decide"]
    # Nor can the head sign before the executor has decided.
    world.api["head"].post(f"/applications/{app['id']}/result-signature", expect=409)
    app = office_decides(world, app, "approve", executor_api=second_api)
    assert app["result_kind"] == "order"
    tasks = {t["step"]: t for t in world.api["head"].get(f"/applications/{app['id']}/tasks")}
    assert tasks["5"]["assignee_id"] == second.pk


def test_2015_only_the_head_signs_the_result(world):
    app = office_until_decision(world, portal_until_registered(world, world.api["person"], "S2", "assign"))
    app = decide(world.api["executor"], app)
    for name in ("executor", "unit_head", "clerk", "committee_officer"):
        world.api[name].post(f"/applications/{app['id']}/result-signature", expect=403)
    app = sign_result(world.api["head"], app)
    assert app["status"] == "completed"


# ============================================================================================
# 2015 regulation: the Committee's staff enter the request
# ============================================================================================
@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_2015_staff_p8_and_p9_after_the_office_steps(world, decision):
    officer = world.api["committee_officer"]
    app = staff_until_registered(officer, "S2", "allocate")
    assert app["process_id"] == "S2_staff_2015"
    assert_deadline(app, 29, "working")
    app = office_until_decision(world, app)
    reasons = ["missing:numbering-justification"] if decision == "refuse" else []
    app = office_decides(world, app, decision, reasons=reasons)
    if decision == "approve":
        assert app["status"] == "completed" and app["result_kind"] == "order"
        assert [d["kind"] for d in app["documents"]] == ["order"]
        assert_deadline(app, 29, "working")
    else:
        assert app["status"] == "refused" and app["refusal_step"] == "P8"
        assert app["refusal_reason"] == "incomplete_document_set"
        assert [d["kind"] for d in app["documents"]] == ["refusal"]
        refusal_deadline_ok(app)
    assert_no_payment(officer, app)
    assert step_sequence(officer, app) == ["P1", "P3", "P4", "P6", "P7", "3", "4", "5", "6",
                                           "P9" if decision == "approve" else "P8"]


def test_2015_staff_p5_registry_data_cannot_be_obtained(world):
    officer = world.api["committee_officer"]
    app = create(officer, "S2", "allocate", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "allocate")], "version": 0})
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": unknown_iin()})
    assert app["process_id"] == "S2_staff_2015"
    assert app["status"] == "refused" and app["refusal_step"] == "P5" and app["refusal_reason"] == "registry_data_unavailable"


def test_2015_staff_p2_refused_for_an_officer_of_another_unit(world):
    app = create(world.api["inspection_officer"], "S2", "allocate", channel="staff")
    assert app["process_id"] == "S2_staff_2015"
    assert app["status"] == "refused" and app["refusal_step"] == "P2" and app["refusal_reason"] == "authorisation_refused"


# ============================================================================================
# 2015 regulation: public service centre (§5) and the office inside the provider (§6)
# ============================================================================================
def psc_intake(w, sub_kind, presented):
    from conftest import PERSON

    psc = w.api["psc"]
    app = create(psc, "S2", sub_kind, channel="psc")
    assert app["process_id"] == "S2_psc_2015" and open_kinds(app) == ["psc_intake"]
    app = psc.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", sub_kind)], "version": app["form_version"]})
    return psc.post(f"/applications/{app['id']}/intake", {"iin": PERSON["iin"], "documents_presented": presented})


def test_psc2_incomplete_set_refusal_receipt(world):
    app = psc_intake(world, "allocate", ["application"])  # the numbering justification is missing
    assert app["status"] == "refused" and app["refusal_step"] == "PSC2"
    assert app["refusal_reason"] == "incomplete_document_set"
    assert app["refusal_details"] == ["missing:numbering-justification"]
    assert app["number"] is None and app["open_tasks"] == []  # never reaches the provider
    documents = {d["kind"]: d for d in app["documents"]}
    # The refusal receipt (appendix 4 of the standard); the refusal is recorded with it. No receipt.
    assert sorted(documents) == ["refusal", "refusal_receipt"]
    receipt = documents["refusal_receipt"]
    assert receipt["number"].startswith("RRC-")
    assert receipt["content"]["documents_missing"] == ["numbering-justification"]
    assert receipt["content"]["accepted_on"] == local_date(receipt["issued_at"]).isoformat()
    assert "forwarded_to_provider" not in history_kinds(world.api["psc"], app)
    assert_no_payment(world.api["psc"], app)


@pytest.mark.parametrize("decision", ["approve", "refuse"])
def test_psc_receipt_then_office_steps_1_to_6(world, decision):
    psc = world.api["psc"]
    app = psc_intake(world, "allocate", DOCUMENTS[("S2", "allocate")])
    # PSC3 receipt with the date of acceptance and the planned date of the result, PSC4 forwarded the same day.
    assert [d["kind"] for d in app["documents"]] == ["receipt"]
    receipt = app["documents"][0]
    assert receipt["number"].startswith("RCP-")
    assert receipt["content"]["accepted_on"] == local_date(receipt["issued_at"]).isoformat()
    assert receipt["content"]["planned_result_date"] == expected_due(receipt["issued_at"], 29, "working").date().isoformat()
    assert "forwarded_to_provider" in history_kinds(psc, app)
    assert app["status"] == "draft" and open_kinds(app) == ["register_incoming"]
    # Step 1: the office clerk registers the incoming application; this is the request's registration.
    for name in ("executor", "head", "psc"):
        world.api[name].post(f"/applications/{app['id']}/incoming-registration", expect=403)
    clerk = world.api["clerk"]
    assert [t["action_kind"] for t in clerk.get("/applications/queue")] == ["register_incoming"]
    # the clerk makes the electronic copy of the paper application first: without it, nothing is registered
    refused = clerk._call("post", f"/applications/{app['id']}/incoming-registration", expect=422).json()
    assert refused["code"] == "application_scan_missing", refused
    clerk.upload(app["id"], "application", is_scan=True)
    app = clerk.post(f"/applications/{app['id']}/incoming-registration")
    assert app["status"] == "registered" and app["number"].startswith("S2-")
    assert_deadline(app, 29, "working")
    assert open_kinds(app) == ["put_on_portal"]
    # Step 2: the responsible executor puts it on the portal.
    world.api["clerk"].post(f"/applications/{app['id']}/put-on-portal", expect=403)
    app = world.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    # Steps 3-6.
    app = office_until_decision(world, app)
    reasons = ["missing:numbering-justification"] if decision == "refuse" else []
    app = office_decides(world, app, decision, reasons=reasons)
    kinds = sorted(d["kind"] for d in app["documents"])
    if decision == "approve":
        assert app["status"] == "completed" and app["result_kind"] == "order" and kinds == ["order", "receipt"]
        assert_deadline(app, 29, "working")
    else:
        assert app["status"] == "refused" and app["refusal_step"] == "6"
        assert app["refusal_reason"] == "incomplete_document_set" and kinds == ["receipt", "refusal"]
        refusal_deadline_ok(app)
    assert_no_payment(psc, app)
    # The registration is part of step 1, the order or refusal part of step 6.
    assert step_sequence(world.api["head"], app) == ["PSC1", "PSC3", "PSC4", "1", "2", "3", "4", "5", "6"]
    incoming = next(e for e in world.api["head"].get(f"/applications/{app['id']}/history")
                    if e["kind"] == "step_done" and e["step"] == "1" and "incoming_number" in e["data"])
    assert incoming["data"]["incoming_number"].startswith("INC-")


def test_psc_executor_decision_only_by_the_assigned_executor(world):
    app = psc_intake(world, "assign", DOCUMENTS[("S2", "assign")])
    world.api["clerk"].upload(app["id"], "application", is_scan=True)
    app = world.api["clerk"].post(f"/applications/{app['id']}/incoming-registration")
    app = world.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    second = other_executor(world)
    app = office_until_decision(world, app, executor=second)
    decide(world.api["executor"], app, expect=403)
    from conftest import Api

    app = office_decides(world, app, "approve", executor_api=Api(second))
    assert app["result_kind"] == "order"


def test_psc_operator_alone_takes_the_documents(world):
    app = create(world.api["psc"], "S2", "assign", channel="psc")
    from conftest import PERSON

    body = {"iin": PERSON["iin"], "documents_presented": ["application"]}
    world.api["clerk"].post(f"/applications/{app['id']}/intake", body, expect=403)
