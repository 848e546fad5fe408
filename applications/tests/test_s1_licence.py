"""S1 licence: every branch of the portal table and of the staff channel, through the API."""
import datetime

import pytest

from applications.models import Application
from applications.tests.journeys import (
    FORMS,
    create,
    deadline_days,
    decide,
    deliver_callbacks,
    fill,
    history_kinds,
    local_date,
    open_kinds,
    pay,
    payer,
    portal_until_registered,
    sign,
    sign_tampered,
)
from workdays.calendar import is_working_day, next_working_day


@pytest.mark.parametrize("sub_kind", ["issue", "reissue", "duplicate"])
def test_portal_licence_issued_after_payment_signature_and_check(world, sub_kind, monkeypatch):
    api = world.api["person"]
    if sub_kind != "issue":  # a re-issue or a duplicate names the person's own licence in the register
        from registry.tests.helpers import licence

        _first, number = licence(world, who="person")
        monkeypatch.setitem(FORMS, ("S1", sub_kind), {**FORMS[("S1", sub_kind)], "licence_number": number})
    app = portal_until_registered(world, api, "S1", sub_kind)
    assert app["number"].startswith("S1-")
    # 15 calendar days from registration; a last day off gives way to the next working day (Civil Code art. 173),
    # so on a date whose 15th day is a Saturday the term is 17 days.
    fifteenth = local_date(app["registered_at"]) + datetime.timedelta(days=15)
    assert local_date(app["deadline_at"]) == next_working_day(fifteenth)
    assert deadline_days(app) == 15 or not is_working_day(fifteenth)
    # Step 9: the Committee checks qualification; the check is the officer's open step.
    assert open_kinds(app) == ["decide"]
    officer = world.api["committee_officer"]
    assert [t["action_kind"] for t in officer.get("/applications/queue")] == ["decide"]
    app = decide(officer, app)
    assert app["status"] == "completed" and app["result_kind"] == "licence"
    assert [d["kind"] for d in app["documents"]] == ["licence"]
    kinds = history_kinds(api, app)
    # Payment came before signing (spec §3: S1 pays before signing).
    assert kinds.index("payment_checked") < kinds.index("certificate_checked") < kinds.index("registered")
    steps = [t["step"] for t in api.get(f"/applications/{app['id']}/tasks") if t["step"]]
    assert steps[:3] == ["1", "3", "4"] and "11" in steps


def test_step_2_authorisation_refused_for_applicant_not_registered_on_portal(world):
    app = create(world.api["unregistered"], "S1", "issue")
    assert app["status"] == "refused" and app["refusal_step"] == "2"
    assert app["refusal_reason"] == "authorisation_refused"
    assert app["open_tasks"] == []


@pytest.mark.parametrize("outcome", ["decline", "abandon"])
def test_step_5_refusal_for_non_payment(world, outcome):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    if outcome == "decline":
        app = pay(api, app, "decline")
    else:
        api.post(f"/applications/{app['id']}/payment")
        app = api.post(f"/applications/{app['id']}/payment/abandon")
    assert app["status"] == "refused" and app["refusal_step"] == "5" and app["refusal_reason"] == "not_paid"


