"""In a real browser (Chromium through Playwright; web/tests/browser.py): a request accepted at the PSC is
followed by its applicant on the portal, its result handed over at the desk to that applicant, which the
portal then shows; and an applicant withdraws a request and starts a new one from it. Every page is checked
with axe-core and for untranslated strings."""
from __future__ import annotations

import pytest

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, office_decides, office_until_decision
from applications.tests.test_s2_numbering import psc_intake
from conftest import PERSON
from web.tests.browser import PASSWORD, SCREENSHOTS, Visitor, off_the_loop, signer_for

pytestmark = [pytest.mark.browser]
LANGS = ["kk", "ru"] if SCREENSHOTS else ["ru"]


def _decided_psc_request(world) -> dict:
    app = psc_intake(world, "allocate", DOCUMENTS[("S2", "allocate")])
    world.api["clerk"].upload(app["id"], "application", is_scan=True)  # the paper application's scan
    app = world.api["clerk"].post(f"/applications/{app['id']}/incoming-registration")
    app = world.api["executor"].post(f"/applications/{app['id']}/put-on-portal")
    return office_decides(world, office_until_decision(world, app), "approve")


@pytest.mark.parametrize("lang", LANGS)
def test_a_psc_request_is_followed_on_the_portal_and_collected_at_the_desk(chromium, web, world, settings, lang):
    app = off_the_loop(_decided_psc_request, world)
    order = next(d for d in app["documents"] if d["kind"] == "order")
    with signer_for(world, world.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.goto("/")
        me.login()
        me.goto("/portal/requests/")
        assert app["number"] in me.page.inner_text("main")
        me.goto(f"/portal/requests/{app['id']}/", shot="psc-followed-on-portal")
        assert order["number"] in me.page.inner_text("main")

        desk = Visitor(chromium, web.url, lang)
        desk.goto("/office/login/")
        desk.page.fill("#id_username", world.psc.username)
        desk.page.fill("#id_password", PASSWORD)
        desk.click("main form button[type=submit]")
        desk.goto("/psc/")
        desk.click("a[href='/psc/results/']")
        desk.shot("psc-5-results")
        row = desk.page.locator("#ready tr", has_text=app["number"])
        row.locator("input[name=iin]").fill(PERSON["iin"])
        desk.click(f"#ready form:has(input[value='{app['id']}']) button[type=submit]")
        assert desk.page.locator(".messages li.success").count() == 1
        assert desk.page.locator("#ready tr", has_text=app["number"]).count() == 0  # no longer waiting
        assert app["number"] in desk.page.inner_text("ul[aria-labelledby=collected-h]")  # handed over

        me.goto(f"/portal/requests/{app['id']}/")
        timeline = me.page.inner_text("section[aria-labelledby=h-timeline]")
        expected = {"ru": "Результат выдан в центре обслуживания населения",
                    "kk": "Нәтиже халыққа қызмет көрсету орталығында берілді"}[lang]
        assert expected in timeline, timeline
        me.finish()
        desk.finish()


@pytest.mark.parametrize("lang", LANGS)
def test_an_applicant_withdraws_a_request_and_starts_again_from_it(chromium, web, world, settings, lang):
    with signer_for(world, world.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.goto("/")
        me.login()
        me.goto("/portal/services/S4/")
        me.click("form:has(input[name=sub_kind][value=device]) button[type=submit]")
        request_id = int(me.page.url.rstrip("/").split("/")[-1])
        me.page.click("details.withdraw summary")
        me.page.fill("#withdraw-reason", "—")
        me.page.check("#withdraw-confirm")
        me.shot("withdraw")
        me.click("details.withdraw button[type=submit]")
        assert Application.objects.get(pk=request_id).status == "withdrawn"
        assert me.page.locator(".messages li.success").count() == 1
        me.click(f"form[action='/portal/requests/{request_id}/copy'] button[type=submit]")
        assert me.page.url.endswith("/form"), me.page.url
        new = Application.objects.exclude(pk=request_id).get(applicant_user=world.person)
        assert new.service == "S4" and new.sub_kind == "device" and new.status == "draft"
        me.finish()
