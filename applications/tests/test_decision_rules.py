"""The decision's rules hold below every interface: the API (and a command calling the action) checks the
qualification checklist and the officer's chosen certificate exactly as the back office's page does, and the
answers are stored in the history as the decision's evidence."""
import pytest

from applications import actions
from applications.tests.journeys import checklist, choose_as, decide, decision_body, portal_until_registered
from documents import actions as documents
from services.models import QualificationRequirement


def _registered(world, service="S1", sub_kind="issue", who="company_head"):
    return portal_until_registered(world, world.api[who], service, sub_kind)


def test_the_checklist_is_published_with_the_service(world):
    catalogue = {s["code"]: s for s in world.api["person"].get("/services")}
    codes = [item["code"] for item in catalogue["S1"]["checklist"]]
    assert codes == sorted(QualificationRequirement.objects.filter(service="S1").values_list("code", flat=True))
    assert codes and all(item["text"] for item in catalogue["S1"]["checklist"])


def test_an_approval_without_a_chosen_certificate_is_refused_and_changes_nothing(world):
    officer = world.api["committee_officer"]
    app = _registered(world)
    refused = decide(officer, app, choose=False, expect=409)
    assert refused["code"] == "certificate_not_chosen" and refused["message"]
    after = officer.get(f"/applications/{app['id']}")
    assert after["status"] == "registered" and [t["action_kind"] for t in after["open_tasks"]] == ["decide"]
    # Once chosen, the same call decides.
    officer.choose_certificate()
    assert decide(officer, app, choose=False)["status"] == "completed"


def test_the_certificate_is_chosen_by_signing_a_one_time_challenge(world):
    import base64

    from integrations.signatures import sign_detached

    officer = world.api["committee_officer"]
    facts = officer.get("/auth/office-certificate")
    assert facts["chosen"] is False and facts["serial"] == "" and facts["challenge"]
    assert facts["signer_iin"] == world.committee_officer.iin
    assert facts["signer_bin"] == world.committee_officer.provider_unit.bin != ""
    cert = officer.signing_certificate

    def cms(data):
        return base64.b64encode(sign_detached(data, cert, world.key)).decode()

    # A signature over other bytes than the challenge's: refused, nothing chosen.
    refused = officer.post("/auth/office-certificate", {"challenge": facts["challenge"], "cms_b64": cms(b"other")},
                           expect=422)
    assert refused["code"] == "signature_invalid" and refused["details"]["reason"] == "signature_invalid"
    # The challenge is used up by that attempt; an unknown one is refused too.
    again = officer.post("/auth/office-certificate", {
        "challenge": facts["challenge"], "cms_b64": cms(base64.b64decode(facts["challenge_b64"]))}, expect=422)
    assert again["code"] == "challenge_invalid"
    assert officer.get("/auth/office-certificate")["chosen"] is False
    chosen = officer.choose_certificate()
    assert chosen["chosen"] is True and chosen["serial"] == format(cert.serial_number, "x")
    assert documents.chosen_serial(world.committee_officer) == chosen["serial"]


def test_an_applicant_has_no_office_certificate(world):
    assert world.api["person"].get("/auth/office-certificate", expect=409)["code"] == "certificate_unavailable"


def test_a_new_log_in_asks_for_the_choice_again(world):
    from django.contrib.auth.models import update_last_login

    officer = world.api["committee_officer"]
    officer.choose_certificate()
    assert documents.chosen_serial(world.committee_officer)
    update_last_login(None, world.committee_officer)  # what every log-in does (user_logged_in)
    assert documents.chosen_serial(world.committee_officer) == ""
    assert officer.get("/auth/office-certificate")["chosen"] is False


