"""The preliminary hearing before a refusal on the substance (APC, art. 73; docs/refusals.md) and the legal
ground and appeal route of every refusal, driven through the API and the actions as the pages drive them."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.test import Client
from lxml import etree

from applications.models import Application, ResultDocument
from applications.tests.journeys import (
    checklist,
    choose_as,
    create,
    decision_body,
    filed_on,
    fill,
    open_kinds,
    pay,
    portal_until_registered,
    sign_as,
)
from core.norms import parse_norm
from documents.produce import layout_of
from hearings import actions, grounds
from hearings.errors import AnswerRequired, NoHearing, TermNotPassed, TermPassed
from hearings.models import Hearing
from services import registry
from workdays.calendar import ALMATY, due_at
from workflow import definitions, engine
from workflow.models import Event, WorkTask

SERVICES = Path(__file__).resolve().parents[2] / "services"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def _intend_refusal(world, service="S1", sub_kind="issue"):
    """A request registered on the portal today (the 2026 version), and the officer's refusal proposed."""
    app = portal_until_registered(world, world.api["person"], service, sub_kind)
    officer = world.api["committee_officer" if service in ("S1", "S2") else "inspection_officer"]
    officer.choose_certificate()
    first = next(iter(checklist(service)))
    answer = officer.post(f"/applications/{app['id']}/decision",
                          decision_body(app, "refuse", not_met=[first], comment="no premises"))
    return app, answer, officer, first


def _layout_text(document) -> str:
    _ctx, layout = layout_of(document, "DEMO")
    parts = []
    for section in layout.sections:
        parts += [f"{f.kk} {f.ru} {' '.join(f.values())}" for f in section.fields]
        parts += [f"{t.kk} {t.ru}" for t in section.texts]
        parts += list(section.title)
    return "\n".join(parts)


def test_a_refusal_on_the_substance_is_first_a_notice_with_its_ground_and_term(world):
    app, answer, _officer, first = _intend_refusal(world)
    assert answer["process_id"] == "S1_portal_2026"
    assert answer["status"] == "registered" and open_kinds(answer) == ["answer_hearing"]
    assert not ResultDocument.objects.filter(application_id=app["id"], kind="refusal").exists()
    hearing = Hearing.objects.get(application_id=app["id"])
    assert hearing.ground == "qualification_failed" and hearing.reasons == [first, "no premises"]
    assert hearing.term == "3 working days" and hearing.open and not hearing.answered
    assert hearing.answer_due_at == due_at(hearing.notified_at, parse_norm("3 working days"))
    assert hearing.answer_due_at.date() > hearing.notified_at.date()
    task = WorkTask.objects.get(application_id=app["id"], state="open")
    assert (task.lane, task.step, task.due_at) == ("applicant", "H2", hearing.answer_due_at)
    notified = Event.objects.get(application_id=app["id"], kind="hearing_notified")
    assert notified.data["ground"] == "qualification_failed" and notified.step == "H1"
    # the notice is a document the officer who proposed the refusal signs with their EDS
    notice = ResultDocument.objects.get(application_id=app["id"], kind="hearing_notice")
    assert notice.number.startswith("HNT-") and notice.number == notified.data["number"]
    assert notice.signer_id == world.committee_officer.pk
    assert world.sign_pending(app["id"]) == [notice.number]
    notice.refresh_from_db()
    assert notice.pdf_sha256
    text = _layout_text(notice)
    assert layout_of(notice, "DEMO")[1].title == ("БОЛЖАМДЫ БАС ТАРТУ ТУРАЛЫ ХАБАРЛАМА", "УВЕДОМЛЕНИЕ О ПРЕДПОЛАГАЕМОМ ОТКАЗЕ")
    assert "Правовое основание предполагаемого отказа" in text and "приложение 1, пункт 6, условие 4" in text
    assert "no premises" in text and "АППК, ст. 73" in text
    assert hearing.answer_due_at.astimezone(ALMATY).strftime("%d.%m.%Y") in text
    # a notification in the applicant's inbox; their page shows the notice, the ground with its paragraph, the form
    from portal.inbox import notifications
    assert [e.kind for e in notifications(world.person)][0] == "hearing_notified"
    client = Client()
    client.force_login(world.person)
    page = client.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Notice of an intended refusal" in page and 'name="answer"' in page
    assert "appendix 1, item 6, condition 4" in page


