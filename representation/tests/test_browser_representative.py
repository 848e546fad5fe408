"""A representative files S2 for a company under a power of attorney, in a real browser (headless Chromium
through Playwright, as portal/tests/test_browser_journeys.py), in Kazakh and Russian, every page checked with
axe-core: the company's head records the power of attorney on the portal; the representative logs in with their
own EDS, chooses the company under "For whom", fills, signs; the company's head sees the request in their list,
with who filed it under which power of attorney."""
from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from applications.models import Application
from conftest import COMPANY
from representation.models import PowerOfAttorney
from web.tests.browser import PDF, Visitor, signer_for

pytestmark = [pytest.mark.browser]


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_representative_files_s2_for_a_company_and_its_head_sees_it(chromium, web, world, settings, rep, lang):
    today = timezone.localdate()
    # 1. The company's head records the power of attorney for S2 (the company's document, with its scan).
    with signer_for(world, world.company_head) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        head = Visitor(chromium, web.url, lang)
        head.login()
        head.click("a[href='/portal/powers-of-attorney/']")
        head.click("a[href='/portal/powers-of-attorney/new']")
        head.page.fill("#id_representative_iin", rep.iin)
        head.page.fill("#id_representative_name", "Иванов Сергей")
        head.page.check("input[name=services][value=S2]")
        head.page.fill("#id_valid_from", today.isoformat())
        head.page.fill("#id_valid_to", (today + datetime.timedelta(days=365)).isoformat())
        head.page.fill("#id_document_number", "17/2026")
        head.page.fill("#id_document_date", today.isoformat())
        head.page.set_input_files("#id_scan", files=[{"name": "poa.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        head.shot("poa-1-new")
        head.click("form[enctype='multipart/form-data'] button[type=submit]")
        assert head.page.url.endswith("/portal/powers-of-attorney/"), head.page.inner_text("main")[:2000]
        poa = PowerOfAttorney.objects.get()
        assert (poa.principal_bin, poa.kind, poa.representative_iin) == (COMPANY["bin"], "company_document", rep.iin)
        assert "17/2026" in head.page.inner_text("main")
        head.shot("poa-2-list")
        head.finish()

    # 2. The representative logs in with their own EDS and files S2 for the company.
    with signer_for(world, rep) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.login()
        me.goto("/portal/services/S2/")
        form = "form:has(input[name=sub_kind][value=assign])"
        me.page.select_option(f"{form} select[name=power_of_attorney]", str(poa.pk))
        me.shot("poa-3-for-whom")
        me.click(f"{form} button[type=submit]")
        request_id = int(re.search(r"/requests/(\d+)/", me.page.url).group(1))
        filed_by = me.page.inner_text("#filed-by")
        assert "Иванов Сергей" in filed_by and "17/2026" in filed_by
        me.click(f"a[href='/portal/requests/{request_id}/form']")
        me.page.fill("input[name=numbers-0-number]", "1414")
        me.page.fill("#id_purpose", "Анықтама қызметі" if lang == "kk" else "Справочная служба")
        me.attach("application")
        me.click("button[name=action][value=finish]")
        assert me.page.url.endswith(f"/portal/requests/{request_id}/sign"), me.page.inner_text("main")[:3000]
        me.click("form[data-ncalayer=sign] button[type=submit]")
        app = Application.objects.get(pk=request_id)
        assert app.status == "registered" and app.number, app.status
        assert (app.applicant_bin, app.applicant_name) == (COMPANY["bin"], COMPANY["name"])
        assert (app.representative_user_id, app.power_of_attorney_id) == (rep.pk, poa.pk)
        assert app.signatures.get(signature_check="ok").signer_iin == rep.iin  # signed with the representative's EDS
        me.goto("/portal/requests/")
        assert app.number in me.page.inner_text("main")
        me.finish()

    # 3. The company's head sees the request in their list, and who filed it.
    with signer_for(world, world.company_head) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        head = Visitor(chromium, web.url, lang)
        head.login()
        head.goto("/portal/requests/")
        assert app.number in head.page.inner_text("main")
        head.click(f"a[href='/portal/requests/{request_id}/']")
        assert "17/2026" in head.page.inner_text("#filed-by")
        head.finish()