@pytest.mark.parametrize("body, code", [
    ({"decision": "approve"}, "checklist_incomplete"),  # nothing answered: the old one-field call
    ({"decision": "approve", "checklist": {"no-such-item": "met"}}, "checklist_unknown"),
    ({"decision": "approve", "checklist": "ALL"}, None),  # a checklist that is not answers: 422 from validation
])
def test_an_approval_must_work_through_the_checklist(world, body, code):
    officer = world.api["committee_officer"]
    officer.choose_certificate()
    app = _registered(world)
    refused = officer.post(f"/applications/{app['id']}/decision", body, expect=422)
    if code:
        assert refused["code"] == code and refused["message"]
    assert officer.get(f"/applications/{app['id']}")["status"] == "registered"


def test_an_item_answered_neither_met_nor_not_met_is_refused(world):
    officer = world.api["committee_officer"]
    officer.choose_certificate()
    app = _registered(world)
    answers = checklist("S1")
    first = next(iter(answers))
    answers[first] = "maybe"
    refused = officer.post(f"/applications/{app['id']}/decision", {"decision": "approve", "checklist": answers},
                           expect=422)
    assert refused["code"] == "checklist_answer_invalid" and refused["details"]["items"] == [first]


def test_an_approval_with_an_item_not_met_or_a_document_missing_is_refused(world):
    officer = world.api["committee_officer"]
    app = _registered(world)
    first = next(iter(checklist("S1")))
    assert decide(officer, app, not_met=[first], expect=422)["code"] == "checklist_failed"
    assert decide(officer, app, missing=["application"], expect=422)["code"] == "checklist_failed"
    assert decide(officer, app, missing=["no-such-document"], expect=422)["code"] == "documents_unknown"
    assert officer.get(f"/applications/{app['id']}")["status"] == "registered"


def test_a_refusal_gives_its_reasons_and_the_answers_are_the_evidence(world):
    officer = world.api["committee_officer"]
    app = _registered(world)
    assert decide(officer, app, "refuse", expect=422)["code"] == "reasons_required"  # all met, no comment
    first = next(iter(checklist("S1")))
    refused = decide(officer, app, "refuse", not_met=[first], comment="  no premises ")
    assert refused["status"] == "refused"
    *_, step = [e for e in officer.get(f"/applications/{app['id']}/history")  # the decision after the hearing
               if e["kind"] == "step_done" and e["data"].get("decision")]
    assert step["data"]["decision"] == "refuse"
    assert step["data"]["checklist"] == checklist("S1", not_met=[first])
    assert step["data"]["refusal_reasons"] == [first, "no premises"]
    assert step["data"]["comment"] == "no premises" and step["data"]["documents_missing"] == []


def test_the_action_itself_holds_the_rules(world):
    """A command or any future interface calling the action directly meets the same checks."""
    app = _registered(world)
    with pytest.raises(documents.CertificateNotChosen):
        actions.decide(app["id"], world.committee_officer, decision="approve", checklist=checklist("S1"))
    choose_as(world, world.committee_officer)
    with pytest.raises(actions.InvalidInput) as raised:
        actions.decide(app["id"], world.committee_officer, decision="approve")
    assert raised.value.code == "checklist_incomplete"
    done = actions.decide(app["id"], world.committee_officer, decision="approve", checklist=checklist("S1"))
    assert done.status == "completed"


def test_the_head_signs_the_result_only_with_the_chosen_certificate(world):
    from applications.tests.journeys import office_until_decision

    app = office_until_decision(world, portal_until_registered(world, world.api["person"], "S2", "assign"))
    app = decide(world.api["executor"], app)
    head = world.api["head"]
    refused = head.post(f"/applications/{app['id']}/result-signature", expect=409)
    assert refused["code"] == "certificate_not_chosen"
    head.choose_certificate()
    assert head.post(f"/applications/{app['id']}/result-signature")["status"] == "completed"


def test_a_role_that_may_not_decide_gets_403_before_the_certificate_question(world):
    app = _registered(world)
    assert world.api["clerk"].post(f"/applications/{app['id']}/decision", decision_body(app), expect=403)["code"]
