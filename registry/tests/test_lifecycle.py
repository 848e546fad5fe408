"""Registry records: created by results, and every allowed and refused transition."""
import pytest
from django.db import transaction

from applications.tests.journeys import decide, portal_until_registered
from registry import actions as records
from registry.models import Record, RecordDocument, RecordEvent
from registry.tests.helpers import act, licence

VALID, SUSPENDED, TERMINATED = Record.Status.VALID, Record.Status.SUSPENDED, Record.Status.TERMINATED
# (state, action) -> state after, or None when the transition must be refused.
EXPECTED = {
    (VALID, "suspend"): SUSPENDED, (VALID, "resume"): None, (VALID, "terminate"): TERMINATED,
    (VALID, "reissue"): VALID, (VALID, "duplicate"): VALID,
    (SUSPENDED, "suspend"): None, (SUSPENDED, "resume"): VALID, (SUSPENDED, "terminate"): TERMINATED,
    (SUSPENDED, "reissue"): None, (SUSPENDED, "duplicate"): None,
    (TERMINATED, "suspend"): None, (TERMINATED, "resume"): None, (TERMINATED, "terminate"): None,
    (TERMINATED, "reissue"): None, (TERMINATED, "duplicate"): None,
}


class Rollback(Exception):
    pass


def test_every_result_with_a_registry_meaning_creates_a_record(world):
    _app, number = licence(world)
    record = Record.objects.get(number=number)
    assert (record.kind, record.service, record.status, record.version) == ("licence", "S1", VALID, 1)
    assert record.holder.bin == world.company_head.bin and record.holder.address  # from the Legal entities registry
    assert record.holder.branches.exists()  # the registry's branches of the licensee
    assert record.scope["subtypes"] == ["cellular"]
    assert [e.kind for e in record.events.all()] == ["issued"]
    assert RecordDocument.objects.get(record=record).document.number == number


def test_every_allowed_and_refused_transition(world):
    _app, number = licence(world)
    officer = world.committee_officer
    for (state, action), after in EXPECTED.items():
        try:
            with transaction.atomic():
                Record.objects.filter(number=number).update(status=state)
                documents_before = RecordDocument.objects.filter(record__number=number).count()
                if after is None:
                    with pytest.raises(records.TransitionRefused) as refused:
                        records.transition(number, action, officer, reason="проверка")
                    assert refused.value.status == 409 and str(refused.value.message), (state, action)
                    assert Record.objects.get(number=number).status == state, (state, action)
                else:
                    record = records.transition(number, action, officer, reason="проверка", name="ТОО «Жаңа атау»")
                    assert record.status == after, (state, action)
                    event = RecordEvent.objects.filter(record=record).last()
                    assert (event.kind, event.status_before, event.status_after, event.actor, event.reason) == (
                        records.TRANSITIONS[action][2], state, after, officer, "проверка"), (state, action)
                    produced = RecordDocument.objects.filter(record=record).count() - documents_before
                    assert produced == (1 if action in ("reissue", "duplicate") else 0), (state, action)
                raise Rollback
        except Rollback:
            pass
    assert Record.objects.get(number=number).status == VALID


def test_transitions_through_the_api_with_history_documents_and_localised_refusals(world):
    from documents.tests.helpers import download, text_of

    app, number = licence(world)
    officer = world.api["committee_officer"]
    record = act(officer, number, "suspend", reason="нарушение условий").json()
    assert record["status"] == "suspended" and record["version"] == 2
    # Resuming is fine, a duplicate of a suspended licence is not (localised, kk and ru).
    for lang, words in (("ru", "действительн"), ("kk", "жарамды")):
        refused = act(officer, number, "duplicate", expect=409, HTTP_ACCEPT_LANGUAGE=lang).json()
        assert refused["code"] == "transition_not_allowed" and words in refused["message"].lower(), refused
    record = act(officer, number, "resume", reason="нарушение устранено").json()
    assert record["status"] == "valid"
    # Re-issue: a new document version with the new name and address, the same registry number.
    record = act(officer, number, "reissue", reason="смена наименования", name="ТОО «Дала Телеком Плюс»",
                 address="Астана, ул. Жаңа, 2").json()
    assert record["number"] == number and record["holder_name"] == "ТОО «Дала Телеком Плюс»"
    assert [(d["version"], d["role"]) for d in record["documents"]] == [(1, "original"), (2, "reissue")]
    new = record["documents"][1]["number"]
    pdf = text_of(download(world.api["company_head"], app["id"], new))
    assert "ТОО «Дала Телеком Плюс»" in pdf and "Астана, ул. Жаңа, 2" in pdf and number in pdf and "Переоформленная" in pdf
    # Duplicate: a copy marked as such.
    record = act(officer, number, "duplicate", reason="утерян").json()
    dup = record["documents"][2]
    assert dup["role"] == "duplicate"
    pdf = text_of(download(world.api["company_head"], app["id"], dup["number"]))
    assert "ДУБЛИКАТ" in pdf and "ТЕЛНҰСҚА" in pdf and "ТОО «Дала Телеком Плюс»" in pdf
    record = act(officer, number, "terminate", reason="заявление лицензиата").json()
    assert record["status"] == "terminated"
    assert act(officer, number, "resume", expect=409).json()["code"] == "transition_not_allowed"
    assert [e["kind"] for e in record["history"]] == ["issued", "suspended", "resumed", "reissued",
                                                        "duplicate_issued", "terminated"]
    assert all(e["actor"] == "officer" and e["reason"] for e in record["history"][1:])
    # Objects and branches of the licensee (not on a terminated record: an object).
    officer._call("post", f"/registry/records/{number}/objects", {"name": "АТС", "address": "Астана"}, expect=409)


