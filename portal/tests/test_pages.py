"""The portal's pages through Django's test client: headers, log-in refusals, autosave, attachments."""
import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import LoginAttempt, LoginChallenge
from applications.models import Application
from conftest import PDF
from integrations.signatures import sign_detached


def _client(user=None, lang="kk"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if user:
        c.force_login(user)
    return c


@pytest.mark.django_db
def test_pages_carry_the_security_headers(world, settings):
    settings.ELICENSE_NCALAYER_URL = "wss://127.0.0.1:13579"
    r = _client().get("/portal/services/")
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "object-src 'none'", "form-action 'self'"):
        assert directive in csp
    assert "connect-src 'self' wss://127.0.0.1:13579" in csp and "unsafe" not in csp
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert b'<html lang="kk">' in r.content and b"csrfmiddlewaretoken" in r.content


@pytest.mark.django_db
def test_the_language_switch_keeps_the_page(world):
    c = _client()
    r = c.post("/i18n/setlang/", {"language": "ru", "next": "/portal/services/S3/"})
    assert r.status_code == 302 and r["Location"] == "/portal/services/S3/"
    assert b'<html lang="ru">' in c.get("/portal/services/S3/").content


@pytest.mark.django_db
def test_the_catalogue_shows_fee_deadline_documents_and_requirements(world):
    page = _client(lang="ru").get("/portal/services/S1/").content.decode()
    assert "15 календарных дней" in page and "₸" in page
    assert "до подписания запроса" in page
    from services.models import QualificationRequirement, RequiredDocument
    assert RequiredDocument.objects.filter(service="S1").first().name_ru in page
    assert QualificationRequirement.objects.filter(service="S1").first().text_ru in page
    from services.models import ProviderUnit
    assert ProviderUnit.objects.get(kind="committee").name_ru in page  # who provides it
    assert 'href="tel:1414"' in page  # and where to ask


@pytest.mark.django_db
def test_a_regional_service_names_the_inspection_of_the_region(world):
    page = _client(lang="en").get("/portal/services/S3/").content.decode()
    assert "the regional Inspection of Communications of the region where the radio frequencies are used" in page


@pytest.mark.django_db
def test_login_needs_the_certificate_and_the_password(world):
    c = _client()
    page = c.get("/portal/login/")
    assert page.status_code == 200 and b'type="password"' in page.content
    # A password alone (no signed challenge) is refused: applicants log in with the EDS and the password.
    challenge = LoginChallenge.objects.filter(used_at__isnull=True).order_by("-expires_at").first()
    r = c.post("/portal/login/", {"challenge_id": str(challenge.id), "cms_b64": "", "password": "demo-pass-123"})
    assert r.status_code == 401 and "_auth_user_id" not in c.session
    # The authentication key signs the challenge: logged in; the wrong password: refused.
    cert = world.certificate(world.person, purpose="auth")
    for password, expected in (("wrong", 401), ("demo-pass-123", 302)):
        c.get("/portal/login/")
        challenge = LoginChallenge.objects.filter(used_at__isnull=True).order_by("-expires_at").first()
        cms = base64.b64encode(sign_detached(bytes(challenge.nonce), cert, world.key)).decode()
        r = c.post("/portal/login/", {"challenge_id": str(challenge.id), "cms_b64": cms, "password": password,
                                      "next": "/portal/inbox/"})
        assert r.status_code == expected, r.content[:500]
    assert r["Location"] == "/portal/inbox/" and int(c.session["_auth_user_id"]) == world.person.pk
    assert list(LoginAttempt.objects.order_by("id").values_list("outcome", flat=True))[-2:] == ["wrong_password", "ok"]


@pytest.mark.django_db
def test_pages_need_an_applicant(world):
    assert _client().get("/portal/requests/").status_code == 302
    r = _client(world.committee_officer).get("/portal/requests/")
    assert r.status_code == 302 and r["Location"].startswith("/portal/login/")


def _new_s1(world):
    c = _client(world.person, lang="en")
    r = c.post("/portal/requests/new", {"service": "S1", "sub_kind": "issue"})
    return c, int(r["Location"].rstrip("/").split("/")[-1])


@pytest.mark.django_db
def test_autosave_saves_with_the_version_and_says_when_it_is_stale(world):
    c, pk = _new_s1(world)
    r = c.post(f"/portal/requests/{pk}/autosave", {"version": "0", "territory": "RK"})
    assert b"Draft saved" in r.content and b'value="1" hx-swap-oob' in r.content
    assert Application.objects.get(pk=pk).form_data["territory"] == "RK"
    r = c.post(f"/portal/requests/{pk}/autosave", {"version": "0", "territory": "other"})
    assert b"changed meanwhile" in r.content and b"Reload the form" in r.content
    assert Application.objects.get(pk=pk).form_data["territory"] == "RK"
    # Without JS the same form posts whole: a stale version is answered 409 with the saved data.
    r = c.post(f"/portal/requests/{pk}/form", {"version": "0", "territory": "x", "action": "save"})
    assert r.status_code == 409 and b'value="RK"' in r.content


@pytest.mark.django_db
def test_inline_validation_names_the_field(world):
    c = _client(world.company_head, lang="en")
    r = c.post("/portal/requests/new", {"service": "S3", "sub_kind": "assignment", "region": "almaty-city"})
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    r = c.post(f"/portal/requests/{pk}/autosave", {"version": "0", "bands-0-low_mhz": "2510", "bands-0-high_mhz": "2500",
                                                    "latitude": "12"})
    body = r.content.decode()
    assert 'id="err-bands"' in body and "lower edge" in body
    assert 'id="err-latitude"' in body and "greater than or equal to 40" in body


@pytest.mark.django_db
def test_an_attachment_whose_content_is_not_its_type_is_refused(world):
    c, pk = _new_s1(world)
    fake = SimpleUploadedFile("a.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    r = c.post(f"/portal/requests/{pk}/form", {"version": "0", "action": "attach", "document_code": "application",
                                               "file": fake}, follow=True)
    assert b"content is not what its type says" in r.content
    assert not Application.objects.get(pk=pk).attachments.exists()
    ok = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    r = c.post(f"/portal/requests/{pk}/form", {"version": "1", "action": "attach", "document_code": "application",
                                               "file": ok}, follow=True)
    assert b"The document was attached." in r.content


@pytest.mark.django_db
def test_identifier_check_fragment(world):
    c = _client(lang="en")
    assert b"field-ok" in c.post("/web/validate/iin", {"iin": world.person.iin}).content
    assert b"field-error" in c.post("/web/validate/iin", {"iin": "123"}).content
