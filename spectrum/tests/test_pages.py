"""The public spectrum register (page, CSV, API), the pre-check API, and the pre-check on the officer's and the
applicant's pages."""
from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from spectrum.models import Assignment, ServiceParameters


@pytest.fixture
def stations(db):
    ServiceParameters.objects.create(radio_service="mobile")
    people = Assignment(holder_name="Aigul Seitkali", holder_iin="880101300123", radio_service="mobile",
                        centre_mhz=460.0125, bandwidth_khz=25, eirp_dbw=5, latitude=43.25, longitude=76.9,
                        region="almaty-city", station_address="Алматы, ул. Абая, 150, кв. 7", reference="OLD-1")
    company = Assignment(holder_name="Dala Telecom LLP", holder_bin="123456789012", radio_service="fixed",
                         centre_mhz=10750, bandwidth_khz=28000, eirp_dbw=40, latitude=51.1, longitude=71.4,
                         region="astana", station_address="Астана, пр. Мәңгілік Ел, 8", reference="OLD-2")
    people.save()
    company.save()
    return people, company


def test_the_public_register_shows_no_address_and_no_region_code(stations):
    page = Client().get("/spectrum/?radio_service=mobile", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Aigul Seitkali" in page and "460.025" in page.replace(",", ".") and "Dala Telecom" not in page
    assert "ул. Абая" not in page and "880101300123" not in page and "almaty-city" not in page
    assert "<svg" in page and 'class="station"' in page


def test_the_csv_and_the_api_give_the_same_rows(stations):
    body = Client().get("/spectrum/export.csv?low_mhz=10000").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:4] == ["permit", "holder", "radio_service", "centre_mhz"]
    assert [r[:3] for r in rows[1:]] == [["OLD-2", "Dala Telecom LLP", "fixed"]]
    api = Client().get("/api/v1/spectrum/assignments?low_mhz=450&high_mhz=470").json()
    assert [(a["permit"], a["holder"], a["low_mhz"]) for a in api] == [("OLD-1", "Aigul Seitkali", 460.0)]
    assert "station_address" not in api[0]
    assert Client().get("/api/v1/spectrum/assignments?low_mhz=abc").status_code == 422


def test_the_precheck_api(stations, world):
    api = world.api["person"]
    # 10 km north of the 460.0125 MHz station, co-channel, 5 dBW both: L = 32.45 + 20 log10 460.0125 (53.2557)
    # + 20 = 105.7057 dB; I = 5 − 105.7057 = −100.7057 dBW; tolerance −120 − 20 = −140; margin −39.2943 dB
    body = {"centre_mhz": 460.0125, "bandwidth_khz": 25, "eirp_dbw": 5, "latitude": 43.25 + 10 / 111.19492664,
            "longitude": 76.9, "radio_service": "mobile"}
    result = api.post("/spectrum/precheck", body)
    assert result["conflicts"] == 1
    (finding,) = result["findings"]
    assert finding["permit"] == "OLD-1" and finding["relation"] == "co-channel"
    assert finding["as_interferer"]["margin_db"] == pytest.approx(-39.2943, abs=1e-3)
    assert api.post("/spectrum/precheck", {**body, "radio_service": "martian"}, expect=422)["code"] == "invalid_input"
