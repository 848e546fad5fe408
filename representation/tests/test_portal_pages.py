"""The portal's pages for powers of attorney and the "for whom" choice (English pages: the test runs before the
translations are compiled)."""
from __future__ import annotations

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from applications.models import Application
from conftest import COMPANY, PDF
from representation.models import PowerOfAttorney

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def record(head, rep, **extra):
    today = timezone.localdate()
    data = {"representative_iin": rep.iin, "representative_name": "Иванов Сергей", "services": ["S2"],
            "valid_from": today.isoformat(), "valid_to": (today + datetime.timedelta(days=90)).strftime("%d.%m.%Y"),
            "document_number": "17/2026", "document_date": today.isoformat(),
            "scan": SimpleUploadedFile("poa.pdf", PDF, content_type="application/pdf"), **extra}
    return client_of(head).post("/portal/powers-of-attorney/new", data, **EN)


def test_the_head_records_one_on_the_portal_and_the_representative_files_for_the_company(world, rep):
    response = record(world.company_head, rep)
    assert response.status_code == 302 and response["Location"] == "/portal/powers-of-attorney/"
    poa = PowerOfAttorney.objects.get()
    assert (poa.principal_bin, poa.kind, poa.scope) == (COMPANY["bin"], "company_document", {"S2": []})
    page = client_of(world.company_head).get("/portal/powers-of-attorney/", **EN).content.decode()
    assert "17/2026" in page and rep.iin in page and "in force" in page

    representative = client_of(rep)
    held = representative.get("/portal/powers-of-attorney/", **EN).content.decode()
    assert COMPANY["name"] in held and COMPANY["bin"] in held
    service = representative.get("/portal/services/S2/", **EN).content.decode()
    assert 'name="power_of_attorney"' in service and f'value="{poa.pk}"' in service
    assert 'name="power_of_attorney"' not in representative.get("/portal/services/S1/", **EN).content.decode()
    response = representative.post("/portal/requests/new", {"service": "S2", "sub_kind": "assign",
                                                            "power_of_attorney": str(poa.pk), "form_token": "t1"}, **EN)
    app = Application.objects.get()
    assert response["Location"] == f"/portal/requests/{app.pk}/"
    assert (app.applicant_bin, app.power_of_attorney_id, app.representative_user_id) == (COMPANY["bin"], poa.pk, rep.pk)
    page = representative.get(f"/portal/requests/{app.pk}/", **EN).content.decode()
    filed_by = re.search(r'<dd id="filed-by">(.*?)</dd>', page, re.S).group(1)
    assert "Иванов Сергей" in filed_by and "17/2026" in filed_by
    # the company's head sees it, with who filed it
    head_page = client_of(world.company_head).get(f"/portal/requests/{app.pk}/", **EN)
    assert head_page.status_code == 200 and "17/2026" in head_page.content.decode()
    head_list = client_of(world.company_head).get("/portal/requests/").content.decode()
    assert f"/portal/requests/{app.pk}/" in head_list
    # the filling is the representative's: the head is not sent to it
    assert f"/portal/requests/{app.pk}/form" not in head_list + head_page.content.decode()
    assert f"/portal/requests/{app.pk}/form" in representative.get("/portal/requests/").content.decode()


def test_the_form_names_the_field_in_error(world, rep):
    response = record(world.company_head, rep, representative_iin=world.company_head.iin,
                      valid_to=(timezone.localdate() - datetime.timedelta(days=1)).isoformat())
    assert response.status_code == 200 and not PowerOfAttorney.objects.exists()
    page = response.content.decode()
    assert re.search(r'id="err-valid_to"[^>]*>\s*<span class="field-error">The power of attorney ends before', page)
    response = record(world.company_head, rep, scan=SimpleUploadedFile("x.pdf", b"%PDF-broken", "application/pdf"))
    assert re.search(r'id="err-scan"[^>]*>\s*<span class="field-error">', response.content.decode())


def test_revoking_on_the_portal_removes_the_choice(world, rep):
    record(world.company_head, rep)
    poa = PowerOfAttorney.objects.get()
    assert client_of(rep).post(f"/portal/powers-of-attorney/{poa.pk}/revocation").status_code == 404  # not theirs
    response = client_of(world.company_head).post(f"/portal/powers-of-attorney/{poa.pk}/revocation", **EN)
    assert response.status_code == 302
    poa.refresh_from_db()
    assert poa.revoked_at is not None
    assert 'name="power_of_attorney"' not in client_of(rep).get("/portal/services/S2/").content.decode()
    response = client_of(rep).post("/portal/requests/new", {"service": "S2", "sub_kind": "assign",
                                                            "power_of_attorney": str(poa.pk), "form_token": "t2"})
    assert response.status_code == 302 and not Application.objects.exists()


def test_the_scan_is_for_the_principal_and_the_representative_only(world, rep):
    from accounts.models import User

    record(world.company_head, rep)
    poa = PowerOfAttorney.objects.get()
    for user in (world.company_head, rep):
        response = client_of(user).get(f"/portal/powers-of-attorney/{poa.pk}/scan")
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    stranger = User.objects.create_user("stranger", kind="applicant", iin="010515544046")
    assert client_of(stranger).get(f"/portal/powers-of-attorney/{poa.pk}/scan").status_code == 404


def test_the_back_office_page_says_who_filed_it(world, rep):
    from applications.tests.journeys import fill, sign

    record(world.company_head, rep)
    poa = PowerOfAttorney.objects.get()
    api = world.api["rep"]
    client_of(rep).post("/portal/requests/new", {"service": "S2", "sub_kind": "assign",
                                                 "power_of_attorney": str(poa.pk), "form_token": "t3"})
    app = api.get(f"/applications/{Application.objects.get().pk}")
    app = sign(world, api, fill(api, app, "S2", "assign"))
    assert app["status"] == "registered"
    page = client_of(world.head).get(f"/office/requests/{app['id']}/", **EN)
    assert page.status_code == 200, page.status_code
    filed_by = re.search(r'<dd id="filed-by">(.*?)</dd>', page.content.decode(), re.S).group(1)
    assert "17/2026" in filed_by and rep.iin in filed_by
