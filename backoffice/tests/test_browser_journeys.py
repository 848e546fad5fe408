"""The back office's and the PSC desk's journeys in a real browser (headless Debian Chromium through
Playwright; the shared harness: web/tests/browser.py and web/tests/fixtures.py), against the live
server and the outside-system simulators.

Every page visited is checked with axe-core (no serious or critical WCAG 2.1 A/AA violation) and
scanned for English catalog strings left untranslated in kk or ru; the request page's process
diagram is checked once drawn (bpmn-js, the current step marked)."""
from __future__ import annotations

import datetime

import pytest

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, filed_on, portal_until_registered
from conftest import PERSON
from web.tests.browser import PASSWORD, PDF, SCREENSHOTS, Visitor, signer_for

pytestmark = [pytest.mark.browser]


def langs(default: str) -> list[str]:
    """Each journey in one language (the journeys between them cover kk and ru); both with screenshots."""
    return ["kk", "ru"] if SCREENSHOTS else [default]


class Staff(Visitor):
    """An officer's or PSC operator's browser: log-in with login and password, then (officers) the
    certificate they sign with."""

    ncalayer = None
    override = None

    def office_login(self, user):
        self.goto("/office/login/", shot="office-1-login")
        self.page.fill("#id_username", user.username)
        self.page.fill("#id_password", PASSWORD)
        self.click("main form button[type=submit]")
        if "/office/certificate/" in self.page.url:
            # The certificate for this log-in: NCALayer (the stand-in holding the officer's own EDS) signs the
            # page's one-time challenge; the page sends the CMS and goes on to the queue.
            self.shot("office-2-certificate")
            with self.page.expect_navigation(url=lambda url: "/office/certificate/" not in url):
                self.page.click("main form[data-ncalayer=sign] button[type=submit]")
            self.check()

    def sign_awaiting(self, app_id) -> int:
        """On the request's page, sign through NCALayer every document awaiting this officer's signature."""
        signed = 0
        while True:
            self.goto(f"/office/requests/{app_id}/")
            forms = self.page.locator("#to-sign form[data-ncalayer=sign]")
            if forms.count() == 0:
                return signed
            with self.page.expect_navigation(url=lambda url: f"/office/requests/{app_id}/" in url):
                forms.first.locator("button[type=submit]").click()
            self.check()
            signed += 1

    def finish(self):
        try:
            super().finish()
        finally:
            if self.override is not None:
                self.override.disable()
            if self.ncalayer is not None:
                self.ncalayer.__exit__(None, None, None)

    def act(self, value):
        self.click(f"button[name=action][value={value}]")

    def open_request(self, app_id, shot=""):
        self.goto(f"/office/requests/{app_id}/")
        self.page.wait_for_selector("#diagram.diagram-ready", timeout=15000)
        assert self.page.locator("#diagram .djs-element.current-step").count() >= 1 or \
            Application.objects.get(pk=app_id).tasks.filter(state="open").count() == 0
        self.check()  # again, with the diagram drawn
        if shot:
            self.shot(shot)


def _staff(chromium, web, lang, user) -> Staff:
    """A staff member's browser; an officer's computer runs NCALayer (the stand-in) holding their own EDS."""
    from django.test import override_settings

    from conftest import CURRENT

    staff = Staff(chromium, web.url, lang)
    if user.kind == "officer":
        staff.ncalayer = signer_for(CURRENT["world"], user)
        staff.override = override_settings(ELICENSE_NCALAYER_URL=staff.ncalayer.__enter__())
        staff.override.enable()
    staff.office_login(user)
    return staff


