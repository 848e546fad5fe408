"""The quality and accessibility indicators for a seeded period: real requests (one in time, one late, one
refused), the applicants' survey answers, the steps against their norms — on the page, in its chart and in the
CSV export."""
import csv
import datetime
import io

import pytest

from applications.indicators import Filters, figures
from applications.models import Application
from applications.tests.journeys import create, decide, fill, sign
from applications.tests.test_norms_measured import received_days_ago
from backoffice.views.indicators import duration_text


@pytest.fixture
def seeded(world):
    """Three S4 requests of the person: in time (survey: satisfied / partly), 40 days late (not satisfied /
    satisfied) and refused on the check (no survey)."""
    api, inspector = world.api["person"], world.api["inspection_officer"]
    ids = []
    for late, decision, survey in ((0, "approve", (3, 2)), (40, "approve", (1, 3)), (0, "refuse", None)):
        app = sign(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
        if late:
            received_days_ago(app["id"], late)
        app = decide(inspector, app, decision, comment="the device has no conformity certificate"
                     if decision == "refuse" else "")
        if survey:
            api.post(f"/applications/{app['id']}/survey",
                     {"process_quality": survey[0], "information_quality": survey[1]}, expect=201)
        ids.append(app["id"])
    return ids


def period():
    today = datetime.date.today()
    return today - datetime.timedelta(days=60), today


def test_the_figures_count_what_happened(world, seeded):
    start, end = period()
    result = figures(Filters(start, end))
    (s4,) = result.services
    assert (s4.service, s4.received, s4.finished, s4.in_time, s4.refused) == ("S4", 3, 3, 2, 1)
    assert s4.in_time_share == pytest.approx(2 / 3)
    assert (s4.quality.satisfied, s4.quality.partly, s4.quality.not_satisfied) == (1, 0, 1)
    assert (s4.accessibility.satisfied, s4.accessibility.partly, s4.accessibility.not_satisfied) == (1, 1, 0)
    assert s4.quality.share == 0.5 and s4.accessibility.share == 0.5
    late = Application.objects.get(pk=seeded[1])
    assert max(s4.days) == pytest.approx((late.finished_at - late.received_at).total_seconds() / 86400)
    (result_step,) = [s for s in result.steps if s.step == "9"]
    assert (result_step.done, result_step.judged, result_step.kept) == (2, 2, 1)  # the late permit missed its 16 days
    # Another service, channel or a period before: nothing.
    assert figures(Filters(start, end, service="S1")).services == []
    assert figures(Filters(start, end, channel="staff")).services == []
    assert figures(Filters(start - datetime.timedelta(days=400), start - datetime.timedelta(days=100))).services == []


def test_the_page_shows_the_figures_with_a_chart(world, seeded, client):
    start, end = period()
    client.force_login(world.head)
    response = client.get("/office/indicators/", {"date_from": start.isoformat(), "date_to": end.isoformat()},
                          HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "67 %" in page and "(2/3)" in page  # results in time
    assert "50 %" in page and "(1/0/1)" in page  # quality: satisfied / partly / not satisfied
    assert "16 calendar days" in page or "16" in page
    assert "S4 — " in page


def test_the_csv_export_holds_the_same_figures(world, seeded, client):
    start, end = period()
    client.force_login(world.head)
    response = client.get("/office/indicators/", {"date_from": start.isoformat(), "date_to": end.isoformat(),
                                                  "format": "csv"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Service", "Received", "Finished", "In time", "Refused"]
    assert rows[1][0].startswith("S4 — ") and rows[1][1:5] == ["3", "3", "2", "1"]
    assert rows[1][6:12] == ["1", "0", "1", "1", "1", "0"]
    step_rows = [r for r in rows if len(r) == 8 and r[0] == "S4" and r[1] == "9"]
    assert step_rows and step_rows[0][4:7] == ["2", "2", "1"]


def test_a_period_that_ends_before_it_starts_is_refused_clearly(world, client):
    client.force_login(world.head)
    page = client.get("/office/indicators/", {"date_from": "2026-05-10", "date_to": "2026-05-01"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The end of the period is before its start." in page


def test_applicants_do_not_see_the_indicators(world, client):
    client.force_login(world.person)
    assert client.get("/office/indicators/").status_code in (302, 403)


@pytest.mark.parametrize("seconds,text", [(4.25, "4.2 s"), (45, "45 s"), (720, "12 min"), (3 * 3600 + 1200, "3 h 20 min"),
                                           (4.5 * 86400, "4.5 days")])
def test_durations_read_as_a_person_reads_them(seconds, text):
    from django.utils import translation

    with translation.override("en"):
        assert duration_text(seconds) == text


@pytest.mark.browser
def test_the_indicators_page_in_the_browser(chromium, web, world, seeded):
    """The head reads the indicators for the seeded period in a real browser: the chart and the figures (and,
    with ELICENSE_SCREENSHOTS, its picture for the README)."""
    from backoffice.tests.test_browser_journeys import _staff, langs

    start, end = period()
    for lang in langs("ru"):
        head = _staff(chromium, web, lang, world.head)
        head.goto(f"/office/indicators/?date_from={start.isoformat()}&date_to={end.isoformat()}",
                  shot="admin-6-indicators")
        assert head.page.locator("svg[role=img]").count() >= 1
        text = head.page.inner_text("main")
        assert "67 %" in text and "(2/3)" in text
        head.finish()