def test_only_an_authorised_officer_with_a_reason_acts(world):
    _app, number = licence(world)
    act(world.api["committee_officer"], number, "suspend", reason=" ", expect=422)
    act(world.api["inspection_officer"], number, "suspend", expect=403, version=1)  # another provider unit
    act(world.api["clerk"], number, "suspend", expect=403, version=1)  # not a deciding role
    world.api["company_head"]._call("post", f"/registry/records/{number}/suspend",
                                    {"reason": "x", "version": 1}, expect=404)
    record = world.api["committee_officer"]._call("post", f"/registry/records/{number}/objects",
                                                  {"name": "Базовая станция", "address": "Астана, ул. Абая, 1"},
                                                  expect=201).json()
    assert record["objects"] == [{"name": "Базовая станция", "address": "Астана, ул. Абая, 1"}]
    assert Record.objects.get(number=number).status == VALID and Record.objects.get(number=number).version == 1


def test_two_officers_on_the_same_version_cannot_both_succeed(world):
    _app, number = licence(world)
    first, second = world.api["committee_officer"], world.api["committee_officer"]
    act(first, number, "suspend", version=1)
    stale = act(second, number, "terminate", version=1, expect=409).json()
    assert stale["code"] == "stale_record"
    assert Record.objects.get(number=number).status == SUSPENDED


def test_s1_reissue_and_duplicate_requests_act_on_the_named_record(world):
    from applications.tests.journeys import FORMS

    _app, number = licence(world)
    api, officer = world.api["company_head"], world.api["committee_officer"]
    FORMS_BACKUP = dict(FORMS[("S1", "reissue")])
    try:
        FORMS[("S1", "reissue")]["licence_number"] = number
        app = portal_until_registered(world, api, "S1", "reissue")
        app = decide(officer, app)
    finally:
        FORMS[("S1", "reissue")] = FORMS_BACKUP
    record = officer.get(f"/registry/records/{number}")
    assert [(d["version"], d["role"]) for d in record["documents"]] == [(1, "original"), (2, "reissue")]
    assert record["holder_address"] == FORMS_BACKUP["new_address"]
    assert record["history"][-1]["kind"] == "reissued" and record["history"][-1]["reason"] == "address"
    # Suspended after the duplicate request was taken: it is refused at the decision, which changes nothing.
    dup_form = dict(FORMS[("S1", "duplicate")])
    try:
        FORMS[("S1", "duplicate")]["licence_number"] = number
        app = portal_until_registered(world, api, "S1", "duplicate")
    finally:
        FORMS[("S1", "duplicate")] = dup_form
    act(officer, number, "suspend")
    refused = decide(officer, app, expect=422, HTTP_ACCEPT_LANGUAGE="ru")  # S1's own rule, checked again
    assert refused["code"] == "service_check_failed" and "дубликат выдаётся только на действующую" in refused["message"]
    assert api.get(f"/applications/{app['id']}")["status"] == "registered"
    assert len(officer.get(f"/registry/records/{number}")["documents"]) == 2


def test_a_reissue_request_cannot_act_on_someone_elses_licence(world):
    """Refused when the request is taken (services/s1/checks.py), in the applicant's language; the record is
    untouched. (The decision checks the holder again: registry.actions._check_same_holder.)"""
    from applications.tests.journeys import DOCUMENTS, FORMS, create

    _app, number = licence(world)  # the company's
    api = world.api["person"]
    app = create(api, "S1", "reissue")
    api.put(f"/applications/{app['id']}/form", {"data": {**FORMS[("S1", "reissue")], "licence_number": number},
                                                 "version": app["form_version"]})
    for code in DOCUMENTS[("S1", "reissue")]:
        api.upload(app["id"], code)
    refused = api._call("post", f"/applications/{app['id']}/fill", {}, HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 422 and refused.json()["code"] == "service_check_failed"
    assert refused.json()["message"] == f"Лицензия {number} не принадлежит услугополучателю."
    assert api.get(f"/applications/{app['id']}")["status"] == "draft"
    assert len(world.api["committee_officer"].get(f"/registry/records/{number}")["documents"]) == 1
