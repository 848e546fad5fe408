"""S2's orders through the whole request and the inventory: an allocation order allocates its range (and a request
for a taken range is refused with the reason, when submitted and when decided); a utilisation report with a block
unused past the administrator's period leads to a drafted withdrawal, which an officer confirms, decides and signs —
then the range is free again and the allocation's registry record shows the withdrawal."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from applications.models import Application
from applications.tests.journeys import (
    create,
    decide,
    office_decides,
    office_until_decision,
    open_kinds,
    sign,
)
from conftest import COMPANY
from numbering import actions
from numbering.models import Allocation, Assignment, PlanPart, Reclamation
from registry.models import Record

ALLOCATE = {"resource_kind": "geographic", "range_start": "7172500000", "range_end": "7172509999",
            "purpose": "fixed telephony in Astana"}


@pytest.fixture
def plan(db):
    call_command("load_numbering_plan", demo=True, stdout=open("/dev/null", "w"))


def _filled(w, api, form, sub_kind="allocate", documents=("application", "numbering-justification"), expect=200):
    app = create(api, "S2", sub_kind)
    app = api.put(f"/applications/{app['id']}/form", {"data": form, "version": app["form_version"]})
    for code in documents:
        api.upload(app["id"], code)
    return api._call("post", f"/applications/{app['id']}/fill", {}, expect=expect).json()


def _allocated(w, api=None, form=ALLOCATE):
    api = api or w.api["company_head"]
    app = sign(w, api, _filled(w, api, form))
    assert app["status"] == "registered", app
    app = office_decides(w, office_until_decision(w, app), "approve")
    assert app["status"] == "completed", app
    (order,) = [d["number"] for d in app["documents"] if d["kind"] == "order"]
    return app, order


def test_an_allocation_order_allocates_and_a_taken_range_is_refused_with_the_reason(world, plan):
    app, order = _allocated(world)
    allocation = Allocation.objects.get(status="active")
    assert (allocation.first, allocation.last, allocation.order_number) == ("7172500000", "7172509999", order)
    assert allocation.holder.bin == COMPANY["bin"] and allocation.record.number == order
    assert allocation.part.code == "geo-astana"
    part = PlanPart.objects.get(code="geo-astana")
    assert (7172500000, 7172509999) not in actions.free_intervals(part)
    assert actions.free_intervals(part)[:2] == [(7172000000, 7172499999), (7172510000, 7172999999)]
    # another applicant asks for an overlapping block: refused when finishing the form, with the reason
    refused = _filled(world, world.api["person"], {**ALLOCATE, "range_start": "7172505000", "range_end": "7172505999"},
                      expect=422)
    assert refused["code"] == "service_check_failed"
    assert refused["message"] == ("The numbers 7172505000–7172505999 are not free: 7172500000–7172509999 are "
                                  f"allocated by order {order}.")
    # an emergency number and an unaligned block are refused too
    emergency = _filled(world, world.api["person"], {**ALLOCATE, "resource_kind": "short_number",
                                                     "range_start": "112", "range_end": "112"}, expect=422)
    assert emergency["message"] == "This part of the numbering plan is reserved and is never allocated."


def test_a_range_taken_between_submission_and_decision_is_refused_at_the_decision(world, plan):
    first = sign(world, world.api["company_head"], _filled(world, world.api["company_head"], ALLOCATE))
    second = sign(world, world.api["person"], _filled(world, world.api["person"], ALLOCATE))  # both free when filed
    office_decides(world, office_until_decision(world, first), "approve")
    second = office_until_decision(world, second)
    refused = decide(world.api["executor"], second, expect=422)
    assert refused["code"] == "service_check_failed" and "are not free" in refused["message"]
    assert Application.objects.get(pk=second["id"]).status == "registered"  # nothing changed: still to decide
    assert Allocation.objects.filter(status="active").count() == 1
    # the officer's request page shows the check failing, the reason and the conflicting allocation
    from django.test import Client

    client = Client()
    client.force_login(world.executor)
    page = client.get(f"/office/requests/{second['id']}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    holder = Allocation.objects.get(status="active")
    assert 'id="numbering-check"' in page and "are not free" in page
    assert f"<td>{holder.first}–{holder.last}</td><td>{holder.holder.name}</td><td>{holder.order_number}</td>" in page


def test_the_plan_and_what_is_free_in_the_api_without_log_in(world, plan, client):
    parts = client.get("/api/v1/numbering/plan").json()
    emergency = next(p for p in parts if p["code"] == "short-emergency-10x")
    assert emergency["allocatable"] is False and emergency["block_sizes"] == []
    _allocated(world)
    free = client.get("/api/v1/numbering/plan/geo-astana/free?size=10000&after=7172489999").json()
    assert [b["first"] for b in free["blocks"][:2]] == ["7172490000", "7172510000"]  # 7172500000… is allocated
    assert free["intervals"][:2] == [{"first": "7172000000", "last": "7172499999", "size": 500000},
                                     {"first": "7172510000", "last": "7172999999", "size": 490000}]
    assert client.get("/api/v1/numbering/plan/nowhere/free").status_code == 404
    mine = world.api["company_head"].get("/numbering/allocations")
    assert [(a["first"], a["last"]) for a in mine] == [("7172500000", "7172509999")]
    assert world.api["person"].get("/numbering/allocations") == []
    world.api["person"]._call("get", "/numbering/reclamations", expect=403)


def test_the_applicant_picks_a_free_block_on_the_filling_page(world, plan):
    from django.test import Client

    app = create(world.api["person"], "S2", "allocate")
    client = Client()
    client.force_login(world.person)
    page = client.get(f"/portal/requests/{app['id']}/form?part=geo-astana&size=10000",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "?part=geo-astana&amp;size=10000&amp;pick=7172000000-7172009999" in page
    page = client.get(f"/portal/requests/{app['id']}/form?part=geo-astana&size=10000&pick=7172000000-7172009999",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="range_start" value="7172000000"' in page and 'name="range_end" value="7172009999"' in page
    page = client.get(f"/portal/requests/{app['id']}/form?part=geo-astana&pick=7172000001-7172010000",
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()  # not a block: nothing filled
    assert 'name="range_start" value=""' in page


def test_assigned_numbers_lie_inside_the_applicants_own_allocation(world, plan):
    _allocated(world, form={"resource_kind": "short_number", "range_start": "1410", "range_end": "1419",
                            "purpose": "information services"})
    person = world.api["person"]
    refused = _filled(world, person, {"numbers": [{"number": "1414"}], "purpose": "x"}, "assign", ["application"],
                      expect=422)
    assert refused["message"] == "The number 1414 is not within numbering resource allocated to the applicant."
    company = world.api["company_head"]
    app = sign(world, company, _filled(world, company, {"numbers": [{"number": "1414"}], "purpose": "help line"},
                                       "assign", ["application"]))
    app = office_decides(world, office_until_decision(world, app), "approve")
    assert app["status"] == "completed"
    (assignment,) = Assignment.objects.all()
    assert (assignment.number, assignment.status, assignment.holder.bin) == ("1414", "active", COMPANY["bin"])


def test_unused_blocks_are_reclaimed_through_a_signed_withdrawal_and_are_free_again(world, plan):
    _app, order = _allocated(world)
    allocation = Allocation.objects.get(status="active")
    company = world.api["company_head"]
    year, half = actions.current_half()
    report = company.post("/numbering/utilisation-reports", {"year": year, "half": half, "lines": [
        {"first": "7172500000", "last": "7172509999", "assigned": 0, "in_service": 0}]}, expect=201)
    assert report["lines"][0]["in_service"] == 0
    admin = world.committee_officer
    actions.set_policy(months_unused=6, actor=admin)
    assert actions.flag_unused(now=timezone.now()) == []  # allocated today: not yet past the period
    later = timezone.now() + dt.timedelta(days=7 * 31)
    (flag,) = actions.flag_unused(now=later)
    assert flag.allocation == allocation and flag.months_unused == 6 and flag.report_id == report["id"]
    assert actions.flag_unused(now=later) == []  # once while it is open
    # the officer drafts the withdrawal from the list of flagged blocks (API), then confirms it as the staff do
    officer = world.api["committee_officer"]
    (listed,) = officer.get("/numbering/reclamations")
    assert listed["first"] == "7172500000" and listed["status"] == "flagged"
    drafted = officer.post(f"/numbering/reclamations/{flag.pk}/withdrawal", expect=201)
    app = officer.get(f"/applications/{drafted['application_id']}")
    assert app["sub_kind"] == "withdraw" and open_kinds(app) == ["enter_application"]
    assert app["form"]["order_number"] == order and app["form"]["range_end"] == "7172509999"
    app = officer.post(f"/applications/{app['id']}/applicant", {"bin": COMPANY["bin"], "iin": COMPANY["head_iin"]})
    officer.upload(app["id"], "application", is_scan=True)
    app = officer.post(f"/applications/{app['id']}/scans", {"documents_presented": ["application"]})
    assert app["status"] == "registered", app
    app = office_decides(world, office_until_decision(world, app), "approve")  # the executor decides, the head signs
    assert app["status"] == "completed", app
    (withdrawal,) = [d["number"] for d in app["documents"] if d["kind"] == "order"]
    allocation.refresh_from_db()
    assert (allocation.status, allocation.ended_by) == ("withdrawn", withdrawal)
    free = actions.free_intervals(allocation.part)
    assert any(a <= 7172500000 and 7172509999 <= b for a, b in free)  # free again
    record = Record.objects.get(number=order)
    assert record.status == "terminated"
    (event,) = record.events.filter(kind="withdrawn")
    assert event.data["by_document"] == withdrawal and event.data["withdrawn"] == ["7172500000", "7172509999"]
    assert Reclamation.objects.get(pk=flag.pk).status == "done"
    # and the block can be allocated again
    assert actions.check_allocation("geographic", actions.Span.of("7172500000", "7172509999")).code == "geo-astana"
