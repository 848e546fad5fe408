"""The back office's pages through Django's test client: log-in, queues by role, the request's page,
the paper application, the checklist, the office steps, the administrator's pages."""
from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, portal_until_registered, through_hearing
from backoffice import sla
from conftest import PDF, PERSON, choose_certificate_on_page
from workflow.models import WorkTask

PASSWORD = "demo-pass-123"


def office(user, lang="en", certificate=True) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    response = client.post("/office/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if certificate and user.kind == "officer":
        assert "/office/certificate/" in response["Location"]
        assert choose_certificate_on_page(client, user).status_code == 302
    return client


def sign_on_page(client, world, application_id, officer):
    """The officer signs, on the request's page, each document awaiting their signature (the form's pasted CMS,
    made with the test-held key as NCALayer would)."""
    import base64
    import re

    from integrations.signatures import sign_detached

    html = page(client, f"/office/requests/{application_id}/")
    cert = world.api_of(officer).signing_certificate
    for action, payload in re.findall(r'<form method="post" action="([^"]+/sign)" data-ncalayer="sign" '
                                      r'data-payload="([^"]+)"', html):
        cms = sign_detached(base64.b64decode(payload), cert, world.key)
        assert client.post(action, {"cms_b64": base64.b64encode(cms).decode()}).status_code == 302


def page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.content[:1000])
    return response.content.decode()


