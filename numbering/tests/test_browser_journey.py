"""An applicant picks a free block of the numbering plan in an S2 request, in a real browser (Playwright and
Debian's Chromium, as the other journeys), and submits it (signed through the NCALayer-protocol signer); the
officer's request page shows the request checked against the inventory."""
from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from applications.models import Application
from numbering import actions
from registry.models import Holder
from web.tests.browser import Visitor, off_the_loop, signer_for

pytestmark = [pytest.mark.browser]


def _officer_sees_the_check(officer, request_id) -> str:
    from django.test import Client

    client = Client()
    client.force_login(officer)
    response = client.get(f"/office/requests/{request_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_an_applicant_picks_a_free_block_in_an_s2_request(chromium, web, world, settings):
    call_command("load_numbering_plan", demo=True, stdout=open("/dev/null", "w"))
    other = Holder.objects.create(bin="990940000000", name="Басқа оператор")
    actions.allocate(holder=other, resource_type="geographic", first="7172000000", last="7172009999",
                     order_number="ORD-2025-000001")
    with signer_for(world, world.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, "kk")
        me.goto("/")
        me.login()
        me.goto("/portal/services/S2/")
        me.click("form:has(input[name=sub_kind][value=allocate]) button[type=submit]")
        request_id = int(re.search(r"/requests/(\d+)/", me.page.url).group(1))
        me.click(f"a[href='/portal/requests/{request_id}/form']")
        me.click("#free-blocks a[href^='?part=geo-astana']")  # the part of the plan: Astana
        me.click("#free-blocks a[href*='size=10000']")
        first_free = me.page.locator("#free-blocks a.free-block").first
        assert first_free.inner_text() == "7172010000–7172019999"  # 7172000000–7172009999 is taken
        me.click("#free-blocks a.free-block >> nth=0")
        assert me.page.input_value("#id_range_start") == "7172010000"
        assert me.page.input_value("#id_range_end") == "7172019999"
        assert me.page.input_value("#id_resource_kind") == "geographic"
        me.page.fill("#id_purpose", "Астанадағы тіркелген телефон байланысы")
        me.attach("application")
        me.attach("numbering-justification")
        assert me.page.input_value("#id_range_start") == "7172010000"  # kept by the attach (saved with it)
        me.click("button[name=action][value=finish]")
        assert me.page.url.endswith(f"/portal/requests/{request_id}/sign"), me.page.inner_text("main")[:3000]
        me.click("form[data-ncalayer=sign] button[type=submit]")
        app = Application.objects.get(pk=request_id)
        assert app.status == "registered" and app.number
        assert (app.form_data["range_start"], app.form_data["range_end"]) == ("7172010000", "7172019999")
        page = off_the_loop(_officer_sees_the_check, world.committee_officer, request_id)
        assert "id=\"numbering-check\"" in page and "7172010000–7172019999" in page
        assert "Passes: the numbers are free" in page
        me.finish()