@pytest.mark.parametrize("lang", langs("kk"))
def test_s4_refused_with_a_reason_in_the_back_office_read_on_the_portal(chromium, web, world, settings, lang):
    w = world
    with filed_on(datetime.date(2026, 11, 30)):  # the 2012 version: refused at once (2026 hears first: hearings/)
        app = portal_until_registered(w, w.api["person"], "S4", "device")
    officer = _staff(chromium, web, lang, w.inspection_officer)
    assert officer.page.url.endswith("/office/")
    assert app["number"] in officer.page.inner_text("table.queue")
    officer.shot("office-3-queue")
    if SCREENSHOTS:
        officer.page.set_viewport_size({"width": 390, "height": 844})
        officer.shot("office-3-queue-phone")
        officer.page.set_viewport_size({"width": 1280, "height": 720})
    # Filters and search keep it in view.
    officer.page.fill("#f-q", PERSON["iin"])
    officer.click("form.filters button[type=submit]")
    assert app["number"] in officer.page.inner_text("main")
    officer.goto("/office/requests/", shot="office-4-requests")
    officer.open_request(app["id"], shot="office-5-request")
    # The checklist: the device does not conform → the refusal's reason.
    officer.page.check("input[name='req-device-conformity'][value=not_met]")
    officer.act("refuse")
    refused = Application.objects.get(pk=app["id"])
    assert refused.status == "refused" and refused.refusal_details == ["device-conformity"]
    assert officer.page.locator("#refusal").is_visible()
    officer.finish()

    with signer_for(w, w.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.login()
        me.goto(f"/portal/requests/{app['id']}/")
        expected = {"kk": "Құрылғы сәйкес емес", "ru": "Устройство не соответствует требованиям"}[lang]
        assert expected in me.page.inner_text("main")
        me.finish()


@pytest.mark.parametrize("lang", langs("ru"))
def test_s2_at_the_psc_desk_then_clerk_head_unit_head_executor_head(chromium, web, world, lang):
    w = world
    desk = _staff(chromium, web, lang, w.psc)
    assert desk.page.url.endswith("/psc/")
    desk.click("#issue-ticket")
    desk.shot("psc-1-queue")
    desk.click("#call-next")
    desk.page.check("input[name=sub_kind][value=allocate]")
    desk.click("main form button.primary")
    desk.page.fill("#iin", PERSON["iin"])
    desk.page.select_option("#id_resource_kind", "geographic")
    desk.page.fill("#id_range_start", "7172500000")
    desk.page.fill("#id_range_end", "7172509999")
    desk.page.fill("#id_purpose", "телефония в Астане")
    for code in DOCUMENTS[("S2", "allocate")]:
        desk.page.check(f"input[name=presented][value={code}]")
    desk.shot("psc-2-intake")
    desk.act("intake")
    assert desk.page.url.endswith("/receipt"), desk.page.url
    app = Application.objects.get(channel="psc")
    receipt = app.documents.get(kind="receipt")
    assert receipt.number in desk.page.inner_text("#receipt")
    assert desk.page.locator("#planned").inner_text().strip()
    assert desk.page.locator("#duration .sla-kept").count() == 1
    desk.shot("psc-3-receipt")
    desk.finish()

    for user, step, shot in ((w.clerk, "register_incoming", "office-6-clerk"), (w.executor, "put_on_portal", ""),
                             (w.head, "assign_unit", ""), (w.unit_head, "assign_executor", "office-7-unit-head"),
                             (w.executor, "approve", "office-8-executor"), (w.head, "sign_result", "")):
        person = _staff(chromium, web, lang, user)
        person.open_request(app.pk, shot=shot)
        if step == "register_incoming":  # the paper application's electronic copy, attached as it is registered
            person.page.set_input_files("#scan", files=[{"name": "application.pdf", "mimeType": "application/pdf",
                                                         "buffer": PDF}])
        if step == "assign_unit":
            person.page.select_option("#unit_id", str(app.provider_unit_id))
        if step == "assign_executor":
            person.page.select_option("#executor_id", str(w.executor.pk))
        if step == "approve":
            person.page.check("input[name='req-plan-conformity'][value=met]")
        person.act(step)
        if step == "sign_result":  # the order is the head's: signed with their own EDS through NCALayer
            assert person.sign_awaiting(app.pk) == 1
        person.finish()
    app.refresh_from_db()
    assert app.status == "completed" and app.result_kind == "order"
    order = app.documents.get(kind="order")
    assert order.pdf and order.pdf_sha256 and order.signer == w.head


@pytest.mark.parametrize("lang", langs("kk"))
def test_paper_s1_application_entered_by_an_officer(chromium, web, world, lang):
    w = world
    officer = _staff(chromium, web, lang, w.committee_officer)
    officer.goto("/office/requests/new/", shot="office-9-paper")
    officer.page.check("input[name=service_kind][value='S1:issue']")
    officer.click("main form button.primary")
    officer.page.fill("#iin", PERSON["iin"])
    officer.page.check("input[name=subtypes][value=cellular]")
    officer.page.fill("#id_territory", "Қазақстан Республикасы")
    officer.act("lookup")
    assert PERSON["last_name"] in officer.page.inner_text("#lookup")
    officer.shot("office-10-enter")
    officer.act("enter")
    assert officer.page.url.endswith("/scans"), officer.page.url
    for code in DOCUMENTS[("S1", "issue")]:
        officer.page.select_option("#document_code", code)
        officer.page.set_input_files("#file", files=[{"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        officer.act("attach")
    # S1 is paid: the fee the applicant paid at a bank is confirmed with the payment gateway (payer, reference)
    from applications.tests.journeys import pay_at_bank

    paid = pay_at_bank("S1", "issue", PERSON["iin"])
    assert officer.page.input_value("#payer") == PERSON["iin"]
    officer.page.fill("#payment_reference", paid["reference"])
    officer.act("confirm_payment")
    assert paid["reference"] in officer.page.inner_text("main")
    for code in DOCUMENTS[("S1", "issue")]:
        officer.page.check(f"input[name=presented][value={code}]")
    officer.shot("office-11-scans")
    officer.act("finish")
    app = Application.objects.get(channel="staff")
    assert app.status == "registered" and app.number and app.registry_data
    officer.page.wait_for_selector("#diagram.diagram-ready")
    officer.page.check("input[name='req-technical-base'][value=met]")
    officer.page.check("input[name='req-staff'][value=met]")
    officer.act("approve")
    app.refresh_from_db()
    assert app.status == "completed" and app.result_kind == "licence"
    assert officer.sign_awaiting(app.pk) == 1
    officer.open_request(app.pk, shot="office-12-licence")
    assert app.documents.get(kind="licence").pdf_sha256
    officer.finish()


@pytest.mark.parametrize("lang", langs("ru"))
def test_administrator_pages(chromium, web, world, lang):
    from accounts.models import User

    admin = User.objects.create_user(username="root", password=PASSWORD, kind="administrator")
    staff = _staff(chromium, web, lang, admin)
    for path, name in (("/office/admin/", "admin-1"), ("/office/admin/users/", "admin-2-users"),
                       ("/office/admin/calendar/", "admin-3-calendar"), ("/office/admin/fees/", "admin-4-fees"),
                       ("/office/admin/trust/", "admin-5-trust")):
        staff.goto(path, shot=name)
    staff.goto(f"/office/admin/users/{world.clerk.pk}/")
    staff.finish()


@pytest.mark.parametrize("lang", langs("kk"))
def test_applicant_books_a_psc_slot_on_the_portal(chromium, web, world, settings, lang):
    with signer_for(world, world.person) as ncalayer:
        settings.ELICENSE_NCALAYER_URL = ncalayer
        me = Visitor(chromium, web.url, lang)
        me.login()
        me.goto("/psc/book/", shot="psc-4-book")
        me.page.locator("input[name=slot]").first.check()
        me.click("main form:not(.inline-form) button.primary")
        assert me.page.locator("#my-bookings li").count() == 1
        me.finish()