def test_login_is_for_staff_only(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/office/login/", {"username": "person", "password": PASSWORD})
    assert response.status_code == 200 and "officers" in response.content.decode()
    assert client.get("/office/").status_code == 302
    response = client.post("/office/login/", {"username": "officer", "password": "wrong"})
    assert response.status_code == 200
    # Pages need the log-in.
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/office/requests/").status_code == 302


def test_officer_chooses_own_certificate_after_log_in(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/office/login/", {"username": "officer", "password": PASSWORD})
    assert response["Location"].startswith("/office/certificate/")
    html = page(client, "/office/certificate/")
    # No certificate of the officer's on the server: NCALayer signs the page's one-time challenge.
    assert 'data-ncalayer="sign"' in html and 'name="challenge"' in html
    assert f'data-iin="{world.committee_officer.iin}"' in html
    assert f'data-bin="{world.committee_officer.provider_unit.bin}"' in html
    assert "Choose my certificate with NCALayer" in html
    assert choose_certificate_on_page(client, world.committee_officer).status_code == 302
    html = page(client, "/office/certificate/")
    cert = world.api["committee_officer"].signing_certificate
    assert format(cert.serial_number, "x") in html and "This certificate is chosen for this session." in html


def test_queue_by_role_and_unit_with_sla(world):
    w = world
    s4 = portal_until_registered(w, w.api["person"], "S4", "device")  # the Almaty Inspection's
    s1 = portal_until_registered(w, w.api["person"], "S1", "issue")    # the Committee's
    committee = page(office(w.committee_officer), "/office/")
    assert s1["number"] in committee and s4["number"] not in committee
    inspection = page(office(w.inspection_officer), "/office/")
    assert s4["number"] in inspection and s1["number"] not in inspection
    assert "sla-on_time" in inspection and "on time" in inspection
    # The 2015 office roles see no 2012 provider step.
    assert s1["number"] not in page(office(w.clerk), "/office/")
    # Filters and search.
    client = office(w.committee_officer)
    assert s1["number"] in page(client, f"/office/?q={PERSON['iin'][:6]}")
    assert s1["number"] not in page(client, "/office/?service=S2")
    assert s1["number"] in page(client, "/office/requests/?status=registered&step=decide")
    assert s1["number"] not in page(client, "/office/requests/?q=nobody-such")


def test_sla_states():
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    assert sla.judge(now - hour, now + 10 * hour, now)["state"] == "on_time"
    assert sla.judge(now - 10 * hour, now + hour / 2, now)["state"] == "nearing"
    assert sla.judge(now - 10 * hour, now - hour, now)["state"] == "overdue"
    assert sla.judge(now - 10 * hour, now, now, finished=now - hour)["state"] == "kept"
    assert sla.judge(None, None)["state"] == "none"
    for state in sla.STATES:
        assert sla.indicator(state)["icon"] and sla.indicator(state)["label"]


def test_request_page_sections_and_diagram(world):
    w = world
    app = portal_until_registered(w, w.api["person"], "S1", "issue")
    html = page(office(w.committee_officer), f"/office/requests/{app['id']}/")
    task = WorkTask.objects.get(application_id=app["id"], state="open")
    assert f'data-current="{task.bpmn_id}"' in html
    assert "/api/v1/process-definitions/S1_portal_2026/bpmn" in html
    assert "vendor/bpmn-js/bpmn-viewer.production.min.js" in html
    for text in ("Data from the state registry", "Attachments and scans", "Exchange log with outside systems",
                 "Signature validation report", "History", "Qualification check and decision", "valid"):
        assert text in html, text
    assert PERSON["last_name"] in html  # registry data
    # The bpmn XML the viewer loads is served without log-in.
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/process-definitions/S1_portal_2026/bpmn").status_code == 200
    # Another unit's officer does not see it; attachments download for the one who does.
    page(office(w.inspection_officer), f"/office/requests/{app['id']}/", status=404)
    attachment = Application.objects.get(pk=app["id"]).attachments.first()
    response = office(w.committee_officer).get(f"/office/requests/{app['id']}/attachments/{attachment.pk}")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_checklist_refusal_gives_the_failed_items_as_reasons(world):
    w = world
    app = portal_until_registered(w, w.api["person"], "S4", "device")
    client = office(w.inspection_officer)
    url = f"/office/requests/{app['id']}/act"
    # Approving with an item not met, or with the checklist not worked through, is refused.
    client.post(url, {"action": "approve", "req-device-conformity": "not_met"})
    assert Application.objects.get(pk=app["id"]).status == "registered"
    client.post(url, {"action": "approve"})
    assert Application.objects.get(pk=app["id"]).status == "registered"
    client.post(url, {"action": "refuse"})  # no reasons
    assert Application.objects.get(pk=app["id"]).status == "registered"
    client.post(url, {"action": "refuse", "req-device-conformity": "not_met", "comment": "Model not certified"})
    assert through_hearing(app["id"])  # the version in force hears the applicant first (docs/refusals.md)
    client.post(url, {"action": "refuse", "req-device-conformity": "not_met", "comment": "Model not certified"})
    refused = Application.objects.get(pk=app["id"])
    assert refused.status == "refused"
    assert refused.refusal_details == ["device-conformity", "Model not certified"]
    html = page(client, f"/office/requests/{app['id']}/")
    assert "The device does not conform" in html and "Model not certified" in html
    # The reasoned refusal is the inspector's decision: it awaits their signature, then is the signed PDF.
    assert "Awaiting your signature" in html and "signed PDF" not in html
    sign_on_page(client, w, app["id"], w.inspection_officer)
    html = page(client, f"/office/requests/{app['id']}/")
    assert "signed PDF" in html and "Awaiting your signature" not in html


def test_decision_needs_the_officers_certificate_first(world):
    w = world
    app = portal_until_registered(w, w.api["person"], "S4", "device")
    client = office(w.inspection_officer, certificate=False)
    response = client.post(f"/office/requests/{app['id']}/act", {"action": "approve", "req-device-conformity": "met"})
    assert response.status_code == 302 and "/office/certificate/" in response["Location"]
    assert Application.objects.get(pk=app["id"]).status == "registered"
    choose_certificate_on_page(client, w.inspection_officer)
    client.post(f"/office/requests/{app['id']}/act", {"action": "approve", "req-device-conformity": "met"})
    done = Application.objects.get(pk=app["id"])
    permit = done.documents.get(kind="permit")
    assert done.status == "completed" and permit.signer_id == w.inspection_officer.pk and not permit.pdf_sha256
    # The request page offers the officer the permit to sign (NCALayer, or a pasted CMS); signing it stores it.
    html = page(client, f"/office/requests/{app['id']}/")
    assert "Awaiting your signature" in html and f"/documents/{permit.number}/sign" in html
    import base64
    import re

    from integrations.signatures import sign_detached

    payload = re.search(r'id="to-sign".*?data-payload="([^"]+)"', html, re.S).group(1)
    cms = sign_detached(base64.b64decode(payload), w.api["inspection_officer"].signing_certificate, w.key)
    response = client.post(f"/office/requests/{app['id']}/documents/{permit.number}/sign",
                           {"cms_b64": base64.b64encode(cms).decode()})
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.pdf_sha256 and permit.signer_name


def test_paper_s1_application_entry_to_registration_and_approval(world):
    w = world
    client = office(w.committee_officer)
    page(client, "/office/requests/new/")
    response = client.post("/office/requests/new/", {"service_kind": "S1:issue", "token": "t-1"})
    assert response.status_code == 302, response.content[:500]
    app = Application.objects.get(channel="staff")
    assert response["Location"] == f"/office/requests/{app.pk}/enter"
    html = page(client, f"/office/requests/{app.pk}/enter")
    assert "Look up in the state registry" in html
    form = {"version": app.form_version, "subtypes": ["cellular"], "territory": "Republic of Kazakhstan", "iin": PERSON["iin"]}
    html = client.post(f"/office/requests/{app.pk}/enter", {**form, "action": "lookup"}).content.decode()
    assert "Found in the registry" in html and PERSON["last_name"] in html
    app.refresh_from_db()
    response = client.post(f"/office/requests/{app.pk}/enter", {**form, "version": app.form_version, "action": "enter"})
    assert response["Location"] == f"/office/requests/{app.pk}/scans", response.content[:2000]
    # Registering without the scans says which are missing.
    client.post(f"/office/requests/{app.pk}/scans", {"action": "finish", "presented": DOCUMENTS[("S1", "issue")]})
    assert Application.objects.get(pk=app.pk).status == "draft"
    for code in DOCUMENTS[("S1", "issue")]:
        client.post(f"/office/requests/{app.pk}/scans", {
            "action": "attach", "document_code": code, "file": SimpleUploadedFile(f"{code}.pdf", PDF, "application/pdf")})
    # S1 is paid: the fee paid at a bank is confirmed with the gateway first (backoffice/tests/test_paper_payment.py)
    from applications.tests.journeys import pay_at_bank

    client.post(f"/office/requests/{app.pk}/scans", {
        "action": "confirm_payment", "payer": PERSON["iin"],
        "payment_reference": pay_at_bank("S1", "issue", PERSON["iin"])["reference"]})
    response = client.post(f"/office/requests/{app.pk}/scans", {"action": "finish", "presented": DOCUMENTS[("S1", "issue")]})
    app.refresh_from_db()
    assert app.status == "registered" and app.number and app.registry_data
    client.post(f"/office/requests/{app.pk}/act", {"action": "approve", "req-technical-base": "met", "req-staff": "met"})
    app.refresh_from_db()
    assert app.status == "completed" and app.result_kind == "licence"
    html = page(client, f"/office/requests/{app.pk}/")
    assert "scan of a paper document" in html


def test_paper_application_for_an_applicant_the_registry_does_not_know(world):
    from applications.tests.journeys import unknown_iin

    client = office(world.committee_officer)
    client.post("/office/requests/new/", {"service_kind": "S1:issue", "token": "t-2"})
    app = Application.objects.get(channel="staff")
    form = {"version": app.form_version, "subtypes": ["cellular"], "territory": "Republic of Kazakhstan", "iin": unknown_iin()}
    html = client.post(f"/office/requests/{app.pk}/enter", {**form, "action": "lookup"}).content.decode()
    assert "The registry has no such applicant" in html


def test_2015_office_steps_as_buttons_for_whoever_holds_the_step(world):
    from pscdesk.tests.test_desk import intake_complete

    w = world
    app = intake_complete(w)
    url = f"/office/requests/{app.pk}/act"
    clerk, head, unit_head, executor = (office(u) for u in (w.clerk, w.head, w.unit_head, w.executor))
    assert "Register the incoming application" in page(clerk, f"/office/requests/{app.pk}/")
    assert "Your step" not in page(head, f"/office/requests/{app.pk}/")
    head.post(url, {"action": "register_incoming"})  # not the head's step
    assert Application.objects.get(pk=app.pk).status == "draft"
    clerk.post(url, {"action": "register_incoming", "scan": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")})
    assert Application.objects.get(pk=app.pk).status == "registered"
    executor.post(url, {"action": "put_on_portal"})
    head.post(url, {"action": "assign_unit", "unit_id": app.provider_unit_id})
    assert w.executor.get_full_name() in page(unit_head, f"/office/requests/{app.pk}/")
    unit_head.post(url, {"action": "assign_executor", "executor_id": w.executor.pk})
    executor.post(url, {"action": "approve", "req-plan-conformity": "met"})
    assert Application.objects.get(pk=app.pk).tasks.get(state="open").action_kind == "sign_result"
    import re

    digest = re.search(r'name="draft_sha256" value="([0-9a-f]{64})"', page(head, f"/office/requests/{app.pk}/")).group(1)
    head.post(url, {"action": "sign_result", "draft_sha256": digest})  # the draft order the head was shown
    done = Application.objects.get(pk=app.pk)
    assert done.status == "completed" and done.result_kind == "order"


# -- the administrator ----------------------------------------------------------------------------------
@pytest.fixture
def admin_client(world):
    from accounts.models import User

    User.objects.create_user(username="root", password=PASSWORD, kind="administrator")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.post("/office/login/", {"username": "root", "password": PASSWORD})
    return client


def test_admin_pages_are_for_administrators(world, admin_client):
    for url in ("/office/admin/", "/office/admin/users/", "/office/admin/calendar/", "/office/admin/fees/",
                "/office/admin/trust/"):
        page(admin_client, url)
        page(office(world.committee_officer), url, status=404)


def test_administrator_sees_every_unit_and_filters_by_unit(world, admin_client):
    w = world
    s4 = portal_until_registered(w, w.api["person"], "S4", "device")
    s1 = portal_until_registered(w, w.api["person"], "S1", "issue")
    html = page(admin_client, "/office/requests/")
    assert s4["number"] in html and s1["number"] in html and 'id="f-unit"' in html
    html = page(admin_client, "/office/requests/?unit=inspection-almaty-city")
    assert s4["number"] in html and s1["number"] not in html
    html = page(admin_client, "/office/?unit=committee")
    assert s1["number"] in html and s4["number"] not in html
    assert 'id="f-unit"' not in page(office(w.committee_officer), "/office/")


def test_admin_edits_roles_overrides_and_fees(world, admin_client):
    from services.models import Fee, ProviderUnit
    from workdays.calendar import is_working_day
    from workdays.models import WorkingDayOverride

    unit = ProviderUnit.objects.get(code="committee")
    response = admin_client.post(f"/office/admin/users/{world.clerk.pk}/", {
        "kind": "officer", "provider_unit": unit.pk, "roles": ["office_clerk", "executor"], "is_active": "on"})
    assert response.status_code == 302
    assert set(world.clerk.groups.values_list("name", flat=True)) == {"office_clerk", "executor"}
    saturday = datetime.date(2030, 1, 5)
    admin_client.post("/office/admin/calendar/", {"date": saturday.isoformat(), "is_working_day": "on", "reason_en": "moved"})
    assert is_working_day(saturday)
    admin_client.post("/office/admin/calendar/", {"delete": WorkingDayOverride.objects.get(date=saturday).pk})
    assert not is_working_day(saturday)
    admin_client.post("/office/admin/fees/", {"service_kind": "S1:issue", "amount_kzt": "12 345", "valid_from": "2030-01-01"})  # as typed
    assert Fee.objects.filter(amount_kzt=12345, service="S1", sub_kind="issue", is_demo_value=False).exists()
    assert "12\u00a0345" in page(admin_client, "/office/admin/fees/")  # digit groups apart


def test_trust_store_lists_and_takes_a_crl(world, admin_client, pki, settings, tmp_path):
    import shutil

    settings.ELICENSE_TRUST_DIR = shutil.copytree(pki.directory, tmp_path / "trust")
    html = page(admin_client, "/office/admin/trust/")
    assert "trusted root" in html and "current" in html
    crl_pem = pki.ca_crl_path.read_bytes()
    response = admin_client.post("/office/admin/trust/", {"kind": "crl", "file": SimpleUploadedFile("ca.crl.pem", crl_pem)})
    assert response.status_code == 302
    # Not a certificate where a root is asked for; not self-signed.
    response = admin_client.post("/office/admin/trust/", {"kind": "root", "file": SimpleUploadedFile("x.pem", crl_pem)})
    assert response.status_code == 200 and "not one certificate or revocation list" in response.content.decode()


def test_trust_store_page_adds_and_removes_rows_of_the_shared_store(world, admin_client, pki):
    """The trust store is the database's (every app server reads it): an upload is a TrustItem, not a file."""
    from integrations.models import TrustItem

    before = set(TrustItem.objects.values_list("kind", "name"))
    assert ("crl", "issuing.crl.pem") in before
    root_pem = pki.root_pem_path.read_bytes()
    files = sorted(p.relative_to(pki.directory) for p in pki.directory.rglob("*"))
    response = admin_client.post("/office/admin/trust/", {"kind": "root", "file": SimpleUploadedFile("r.pem", root_pem)})
    assert response.status_code == 302
    item = TrustItem.objects.get(source="upload")
    assert (item.kind, bytes(item.content), item.added_by.username) == ("root", root_pem, "root")
    assert sorted(p.relative_to(pki.directory) for p in pki.directory.rglob("*")) == files  # no file written
    html = page(admin_client, "/office/admin/trust/")
    assert f'name="remove" value="{item.pk}"' in html and item.name in html
    assert admin_client.post("/office/admin/trust/", {"remove": item.pk}).status_code == 302
    assert set(TrustItem.objects.values_list("kind", "name")) == before


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_in_kazakh_and_russian(world, lang):
    client = office(world.committee_officer, lang=lang)
    html = page(client, "/office/")
    assert f'lang="{lang}"' in html


def test_every_name_in_the_definitions_has_a_diagram_label():
    from services.labels import bpmn_labels, definition_names

    LABELS = bpmn_labels()

    assert definition_names() <= set(LABELS), sorted(definition_names() - set(LABELS))