def test_the_answer_within_the_term_is_recorded_and_the_reasoned_refusal_names_it(world):
    app, _answer, officer, first = _intend_refusal(world)
    with pytest.raises(AnswerRequired):
        actions.answer(app["id"], world.person, text="   ")
    with pytest.raises(engine.NotAllowed):  # only the applicant answers
        actions.answer(app["id"], world.company_head, text="not mine")
    actions.answer(app["id"], world.person, text="Premises are rented from 1 December; contract attached.")
    hearing = Hearing.objects.get(application_id=app["id"])
    assert hearing.answered and not hearing.open
    assert open_kinds(officer.get(f"/applications/{app['id']}")) == ["decide"]
    with pytest.raises(NoHearing):
        actions.answer(app["id"], world.person, text="again")
    refused = officer.post(f"/applications/{app['id']}/decision",
                           decision_body(app, "refuse", not_met=[first], comment="no premises"))
    world.sign_pending(app["id"])
    assert refused["status"] == "refused" and refused["refusal_step"] == "10"
    hearing.refresh_from_db()
    assert hearing.outcome == "refuse" and hearing.decided_by_id == world.committee_officer.pk
    decided = Event.objects.get(application_id=app["id"], kind="hearing_decided")
    assert decided.data == {"hearing": hearing.pk, "decision": "refuse", "answered": True}
    document = ResultDocument.objects.get(application_id=app["id"], kind="refusal")
    assert document.signer_id == world.committee_officer.pk  # the officer's own EDS, as every decision
    text = _layout_text(document)
    assert "Premises are rented from 1 December" in text  # the decision records the answer
    assert "приложение 1, пункт 6, условие 4" in text and "АППК, ст. 73" in text
    assert "Порядок обжалования" in text and "В суд" in text and "трёх месяцев" in text


def test_no_answer_within_the_term_the_officer_decides_after_it(world):
    app, _answer, _officer, _first = _intend_refusal(world)
    hearing = Hearing.objects.get(application_id=app["id"])
    with pytest.raises(TermNotPassed):
        actions.close_without_answer(app["id"], world.committee_officer)
    with pytest.raises(engine.NotAllowed):  # another provider's officer
        actions.close_without_answer(app["id"], world.inspection_officer,
                                     now=hearing.answer_due_at + datetime.timedelta(seconds=1))
    later = hearing.answer_due_at + datetime.timedelta(minutes=1)
    assert actions.close_expired(now=hearing.answer_due_at - datetime.timedelta(minutes=1)) == 0
    assert actions.close_expired(now=later) == 1  # the periodic job
    hearing.refresh_from_db()
    assert not hearing.open and not hearing.answered
    with pytest.raises(NoHearing):
        actions.answer(app["id"], world.person, text="too late")
    # the officer decides — here: approves after all; the decision records that no answer came
    choose_as(world, world.committee_officer)
    from applications import actions as requests
    requests.decide(app["id"], world.committee_officer, decision="approve", checklist=checklist("S1"))
    sign_as(world, world.committee_officer, app["id"])
    assert Application.objects.get(pk=app["id"]).status == "completed"
    hearing.refresh_from_db()
    assert hearing.outcome == "approve"
    assert Event.objects.get(application_id=app["id"], kind="hearing_decided").data["answered"] is False


def test_the_answer_after_the_term_is_refused(world, monkeypatch):
    app, _answer, _officer, _first = _intend_refusal(world)
    hearing = Hearing.objects.get(application_id=app["id"])
    monkeypatch.setattr("hearings.actions.timezone.now", lambda: hearing.answer_due_at + datetime.timedelta(seconds=1))
    with pytest.raises(TermPassed):
        actions.answer(app["id"], world.person, text="late")


def test_a_request_filed_under_the_2012_version_keeps_it_and_is_refused_at_once(world):
    api = world.api["person"]
    with filed_on(datetime.date(2026, 11, 30)):
        app = create(api, "S1", "issue")
    assert app["process_id"] == "S1_portal_2012"
    app = fill(api, app, "S1", "issue")
    app = pay(api, app)
    from applications.tests.journeys import sign
    app = sign(world, api, app)
    officer = world.api["committee_officer"]
    officer.choose_certificate()
    first = next(iter(checklist("S1")))
    refused = officer.post(f"/applications/{app['id']}/decision", decision_body(app, "refuse", not_met=[first]))
    assert refused["status"] == "refused" and refused["refusal_step"] == "10"
    assert not Hearing.objects.filter(application_id=app["id"]).exists()
    world.sign_pending(app["id"])
    text = _layout_text(ResultDocument.objects.get(application_id=app["id"], kind="refusal"))
    assert "пункт 6, условие 4" in text and "Порядок обжалования" in text  # ground and appeal in the old one too
    assert "Заслушивание" not in text


