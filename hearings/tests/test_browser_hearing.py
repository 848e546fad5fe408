"""The hearing before a refusal in a real browser (Playwright, headless Chromium, axe-checked pages, kk and ru):
the Committee's officer proposes a refusal in the back office, the applicant reads the notice on the portal and
answers, the officer refuses with the ground and signs the refusal through NCALayer (the stand-in holding their
own EDS), and the applicant reads the reasoned refusal with its ground and its appeal route."""
from __future__ import annotations

import pytest

from applications.models import Application, ResultDocument
from applications.tests.journeys import portal_until_registered
from backoffice.tests.test_browser_journeys import _staff
from hearings.models import Hearing
from web.tests.browser import Visitor, signer_for

pytestmark = [pytest.mark.browser]
# the basis of S1's substantive ground (services/s1/refusals.py), as each language prints it
BASIS = {"kk": "1-қосымша, 6-тармақ, 4-шарт", "ru": "приложение 1, пункт 6, условие 4"}
COURT = {"kk": "Сотқа", "ru": "В суд"}


def _check_and_refuse(officer, app_id, comment):
    officer.open_request(app_id)
    officer.page.check("input[name='req-technical-base'][value=not_met]")
    officer.page.check("input[name='req-staff'][value=met]")
    officer.page.fill("#comment", comment)
    officer.act("refuse")


# The officer's own words (a person's text, shown as written).
COMMENT = {"kk": "Техникалық базаға арналған үй-жай көрсетілмеген", "ru": "Помещение для технической базы не указано"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_notice_of_intended_refusal_answer_then_the_reasoned_refusal(chromium, web, world, settings, lang):
    w = world
    app = portal_until_registered(w, w.api["person"], "S1", "issue")
    assert app["process_id"] == "S1_portal_2026"

    # 1. The officer proposes the refusal: the applicant is notified, nothing is refused yet.
    officer = _staff(chromium, web, lang, w.committee_officer)
    officer.open_request(app["id"])
    assert officer.page.locator("#hearing-before-refusal").is_visible()
    _check_and_refuse(officer, app["id"], COMMENT[lang])
    hearing = Hearing.objects.get(application_id=app["id"])
    assert Application.objects.get(pk=app["id"]).status == "registered" and hearing.open
    assert officer.sign_awaiting(app["id"]) == 1  # the notice, signed with the officer's EDS through NCALayer
    notice = ResultDocument.objects.get(application_id=app["id"], kind="hearing_notice")
    assert notice.pdf_sha256 and notice.signer_id == w.committee_officer.pk
    officer.goto(f"/office/requests/{app['id']}/")
    assert officer.page.locator("#hearing").is_visible()
    officer.finish()

    # 2. The applicant reads the notice with its ground and answers within the term.
    answer = {"kk": "Үй-жай 1 желтоқсаннан бастап жалға алынды", "ru": "Помещение арендовано с 1 декабря"}[lang]
    with signer_for(w, w.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.login()
        me.goto(f"/portal/requests/{app['id']}/")
        section = me.page.locator("#hearing")
        assert section.is_visible() and BASIS[lang] in section.inner_text()
        assert me.page.locator(f"a[href$='/documents/{notice.number}.pdf']").count() == 1  # the signed notice
        me.page.fill("#hearing-answer", answer)
        me.shot("hearing-1-notice")
        me.click("#hearing form button[type=submit]")
        hearing.refresh_from_db()
        assert hearing.answer == answer and not hearing.open
        assert me.page.locator("#hearing-answer").count() == 0
        me.finish()

    # 3. The officer reads the answer, refuses with the ground and signs the refusal with their EDS.
    officer = _staff(chromium, web, lang, w.committee_officer)
    officer.open_request(app["id"])
    assert answer in officer.page.inner_text("#hearing")
    _check_and_refuse(officer, app["id"], COMMENT[lang])
    assert officer.sign_awaiting(app["id"]) == 1
    refused = Application.objects.get(pk=app["id"])
    assert refused.status == "refused" and refused.refusal_reason == "qualification_failed"
    document = ResultDocument.objects.get(application=refused, kind="refusal")
    assert document.pdf_sha256 and document.signer_id == w.committee_officer.pk
    officer.finish()

    # 4. The applicant sees the reasoned refusal: its ground, their position, the route of appeal.
    with signer_for(w, w.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.login()
        me.goto(f"/portal/requests/{app['id']}/")
        section = me.page.locator("#refusal-ground")
        text = section.inner_text()
        assert BASIS[lang] in text and answer in text and COURT[lang] in text
        assert section.locator("ol.appeal li").count() == 3
        assert me.page.locator(f"a[href$='/documents/{document.number}.pdf']").count() == 1
        me.shot("hearing-2-refusal")
        me.finish()
