"""The PSC identifies the applicant in the state database at intake (applications.actions.psc_intake): the
receipt, the order and the register carry the name the database holds — never an empty name or the BIN in its
place; an unknown, deceased or liquidated applicant is refused at the desk, and a database that does not answer
changes nothing (503)."""
import pytest

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, FORMS, create, office_decides, office_until_decision
from conftest import COMPANY, PERSON
from core.identifiers import complete
from documents.tests import helpers as h
from integrations.tests.test_outside_systems import DECEASED, LIQUIDATED
from registry.models import Record


def _intake(world, lang="ru", **identity):
    psc = h.speaking(world.api["psc"], lang)
    app = create(psc, "S2", "allocate", channel="psc")
    psc.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "allocate")], "version": app["form_version"]})
    return app, psc._call("post", f"/applications/{app['id']}/intake",
                          {**identity, "documents_presented": DOCUMENTS[("S2", "allocate")]})


def _full_name(person):
    return " ".join((person["last_name"], person["first_name"], person["patronymic"]))


def test_the_receipt_order_and_register_name_the_applicant_as_the_state_database_holds_them(world):
    app, response = _intake(world, iin=PERSON["iin"])
    assert response.status_code == 200, response.content[:500]
    name = _full_name(PERSON)
    assert Application.objects.get(pk=app["id"]).applicant_name == name
    receipt = h.document_of(response.json(), "receipt")
    text = h.squeeze(h.text_of(h.download(world.api["psc"], app["id"], receipt["number"])))
    assert h.squeeze(name) in text
    looked_up = [e for e in world.api["psc"].get(f"/applications/{app['id']}/history")
                 if e["kind"] == "registry_looked_up"]
    assert [e["data"]["status"] for e in looked_up] == ["found"]

    world.api["clerk"].upload(app["id"], "application", is_scan=True)
    decided = world.api["clerk"].post(f"/applications/{app['id']}/incoming-registration")
    decided = world.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    decided = office_decides(world, office_until_decision(world, decided), "approve")
    order = h.document_of(decided, "order")
    assert h.squeeze(name) in h.squeeze(h.text_of(h.download(world.api["psc"], app["id"], order["number"])))
    record = Record.objects.get(application_id=app["id"])
    assert record.current.holder_name == name


def test_a_company_is_named_by_the_legal_entities_register_and_its_bin_shown_once(world):
    app, response = _intake(world, bin=COMPANY["bin"])
    assert response.status_code == 200, response.content[:500]
    stored = Application.objects.get(pk=app["id"])
    assert stored.applicant_name == COMPANY["name"] != ""
    receipt = h.document_of(response.json(), "receipt")
    text = h.squeeze(h.text_of(h.download(world.api["psc"], app["id"], receipt["number"])))
    # Bilingual: each line once in Kazakh and once in Russian — the name as the owner, the BIN as the BIN.
    assert h.squeeze(f"Иесі {COMPANY['name']}") in text and h.squeeze(f"Владелец {COMPANY['name']}") in text
    assert text.count(h.squeeze(f"БИН {COMPANY['bin']}")) == 1 and text.count(COMPANY["bin"]) == 2


@pytest.mark.parametrize(("identity", "reason", "message"), [
    ({"iin": complete("99010130000")}, "not_found", "Государственная база данных не знает этот ИИН или БИН"),
    ({"iin": DECEASED["iin"]}, "deceased", "значится как умерший"),
    ({"bin": LIQUIDATED["bin"]}, "liquidated", "значится как ликвидированная"),
])
def test_an_applicant_the_state_database_cannot_confirm_is_refused_at_the_desk(world, identity, reason, message):
    app, response = _intake(world, **identity)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "applicant_not_identified" and body["details"]["reason"] == reason
    assert message in body["message"]
    stored = Application.objects.get(pk=app["id"])
    assert (stored.applicant_iin, stored.applicant_bin, stored.applicant_name, stored.status) == ("", "", "", "draft")
    assert not stored.documents.exists()


def test_a_state_database_that_does_not_answer_changes_nothing(world, simulators):
    simulators["registry"].kill()
    app, response = _intake(world, iin=PERSON["iin"])
    assert response.status_code == 503 and response.json()["code"] == "outside_system_unavailable"
    stored = Application.objects.get(pk=app["id"])
    assert (stored.applicant_iin, stored.status) == ("", "draft") and not stored.documents.exists()
