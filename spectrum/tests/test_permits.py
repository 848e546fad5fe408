"""The permits and the registries: an S3 permit records its assignments; an S4 request for a transmitting device
is refused while no valid S3 assignment of the applicant covers its frequencies and accepted once one does; the S4
permit's PDF lists the devices."""
from __future__ import annotations

import pytest
from django.test import Client

from applications.tests.journeys import (
    DOCUMENTS,
    FORMS,
    create,
    decide,
    deliver_callbacks,
    open_kinds,
    payer,
    sign,
)
from documents.tests.helpers import download, squeeze, text_of
from registry.models import Record
from spectrum.models import Assignment, Device

S3_FORM = {**FORMS[("S3", "assignment")], "bands": [{"low_mhz": "2500", "high_mhz": "2510"},
                                                    {"low_mhz": "2620,5", "high_mhz": "2630,5"}],
           "eirp_dbw": "17,5", "antenna_height_m": "42,5", "polarisation": "horizontal"}


def _filled(api, service, sub_kind, form, expect=200):
    app = create(api, service, sub_kind)
    app = api.put(f"/applications/{app['id']}/form", {"data": form, "version": app["form_version"]})
    for code in DOCUMENTS[(service, sub_kind)]:
        api.upload(app["id"], code)
    return app, api.post(f"/applications/{app['id']}/fill", expect=expect)


def s3_permit(world, form=S3_FORM):
    api = world.api["person"]
    _app, app = _filled(api, "S3", "assignment", form)
    app = sign(world, api, app)
    app = decide(world.api["inspection_officer"], app)
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)
    deliver_callbacks(payment)
    app = api.get(f"/applications/{app['id']}")
    assert app["status"] == "completed" and app["result_kind"] == "permit", app
    return app


def test_the_s3_permit_records_its_assignments(world):
    app = s3_permit(world)
    number = app["documents"][0]["number"]
    record = Record.objects.get(number=number)
    assignments = list(Assignment.objects.filter(record=record).order_by("centre_mhz"))
    assert [(a.centre_mhz, a.bandwidth_khz) for a in assignments] == [(2505.0, 10_000.0), (2625.5, 10_000.0)]
    a = assignments[0]
    # the decimal comma of the form ("17,5", "42,5", "2620,5") read as the number it means
    assert (a.eirp_dbw, a.antenna_height_m, a.polarisation, a.radio_service) == (17.5, 42.5, "horizontal", "mobile")
    assert (a.latitude, a.longitude, a.low_mhz, a.high_mhz) == (43.238, 76.889, 2500.0, 2510.0)
    assert a.holder_iin == record.holder.iin and a.status == "valid" and a.number == number


def _s4_form(**device):
    return {**FORMS[("S4", "device")], "devices": [{"device_type": "base station", "manufacturer": "Kazakh Radio",
                                                     "model": "BS-2500", "serial": "SN-77", "certificate_number": "KZ.C.1",
                                                     "power_w": "20", **device}]}


def test_an_uncovered_transmitting_device_is_refused_with_the_reason(world):
    api = world.api["person"]
    draft, refused = _filled(api, "S4", "device", _s4_form(low_mhz="2501", high_mhz="2505"), expect=422)
    assert refused["code"] == "service_check_failed"
    assert refused["details"]["reasons"] == [
        "Device 1 (BS-2500, 2501–2505 MHz): its frequencies are not covered by any valid spectrum permit of the "
        "applicant."]
    assert open_kinds(api.get(f"/applications/{draft['id']}")) == ["fill"]  # nothing moved


def test_a_covered_device_is_accepted_and_the_permit_lists_the_devices(world):
    s3 = s3_permit(world)
    permit = s3["documents"][0]["number"]
    api = world.api["person"]
    # outside the permit's bands, even with it named: still refused
    _d, refused = _filled(api, "S4", "device", _s4_form(low_mhz="2509", high_mhz="2512", permit_number=permit),
                          expect=422)
    assert "not covered by the spectrum permit " + permit in refused["details"]["reasons"][0]
    # within 2500–2510 MHz: accepted, decided, permitted
    _d, app = _filled(api, "S4", "device", _s4_form(low_mhz="2501", high_mhz="2505,5", permit_number=permit.lower()))
    assert open_kinds(app) == ["choose_certificate"]
    app = decide(world.api["inspection_officer"], sign(world, api, app))
    assert app["status"] == "completed" and app["result_kind"] == "permit"
    (device,) = Device.objects.filter(record__number=app["documents"][0]["number"])
    assert (device.serial, device.low_mhz, device.high_mhz, device.power_w) == ("SN-77", 2501.0, 2505.5, 20.0)
    assert device.assignment.record.number == permit and device.assignment.centre_mhz == 2505.0
    # the S4 permit's PDF lists the device (its layout prints form["devices"])
    pdf = text_of(download(api, app["id"], app["documents"][0]["number"]))
    assert "SN-77" in squeeze(pdf) and "BS-2500" in squeeze(pdf)
    # the public device register: the device with its covering permit, never its place
    (row,) = Client().get("/api/v1/spectrum/devices?low_mhz=2500&high_mhz=2510").json()
    assert (row["permit"], row["model"], row["spectrum_permit"], row["low_mhz"]) == (
        app["documents"][0]["number"], "BS-2500", permit, 2501.0)
    assert "place" not in row and "serial" not in row
    page = Client(HTTP_ACCEPT_LANGUAGE="ru").get("/spectrum/devices/?device=BS-2500").content.decode()
    assert "BS-2500" in page and permit in page and "ул. Абая" not in page
    assert Client().get("/spectrum/devices/?device=nothing-like-it").content.decode().count("BS-2500") == 0


def test_the_officer_cannot_approve_once_the_covering_permit_ended(world):
    s3 = s3_permit(world)
    permit = s3["documents"][0]["number"]
    api = world.api["person"]
    _d, app = _filled(api, "S4", "device", _s4_form(low_mhz="2501", high_mhz="2502"))
    app = sign(world, api, app)
    Record.objects.filter(number=permit).update(status=Record.Status.TERMINATED)  # ended meanwhile
    refused = decide(world.api["inspection_officer"], app, expect=422)
    assert refused["code"] == "service_check_failed" and "not covered" in refused["message"]
    app = decide(world.api["inspection_officer"], app, "refuse", comment=refused["message"])
    assert app["status"] == "refused"


@pytest.mark.parametrize("sub_kind", ["hf_device"])
def test_a_high_frequency_device_needs_no_spectrum_permit(world, sub_kind):
    api = world.api["person"]
    _d, app = _filled(api, "S4", sub_kind, {**FORMS[("S4", sub_kind)]})
    assert open_kinds(app) == ["choose_certificate"]


def _portal(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_applicant_sees_the_coverage_while_filling_and_the_precheck_before_signing(world):
    api = world.api["person"]
    draft = create(api, "S4", "device")
    api.put(f"/applications/{draft['id']}/form", {"data": _s4_form(low_mhz="2501", high_mhz="2505"),
                                                   "version": draft["form_version"]})
    page = _portal(world.person).get(f"/portal/requests/{draft['id']}/form").content.decode()
    assert 'id="device-coverage"' in page and "its frequencies are not covered" in page
    # S3: the signing page (after the filling) shows the pre-check of the frozen request, its map included
    _app, s3 = _filled(api, "S3", "assignment", S3_FORM)
    page = _portal(world.person).get(f"/portal/requests/{s3['id']}/sign").content.decode()
    assert 'id="spectrum-precheck"' in page and "<svg" in page and "No conflict found." in page
