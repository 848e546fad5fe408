"""In a real browser (web/tests/browser.py): an Inspection officer opens a registered S3 request and sees, in the
qualification check, the interference pre-check (a planted co-channel station 3 km away is a conflict with its
margins; one 400 km away is not listed) and the SVG map with the conflict drawn as a line.

With ELICENSE_SCREENSHOTS=<folder>, the page is saved as <folder>/<lang>-officer-s3-precheck.png (the one in
docs/screenshots/officer-s3-precheck.png was made so)."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from applications.tests.journeys import portal_until_registered
from backoffice.tests.test_browser_journeys import Staff, langs
from spectrum.models import Assignment, ServiceParameters
from spectrum.precheck import KM_PER_DEGREE
from web.tests.browser import PASSWORD, SCREENSHOTS

pytestmark = [pytest.mark.browser]


def officer_for(chromium, web, lang, user) -> Staff:
    """Logged in to the back office (the certificate page, if it comes, is passed: this officer only looks)."""
    staff = Staff(chromium, web.url, lang)
    staff.goto("/office/login/")
    staff.page.fill("#id_username", user.username)
    staff.page.fill("#id_password", PASSWORD)
    staff.click("main form button[type=submit]")
    # The certificate page after the log-in is not this journey's (it is checked by the back office's own).
    staff.problems = [p for p in staff.problems if "/office/certificate/" not in p]
    return staff


@pytest.mark.parametrize("lang", langs("ru"))
def test_the_officer_sees_the_precheck_and_the_map(chromium, web, world, lang):
    call_command("load_frequency_table", verbosity=0)  # 2500–2690 MHz: mobile (the demo table)
    ServiceParameters.objects.filter(radio_service="mobile").delete()
    ServiceParameters.objects.create(radio_service="mobile", guard_band_khz=100, protection_ratio_db=20,
                                     adjacent_protection_ratio_db=-25, threshold_dbw=-120, max_reach_km=150)
    # the request (journeys.FORMS): 2500–2510 MHz, mobile, 17 dBW at 43.238 N, 76.889 E
    near = Assignment(holder_name="Altyn Radio LLP", holder_bin="990440001234", radio_service="mobile",
                      centre_mhz=2505, bandwidth_khz=10_000, eirp_dbw=17, latitude=43.238 + 3 / KM_PER_DEGREE,
                      longitude=76.889, region="almaty-city", reference="OLD-77")
    far = Assignment(holder_name="Far Away LLP", holder_bin="990440005678", radio_service="mobile",
                     centre_mhz=2505, bandwidth_khz=10_000, eirp_dbw=17, latitude=43.238 + 400 / KM_PER_DEGREE,
                     longitude=76.889, region="astana", reference="OLD-78")
    elsewhere = Assignment(holder_name="Other Band LLP", holder_bin="990440009999", radio_service="fixed",
                           centre_mhz=10750, bandwidth_khz=28_000, eirp_dbw=30, latitude=43.238 - 1.5 / KM_PER_DEGREE,
                           longitude=76.889 + 0.02, region="almaty-city", reference="OLD-79")
    for a in (near, far, elsewhere):
        a.save()
    app = portal_until_registered(world, world.api["person"], "S3", "assignment")
    officer = officer_for(chromium, web, lang, world.inspection_officer)
    officer.open_request(app["id"])
    section = officer.page.locator("#spectrum-precheck")
    assert section.is_visible()
    text = section.inner_text()
    assert "Altyn Radio LLP" in text and "OLD-77" in text and "Far Away LLP" not in text
    # 3 km, 2505 MHz: L = 32.45 + 20 log10 2505 (67.9761) + 20 log10 3 (9.5424) = 109.9685 dB; I = 17 − 109.9685 =
    # −92.9685 dBW; tolerance −140 dBW: margin −47.0315 dB, both ways (same EIRP) — shown to one decimal
    assert text.count("-47.0") + text.count("-47,0") + text.count("−47,0") >= 2, text
    assert officer.page.locator("#spectrum-precheck svg.spectrum-map line.conflict-line").count() == 1
    assert officer.page.locator("#spectrum-precheck svg.spectrum-map circle.requested").count() == 1
    assert officer.page.locator("#spectrum-precheck svg.spectrum-map circle.context").count() == 1  # other band
    if SCREENSHOTS:  # the pre-check as the officer sees it (the section, not the whole long page)
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        section.screenshot(path=str(folder / f"{lang}-officer-s3-precheck.png"))
    officer.finish()
