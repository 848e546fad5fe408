"""Staff record a power of attorney from a paper request in the back office (English pages)."""
from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from conftest import COMPANY, OTHER_PERSON, PDF
from representation.models import PowerOfAttorney

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def post(user, rep, **extra):
    today = timezone.localdate().isoformat()
    data = {"principal_iin": OTHER_PERSON["iin"], "principal_bin": "", "principal_name": "Нұрланова Әйгерім",
            "representative_iin": rep.iin, "representative_name": "Иванов Сергей", "services": ["S2", "S4"],
            "sub_kinds": ["S2:assign"], "valid_from": today, "valid_to": today, "document_number": "N-2026/5",
            "document_date": today, "scan": SimpleUploadedFile("poa.pdf", PDF, content_type="application/pdf"),
            **extra}
    return client_of(user).post("/office/powers-of-attorney/new", data, **EN)


def test_an_officer_records_a_notarised_one_from_a_paper_request(world, rep):
    response = post(world.committee_officer, rep)
    assert response.status_code == 302, response.content.decode()[:2000]
    poa = PowerOfAttorney.objects.get()
    assert (poa.principal_iin, poa.kind, poa.recorded_via) == (OTHER_PERSON["iin"], "notarised", "staff")
    assert poa.scope == {"S2": ["assign"], "S4": []}
    assert AuditEntry.objects.filter(data__change="power_of_attorney_granted", actor_id=world.committee_officer.pk).exists()
    page = client_of(world.committee_officer).get(f"/office/powers-of-attorney/?q={rep.iin}", **EN).content.decode()
    assert "N-2026/5" in page and "in force" in page
    assert "N-2026/5" not in client_of(world.committee_officer).get(
        f"/office/powers-of-attorney/?q={COMPANY['bin']}", **EN).content.decode()
    scan = client_of(world.psc).get(f"/office/powers-of-attorney/{poa.pk}/scan")
    assert b"".join(scan.streaming_content) == PDF
    viewed = AuditEntry.objects.get(kind="personal_data_view", subject_id=str(poa.pk))
    assert viewed.actor_id == world.psc.pk and viewed.data["document"] == "power_of_attorney_scan"
    client_of(world.psc).post(f"/office/powers-of-attorney/{poa.pk}/revocation", {"reason": "returned"})
    poa.refresh_from_db()
    assert poa.revoked_at is not None and poa.revoked_by == world.psc and poa.revocation_reason == "returned"


def test_the_psc_operator_records_a_companys_document(world, rep):
    response = post(world.psc, rep, principal_iin="", principal_bin=COMPANY["bin"], principal_name=COMPANY["name"])
    assert response.status_code == 302
    assert PowerOfAttorney.objects.get().kind == "company_document"


def test_both_an_iin_and_a_bin_is_refused_and_said_at_the_field(world, rep):
    response = post(world.committee_officer, rep, principal_bin=COMPANY["bin"])
    assert response.status_code == 200 and not PowerOfAttorney.objects.exists()
    assert re.search(r'id="err-principal_iin"[^>]*>\s*<span class="field-error">Give either', response.content.decode())


def test_applicants_do_not_reach_the_back_office_pages(world, rep):
    response = client_of(world.company_head).get("/office/powers-of-attorney/")
    assert response.status_code == 302 and "/office/login/" in response["Location"]
