"""A paper S1 or S3 request is registered only once the officer has confirmed its fee with the payment gateway
(applications.paper_payments): the fee paid at a bank (the gateway simulator's bank payment, over HTTP), the
payer's IIN/BIN and the reference from the receipt entered on the scans page or sent with the API's P6."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, FORMS, create, open_kinds, pay_at_bank
from audit.models import AuditEntry
from backoffice.tests.test_pages import office, page
from conftest import COMPANY, PDF, PERSON
from integrations.models import ExchangeLog, Payment
from services.models import Fee
from workflow.models import Event

CASES = [("S1", "issue", "committee_officer"), ("S3", "assignment", "inspection_officer")]


def fee(service, sub_kind) -> int:
    return Fee.objects.filter(service=service, sub_kind=sub_kind).order_by("-valid_from").first().amount_kzt


def entered(world, service, sub_kind, who, iin=None):
    """P3–P4 done and the scans attached: the request waits at P6 (attach_scans) for its registration."""
    officer = world.api[who]
    app = create(officer, service, sub_kind, channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[(service, sub_kind)], "version": app["form_version"]})
    app = officer.post(f"/applications/{app['id']}/applicant", {"iin": iin or PERSON["iin"]})
    assert open_kinds(app) == ["attach_scans"], app
    for code in DOCUMENTS[(service, sub_kind)]:
        officer.upload(app["id"], code, is_scan=True)
    return officer, app


def register(officer, app, expect=200, **payment):
    body = {"documents_presented": DOCUMENTS[(app["service"], app["sub_kind"])], **payment}
    return officer._call("post", f"/applications/{app['id']}/scans", body, expect=expect, HTTP_ACCEPT_LANGUAGE="en")


def unchanged(app_id):
    app = Application.objects.get(pk=app_id)
    assert app.status == "draft" and not app.number
    assert not Payment.objects.filter(application=app).exists()
    assert not Event.objects.filter(application=app, kind="payment_confirmed").exists()
    assert list(app.tasks.filter(state="open").values_list("action_kind", flat=True)) == ["attach_scans"]
    return app


@pytest.mark.parametrize("service,sub_kind,who", CASES)
def test_a_paper_request_of_a_paid_service_is_not_registered_without_its_fee(world, service, sub_kind, who):
    officer, app = entered(world, service, sub_kind, who)
    answer = register(officer, app, expect=409).json()
    assert answer["code"] == "paper_payment_missing", answer
    assert "confirm the payment with the gateway" in answer["message"]
    unchanged(app["id"])


@pytest.mark.parametrize("service,sub_kind,who", CASES)
def test_a_confirmed_fee_registers_the_request_and_shows_on_it(world, service, sub_kind, who):
    officer, app = entered(world, service, sub_kind, who)
    paid = pay_at_bank(service, sub_kind, PERSON["iin"])
    done = register(officer, app, payer=PERSON["iin"], payment_reference=paid["reference"]).json()
    assert done["status"] == "registered" and done["number"], done
    payment = Payment.objects.get(application_id=app["id"])
    assert (payment.reference, payment.amount_kzt, payment.status, payment.payer, payment.reported_by) == (
        paid["reference"], fee(service, sub_kind), "paid", PERSON["iin"], "officer")
    assert payment.gateway_id == paid["payment_id"] and payment.confirmed_by == getattr(world, who)
    # asked over HTTP: the exchange log holds the look-up of the reference
    lookup = ExchangeLog.objects.get(application_id=app["id"], operation="find_payment")
    assert lookup.outcome == "ok" and paid["reference"] in lookup.url
    # the history and the audit
    event = Event.objects.get(application_id=app["id"], kind="payment_confirmed")
    assert event.data == {"reference": paid["reference"], "amount_kzt": fee(service, sub_kind), "payer": PERSON["iin"]}
    assert event.step == "P6" and event.actor == getattr(world, who)
    assert AuditEntry.objects.filter(subject_id=str(app["id"]), data__change="payment_confirmed",
                                     data__reference=paid["reference"]).count() == 1
    # shown on the request: the back office's page and the applicant's
    html = page(office(getattr(world, who)), f"/office/requests/{app['id']}/")
    assert "Fee paid" in html and paid["reference"] in html and f"{fee(service, sub_kind):,}".replace(",", "\u00a0") in html
    from django.test import Client

    applicant = Client(HTTP_ACCEPT_LANGUAGE="en")
    applicant.force_login(world.person)
    mine = applicant.get(f"/portal/requests/{app['id']}/")
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "Fee paid" in text and paid["reference"] in text
    assert "Fee paid at a bank, confirmed with the payment gateway" in text


@pytest.mark.parametrize("problem", ["amount", "payer", "payer_not_applicant", "purpose", "unknown", "not_paid"])
def test_a_payment_that_does_not_fit_is_refused_and_nothing_changes(world, problem):
    officer, app = entered(world, "S1", "issue", "committee_officer")
    payer, reference = PERSON["iin"], None
    expected = {"amount": "payment_amount_mismatch", "payer": "payment_payer_mismatch",
                "payer_not_applicant": "payment_payer_not_applicant", "purpose": "payment_purpose_mismatch",
                "unknown": "payment_not_found", "not_paid": "payment_not_paid"}[problem]
    if problem == "amount":
        reference = pay_at_bank("S1", "issue", payer, amount=fee("S1", "issue") - 1)["reference"]
    elif problem == "payer":  # paid by the company, the officer enters the person
        reference = pay_at_bank("S1", "issue", COMPANY["bin"])["reference"]
    elif problem == "payer_not_applicant":  # the payer entered is the one who paid, but not the applicant
        payer = COMPANY["bin"]
        reference = pay_at_bank("S1", "issue", payer)["reference"]
    elif problem == "purpose":  # the S3 fee, entered for an S1 request
        reference = pay_at_bank("S3", "assignment", payer, amount=fee("S1", "issue"))["reference"]
    elif problem == "unknown":
        reference = "KZ-NO-SUCH-PAYMENT-1"
    else:  # a portal payment started and never paid: the gateway knows it, not as paid
        other = create(world.api["person"], "S1", "issue")
        from applications.tests.journeys import fill

        fill(world.api["person"], other, "S1", "issue")
        started = world.api["person"].post(f"/applications/{other['id']}/payment")
        reference = started["reference"]
        Payment.objects.filter(reference=reference).delete()  # so that only the gateway's word is asked
    answer = register(officer, app, expect=422, payer=payer, payment_reference=reference).json()
    assert answer["code"] == expected, answer
    assert "_" not in answer["message"] and answer["message"]
    unchanged(app["id"])


def test_a_reference_serves_one_request_only(world):
    officer, first = entered(world, "S1", "issue", "committee_officer")
    paid = pay_at_bank("S1", "issue", PERSON["iin"])
    done = register(officer, first, payer=PERSON["iin"], payment_reference=paid["reference"]).json()
    _officer, second = entered(world, "S1", "issue", "committee_officer")
    answer = register(officer, second, expect=422, payer=PERSON["iin"], payment_reference=paid["reference"]).json()
    assert answer["code"] == "payment_reference_used" and done["number"] in answer["message"], answer
    unchanged(second["id"])
    assert Payment.objects.filter(reference=paid["reference"]).count() == 1


def test_the_gateway_down_changes_nothing(world, simulators):
    officer, app = entered(world, "S1", "issue", "committee_officer")
    paid = pay_at_bank("S1", "issue", PERSON["iin"])
    simulators["payments"].kill()
    try:
        answer = register(officer, app, expect=503, payer=PERSON["iin"], payment_reference=paid["reference"]).json()
    finally:
        simulators["payments"].start()
    assert answer["code"] == "outside_system_unavailable", answer
    unchanged(app["id"])
    # up again (the simulator keeps its payments in its state file): the same confirmation goes through
    assert register(officer, app, payer=PERSON["iin"], payment_reference=paid["reference"]).json()["status"] == "registered"


def test_a_free_service_needs_no_payment(world):
    officer = world.api["committee_officer"]
    app = create(officer, "S2", "assign", channel="staff")
    officer.put(f"/applications/{app['id']}/form", {"data": FORMS[("S2", "assign")], "version": app["form_version"]})
    app = officer.post(f"/applications/{app['id']}/applicant", {"bin": COMPANY["bin"]})
    officer.upload(app["id"], "application", is_scan=True)
    assert register(officer, app).json()["status"] == "registered"


def test_on_the_scans_page_the_officer_confirms_the_fee_then_registers(world):
    officer, app = entered(world, "S1", "issue", "committee_officer")
    client = office(world.committee_officer)
    url = f"/office/requests/{app['id']}/scans"
    html = page(client, url)
    assert "Confirm the payment with the gateway" in html and f'value="{PERSON["iin"]}"' in html
    presented = {"action": "finish", "presented": DOCUMENTS[("S1", "issue")]}
    html = client.post(url, presented, follow=True).content.decode()
    assert "The fee is not confirmed" in html
    assert Application.objects.get(pk=app["id"]).status == "draft"
    # a wrong reference: said clearly, on the page
    html = client.post(url, {"action": "confirm_payment", "payer": PERSON["iin"],
                             "payment_reference": "KZ000000000000"}, follow=True).content.decode()
    assert "The payment gateway has no payment with this reference" in html
    paid = pay_at_bank("S1", "issue", PERSON["iin"])
    response = client.post(url, {"action": "confirm_payment", "payer": PERSON["iin"], "payment_reference": paid["reference"]})
    assert response.status_code == 302
    html = page(client, url)
    assert "is confirmed with the payment gateway" in html and paid["reference"] in html
    client.post(url, {"action": "attach", "document_code": "application",
                      "file": SimpleUploadedFile("application.pdf", PDF, "application/pdf")})
    response = client.post(url, presented)
    assert response.status_code == 302
    assert Application.objects.get(pk=app["id"]).status == "registered"
