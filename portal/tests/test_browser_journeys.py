"""The applicant's journeys in a real browser (headless Debian Chromium through Playwright), against the
live server, the outside-system simulators and the NCALayer-protocol signer, all on loopback ports.

Every page the journeys visit is checked with axe-core (no serious or critical WCAG 2.1 A/AA
violation) and scanned for English catalog strings left untranslated in a kk or ru page."""
from __future__ import annotations

import re
import time

import pytest

from applications.models import Application
from applications.tests.journeys import decide_as, sign_as
from web.tests.browser import SCREENSHOTS, Visitor, off_the_loop, signer_for

pytestmark = [pytest.mark.browser]
S1_LANGUAGES = ["kk", "ru"] if SCREENSHOTS else ["kk"]


def _officer_opens(officer, request_id):
    from django.test import Client

    client = Client()
    client.force_login(officer)
    assert client.get(f"/office/requests/{request_id}/").status_code == 200


def app_id(url: str) -> int:
    return int(re.search(r"/requests/(\d+)/", url).group(1))


@pytest.mark.parametrize("lang", S1_LANGUAGES)
def test_individual_applies_for_an_s1_licence_in_kazakh(chromium, web, world, settings, lang):
    """Log in with the certificate, fill (autosaved, resumed), attach, pay, sign; the Committee approves;
    the applicant sees the licence, opens its PDF and answers the survey."""
    with signer_for(world, world.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.goto("/")
        me.login()
        me.goto("/portal/services/", shot="2-services")
        me.goto("/portal/services/S1/", shot="3-service-S1")
        me.click("form:has(input[name=sub_kind][value=issue]) button[type=submit]")
        request_id = app_id(me.page.url)
        me.click(f"a[href='/portal/requests/{request_id}/form']")

        # Autosave (htmx) after each change; the draft is resumable from "my requests".
        me.page.check("input[name=subtypes][value=cellular]")
        me.page.fill("#id_territory", "Қазақстан Республикасы")
        me.page.locator("#id_territory").blur()
        # Both changes saved on the server (one autosave or two, depending on timing), then leave.
        saved = lambda: Application.objects.get(pk=request_id).form_data  # noqa: E731
        deadline = time.monotonic() + 15
        while saved().get("territory") != "Қазақстан Республикасы" or "cellular" not in saved().get("subtypes", []):
            assert time.monotonic() < deadline, f"autosave did not reach the server: {saved()}"
            me.page.wait_for_timeout(100)
        me.page.wait_for_load_state("networkidle")
        me.goto("/portal/requests/")
        me.click(f"a[href='/portal/requests/{request_id}/form']")
        assert me.page.input_value("#id_territory") == "Қазақстан Республикасы"
        assert me.page.is_checked("input[name=subtypes][value=cellular]")

        # Finishing without the documents says which are missing; then attach them and finish.
        me.click("button[name=action][value=finish]")
        assert me.page.locator("#non-field-errors .notice").is_visible()
        me.attach("application")
        me.attach("qualification-evidence")
        me.shot("4-fill")
        if SCREENSHOTS:
            me.page.set_viewport_size({"width": 390, "height": 844})
            me.shot("4-fill-phone")
            me.page.set_viewport_size({"width": 1280, "height": 720})
        me.click("button[name=action][value=finish]")
        assert me.page.url.endswith(f"/portal/requests/{request_id}/payment")
        me.shot("5-payment")

        me.pay_at_gateway()
        assert me.page.url.endswith(f"/portal/requests/{request_id}/sign"), me.page.url
        assert "Қазақстан Республикасы" in me.page.inner_text(".revision")
        me.shot("6-sign")
        me.click("form[data-ncalayer=sign] button[type=submit]")
        app = Application.objects.get(pk=request_id)
        assert app.status == "registered" and app.number, app.status
        assert app.number in me.page.inner_text("main")
        me.shot("7-request-registered")

        # The Committee's officer approves (the back office is another issue's page: the action itself).
        off_the_loop(decide_as, world, world.committee_officer, request_id)
        # The officer opens the request in the back office: the applicant sees who did, and when.
        off_the_loop(_officer_opens, world.committee_officer, request_id)
        me.goto(f"/portal/requests/{request_id}/", shot="8-request-result")
        viewers = me.page.inner_text("section[aria-labelledby=h-viewers] table")
        assert world.committee_officer.full_name() in viewers and "provider" not in viewers.split("\n", 1)[1], viewers
        assert Application.objects.get(pk=request_id).status == "completed"
        pdf_link = me.page.locator("a[href$='.pdf']").first
        pdf = me.page.request.get(pdf_link.get_attribute("href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")

        me.page.check("input[name=process_quality][value='3']")
        me.page.check("input[name=information_quality][value='2']")
        me.click("form[action$='/survey'] button[type=submit]")
        survey = Application.objects.get(pk=request_id).survey
        assert (survey.process_quality, survey.information_quality) == (3, 2)
        me.goto("/portal/requests/", shot="9-my-requests")
        me.goto("/portal/inbox/", shot="10-inbox")
        assert me.page.locator(".messages li").count() >= 3
        me.finish()


def test_legal_entity_s3_request_in_russian_pays_after_the_check(chromium, web, world, settings):
    """Russian through the language switch (the page stays); inline validation of the bands; sign;
    the Inspection approves; only then the fee; the permit."""
    with signer_for(world, world.company_head) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, "kk")
        me.goto("/portal/login/")
        with me.page.expect_navigation():
            me.page.click(".lang-switch button[value=ru]")
        me.lang = "ru"
        assert me.page.url.endswith("/portal/login/")
        me.check()
        me.login()

        me.goto("/portal/services/S3/")
        me.page.select_option("form:has(input[name=sub_kind][value=assignment]) select[name=region]", "almaty-city")
        me.click("form:has(input[name=sub_kind][value=assignment]) button[type=submit]")
        request_id = app_id(me.page.url)
        me.click(f"a[href='/portal/requests/{request_id}/form']")
        assert me.page.input_value("#id_region") == "almaty-city"
        me.page.select_option("#id_radio_service", "mobile")
        me.page.fill("input[name=bands-0-low_mhz]", "2510")
        me.page.fill("input[name=bands-0-high_mhz]", "2500")
        me.page.locator("input[name=bands-0-high_mhz]").blur()
        me.page.wait_for_selector("#err-bands .field-error")  # inline: the lower edge must be below the upper
        me.check()
        me.page.fill("input[name=bands-0-low_mhz]", "2500")
        me.page.fill("input[name=bands-0-high_mhz]", "2510")
        me.page.fill("#id_station_address", "Алматы, ул. Абая, 150")
        me.page.fill("#id_latitude", "43.238")
        me.page.fill("#id_longitude", "76.889")
        me.page.fill("#id_eirp_dbw", "17,5")  # the station's technical data (spectrum pre-check), decimal comma
        me.page.fill("#id_antenna_height_m", "30")
        me.page.select_option("#id_polarisation", "vertical")
        me.page.locator("#id_longitude").blur()
        me.page.wait_for_function("() => !document.querySelector('#err-bands .field-error')")
        me.attach("application")
        me.attach("technical-data")
        me.page.wait_for_load_state("networkidle")  # the last autosave answered (else "finish" meets a newer version)
        me.click("button[name=action][value=finish]")
        assert me.page.url.endswith(f"/portal/requests/{request_id}/sign"), me.page.url  # no fee before the check
        me.click("form[data-ncalayer=sign] button[type=submit]")
        assert Application.objects.get(pk=request_id).status == "registered"

        off_the_loop(decide_as, world, world.inspection_officer, request_id)
        me.goto("/portal/inbox/")
        assert me.page.locator(".messages li.warning").count() == 1  # payment due
        me.goto(f"/portal/requests/{request_id}/")
        me.click(f"a[href='/portal/requests/{request_id}/payment']")
        me.pay_at_gateway()
        app = Application.objects.get(pk=request_id)
        assert app.status == "completed" and app.result_kind == "permit", (app.status, app.result_kind)
        # The permit issued on payment awaits the inspector who decided; they sign it with their own EDS.
        assert off_the_loop(sign_as, world, world.inspection_officer, request_id) == [
            app.documents.get(kind="permit").number]
        assert "/portal/requests/" in me.page.url
        me.goto(f"/portal/requests/{request_id}/")
        assert me.page.locator("a[href$='.pdf']").count() == 1
        me.finish()