def test_repeated_payment_callback_changes_nothing(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    payment = api.post(f"/applications/{app['id']}/payment")
    assert api.post(f"/applications/{app['id']}/payment")["reference"] == payment["reference"]
    payer(payment)
    assert deliver_callbacks(payment)[0]["status"] == "recorded"
    before = history_kinds(api, app)
    assert deliver_callbacks(payment)[0]["status"] == "no_change"
    assert history_kinds(api, app) == before


@pytest.mark.parametrize("problem,reason", [
    ("expired", "expired"), ("revoked", "revoked"), ("other_person", "identity_mismatch"),
    ("auth_certificate", "wrong_purpose"),
])
def test_step_7_signature_not_confirmed(world, problem, reason):
    import datetime

    from integrations import pki as demo_pki

    api = world.api["person"]
    app = pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue"))
    if problem == "expired":
        now = world.pki.now
        cert = world.certificate(world.person, not_before=now - datetime.timedelta(days=400),
                                 not_after=now - datetime.timedelta(days=1))
    elif problem == "revoked":
        cert = world.certificate(world.person)
        demo_pki.revoke(world.pki, cert)
    elif problem == "other_person":
        cert = world.certificate(world.company_head, role="first_head")
    else:
        cert = world.certificate(world.person, purpose="auth")
    app = sign(world, api, app, cert=cert)
    assert app["status"] == "refused" and app["refusal_step"] == "7"
    assert app["refusal_reason"] == "signature_not_confirmed" and app["refusal_details"] == [reason]
    assert app["number"] is None


def test_step_7_tampered_signature(world):
    api = world.api["person"]
    app = sign_tampered(world, api, pay(api, fill(api, create(api, "S1", "issue"), "S1", "issue")))
    assert app["status"] == "refused" and app["refusal_step"] == "7"
    assert app["refusal_details"] == ["signature_invalid"]


def test_step_10_reasoned_refusal_after_qualification_check(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S1", "issue")
    officer = world.api["committee_officer"]
    decide(officer, app, "refuse", expect=422)  # reasons required
    app = decide(officer, app, "refuse", not_met=["technical-base"], comment="no premises")
    assert app["status"] == "refused" and app["refusal_step"] == "10"
    assert app["refusal_details"] == ["technical-base", "no premises"]
    assert [d["kind"] for d in app["documents"]] == ["hearing_notice", "refusal"]  # the 2026 hearing's notice first


def test_only_the_committee_decides_s1(world):
    app = portal_until_registered(world, world.api["person"], "S1", "issue")
    decide(world.api["inspection_officer"], app, expect=404)
    decide(world.api["clerk"], app, expect=403)


def test_double_submission_creates_one_application(world):
    api = world.api["person"]
    body = {"client_request_id": "form-42"}
    first = create(api, "S1", "issue", **body)
    second = create(api, "S1", "issue", expect=200, **body)
    assert first["id"] == second["id"]
    assert Application.objects.count() == 1
    app = fill(api, first, "S1", "issue")
    api.post(f"/applications/{app['id']}/fill", expect=409)  # the step is already done


def test_stale_form_is_refused_and_changes_nothing(world):
    api = world.api["person"]
    app = create(api, "S1", "issue")
    api.put(f"/applications/{app['id']}/form", {"data": {"territory": "A"}, "version": 0})
    response = api._call("put", f"/applications/{app['id']}/form", {"data": {"territory": "B"}, "version": 0}, expect=409)
    assert response.json()["code"] == "stale_form"
    assert api.get(f"/applications/{app['id']}")["form"] == {"territory": "A"}


def test_saving_again_what_was_saved_meanwhile_is_no_conflict(world):
    """The page's autosave still in flight when the person pressed "finish": the finish carries the same data
    from the version before; it is taken, nothing changes, and the version is the one the autosave made."""
    api = world.api["person"]
    app = create(api, "S1", "issue")
    data = {"subtypes": ["cellular"], "territory": "Алматы"}
    assert api.put(f"/applications/{app['id']}/form", {"data": data, "version": 0})["form_version"] == 1
    again = api.put(f"/applications/{app['id']}/form", {"data": data, "version": 0})
    assert again["form_version"] == 1 and again["form"] == data
    changed = api._call("put", f"/applications/{app['id']}/form",
                        {"data": {**data, "territory": "Астана"}, "version": 0}, expect=409)
    assert changed.json()["code"] == "stale_form"
    assert api.get(f"/applications/{app['id']}")["form"] == data


def test_form_errors_are_localised(world):
    api = world.api["person"]
    app = create(api, "S3", "assignment")
    bad = {"region": "almaty-city", "radio_service": "mobile", "bands": [{"low_mhz": "2510", "high_mhz": "2500"}],
           "station_address": "x", "latitude": "43", "longitude": "76"}
    app = api.put(f"/applications/{app['id']}/form", {"data": bad, "version": 0})
    response = api._call("post", f"/applications/{app['id']}/fill", {}, expect=422, HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["code"] == "form_invalid"
    assert "lower edge" in str(response.json()["details"])


def test_staff_channel_paper_application(world):
    officer = world.api["committee_officer"]
    from conftest import PERSON

    app = create(officer, "S1", "issue", channel="staff")
    assert open_kinds(app) == ["enter_application"]
    app = officer.put(f"/applications/{app['id']}/form", {"data": {"subtypes": ["cellular"], "territory": "KZ"},
                                                          "version": app["form_version"]})
    bad = officer._call("post", f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"][:-1] + "0"}, expect=422,
                        HTTP_ACCEPT_LANGUAGE="ru")
    assert bad.json()["code"] == "identifier_check_digit"
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": PERSON["iin"]})
    assert open_kinds(app) == ["attach_scans"] and app["applicant_name"]
    for code in ("application", "qualification-evidence"):
        officer.upload(app["id"], code, is_scan=True)
    from applications.tests.journeys import pay_at_bank

    app = officer.post(f"/applications/{app['id']}/scans", {
        "documents_presented": ["application", "qualification-evidence"], "payer": PERSON["iin"],
        "payment_reference": pay_at_bank("S1", "issue", PERSON["iin"])["reference"]})  # the fee paid at a bank
    assert app["status"] == "registered" and open_kinds(app) == ["decide"]
    app = decide(officer, app)
    assert app["result_kind"] == "licence"


def test_staff_channel_registry_data_cannot_be_obtained(world):
    officer = world.api["committee_officer"]
    from core.identifiers import complete

    unknown = complete("99010130000") or complete("99010130001")
    app = create(officer, "S1", "issue", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": {"subtypes": ["cellular"], "territory": "KZ"}, "version": 0})
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": unknown})
    assert app["status"] == "refused" and app["refusal_step"] == "P5"
    assert app["refusal_reason"] == "registry_data_unavailable"


def test_staff_channel_refused_for_officer_of_another_unit(world):
    app = create(world.api["inspection_officer"], "S1", "issue", channel="staff")
    assert app["status"] == "refused" and app["refusal_step"] == "P2"


def test_the_provider_sees_an_applicants_request_only_once_it_is_submitted(world):
    """Least privilege: a portal draft is the applicant's own until it is submitted."""
    api, officer = world.api["person"], world.api["committee_officer"]
    draft = fill(api, create(api, "S1", "issue"), "S1", "issue")
    assert draft["status"] == "draft"
    officer.get(f"/applications/{draft['id']}", expect=404)
    assert draft["id"] not in [a["id"] for a in officer.get("/applications")]
    app = portal_until_registered(world, api, "S1", "issue")
    assert officer.get(f"/applications/{app['id']}")["status"] == "registered"