def test_an_automatic_refusal_names_its_ground_and_the_appeal_route(world):
    api = world.api["person"]
    app = fill(api, create(api, "S1", "issue"), "S1", "issue")
    app = pay(api, app, "decline")
    assert app["status"] == "refused" and app["refusal_step"] == "5" and app["refusal_reason"] == "not_paid"
    document = ResultDocument.objects.get(application_id=app["id"], kind="refusal")
    assert document.signer_id is None  # the system's seal
    text = _layout_text(document)
    assert "приложение 1, пункт 6, условие 2" in text and "Сбор за услугу не оплачен" in text
    assert "Руководителю услугодателя" in text and "АППК, ст. 91" in text
    client = Client()
    client.force_login(world.person)
    page = client.get(f"/portal/requests/{app['id']}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Приказ Министра транспорта и коммуникаций РК от 26 ноября 2012 года № 809" in page
    assert "В суд" in page


def _refusal_codes(path: Path) -> dict[str, str]:
    root = etree.parse(str(path)).getroot()
    codes = {}
    for task in root.iterfind(".//bpmn:serviceTask", NS):
        op = task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
        if op.get("id") in ("refuse", "notify_intended_refusal"):
            param = op.find("spiffworkflow:parameters/spiffworkflow:parameter", NS)
            codes[task.get("id")] = (op.get("id"), param.get("value").strip("'"))
    return codes


@pytest.mark.parametrize("service", [s.code for s in registry.all_services()])
def test_every_refusal_of_every_definition_has_a_ground_and_the_service_an_appeal_route(service):
    files = definitions.iter_definition_files(SERVICES / service.lower() / "definitions")
    assert files
    named = grounds.grounds(service)
    for path in files:
        for node, (operation, code) in _refusal_codes(path).items():
            ground = named.get(code)
            assert ground is not None, (path.name, node, code)
            for text in (ground.basis, ground.text):
                assert text.kk and text.ru and text.en and len({text.kk, text.ru, text.en}) == 3
            assert "809" in ground.basis.ru or "2015" in ground.basis.ru
            if operation == "notify_intended_refusal":
                assert ground.substantive  # the hearing precedes a refusal on the substance only
    route = grounds.appeal(service)
    assert len(route) == 3
    for step in route:
        for text in (step.to, step.how, step.term):
            assert text.kk and text.ru and text.en


def test_the_2026_versions_hear_before_the_substantive_refusal_and_keep_the_automatic_ones():
    for service in ("S1", "S3", "S4"):
        old = definitions.read_definition(SERVICES / service.lower() / "definitions" / "portal-2012.bpmn")
        new = definitions.read_definition(SERVICES / service.lower() / "definitions" / "portal-2026.bpmn")
        assert new.valid_from == datetime.date(2026, 12, 1) > old.valid_from
        assert definitions.definition_for(service, "portal", datetime.date(2026, 12, 2)).process_id == new.process_id
        assert definitions.definition_for(service, "portal", datetime.date(2026, 11, 30)).process_id == old.process_id
        (answer,) = [n for n in new.nodes.values() if n.action_kind == "answer_hearing"]
        assert answer.lane == "applicant" and answer.term == parse_norm("3 working days")
        refusals = {code for _op, code in _refusal_codes(new.path).values()}
        assert refusals == {code for _op, code in _refusal_codes(old.path).values()}  # the same grounds
        # the automatic refusals go straight to their refusal: only the officer's check is preceded by a hearing
        assert [n.bpmn_id for n in new.nodes.values() if n.properties.get("step") in ("H1", "H2", "H3")] == [
            "hearing_notice", "hearing_answer", "decide_final"]


def test_the_applicant_answers_through_the_api_too(world):
    app, _answer, officer, _first = _intend_refusal(world)
    api = world.api["person"]
    assert api.post(f"/applications/{app['id']}/hearing-answer", {"answer": ""}, expect=422)["code"] == \
        "hearing_answer_required"
    assert world.api["company_head"].post(f"/applications/{app['id']}/hearing-answer", {"answer": "x"},
                                          expect=404)["code"] == "not_found"
    answered = api.post(f"/applications/{app['id']}/hearing-answer", {"answer": "We disagree."})
    assert open_kinds(answered) == ["decide"]
    assert api.post(f"/applications/{app['id']}/hearing-answer", {"answer": "again"}, expect=409)["code"] == \
        "hearing_not_open"
    assert Hearing.objects.get(application_id=app["id"]).answer == "We disagree."
