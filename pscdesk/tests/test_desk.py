"""The PSC desk: the electronic queue (desk tickets, booked slots, call next), the intake against the
service's list, the receipt and the refusal receipt, the 20-minute norm; the applicant's booking page."""
from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from applications.models import Application
from applications.tests.journeys import DOCUMENTS, FORMS
from conftest import PERSON
from pscdesk import actions as q
from pscdesk.models import NORM_SECONDS, Ticket

PASSWORD = "demo-pass-123"


def desk_client(w, lang="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    response = client.post("/office/login/", {"username": w.psc.username, "password": PASSWORD})
    assert response["Location"] == "/psc/"
    return client


def _form_post(sub_kind):
    data = {}
    for key, value in FORMS[("S2", sub_kind)].items():
        if isinstance(value, list):
            for i, row in enumerate(value):
                for k, v in row.items():
                    data[f"{key}-{i}-{k}"] = v
        else:
            data[key] = value
    return data


def serve(client, sub_kind="allocate", presented=None) -> tuple[Ticket, Application]:
    client.post("/psc/tickets/issue")
    response = client.post("/psc/tickets/call-next")
    ticket = Ticket.objects.get(pk=int(response["Location"].split("/")[-2]))
    client.post(f"/psc/tickets/{ticket.pk}/", {"sub_kind": sub_kind})
    ticket.refresh_from_db()
    app = ticket.application
    presented = DOCUMENTS[("S2", sub_kind)] if presented is None else presented
    response = client.post(f"/psc/tickets/{ticket.pk}/", {
        "version": app.form_version, "iin": PERSON["iin"], "presented": presented, **_form_post(sub_kind)})
    assert response.status_code == 302 and response["Location"].endswith("/receipt"), response.content[:3000]
    ticket.refresh_from_db()
    app.refresh_from_db()
    return ticket, app


def intake_complete(w) -> Application:
    return serve(desk_client(w))[1]


def test_receipt_with_dates_and_the_norm_measured(world):
    client = desk_client(world)
    ticket, app = serve(client)
    assert ticket.status == "served" and ticket.outcome == "receipt"
    assert ticket.duration_seconds is not None and ticket.within_norm is True
    assert app.channel == "psc" and app.tasks.get(state="open").action_kind == "register_incoming"
    html = client.get(f"/psc/tickets/{ticket.pk}/receipt").content.decode()
    receipt = app.documents.get(kind="receipt")
    assert receipt.number in html and "Planned date of the result" in html and "Forwarded to the provider" in html
    planned = datetime.date.fromisoformat(receipt.content["planned_result_date"])
    assert planned.strftime("%d.%m.%Y") in html
    assert f"/api/v1/applications/{app.pk}/documents/{receipt.number}.pdf" in html
    assert "done within the norm" in html
    pdf = client.get(f"/api/v1/applications/{app.pk}/documents/{receipt.number}.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    # The desk's page lists it as served within the norm.
    assert ticket.number in client.get("/psc/").content.decode()


def test_incomplete_set_gets_the_refusal_receipt(world):
    client = desk_client(world)
    ticket, app = serve(client, presented=["application"])
    assert ticket.outcome == "refusal_receipt" and app.status == "refused"
    html = client.get(f"/psc/tickets/{ticket.pk}/receipt").content.decode()
    assert "Refusal receipt" in html and "Missing documents" in html


def test_overdue_norm_is_recorded(world):
    # Called now and finished 25 minutes later (not called 25 minutes ago: within 25 minutes after Almaty's
    # midnight that would be yesterday's queue, where today's ticket is not).
    ticket = q.issue_ticket()
    called = q.call_next(world.psc)
    assert called == ticket
    ticket = q.finish(called, "receipt", now=called.called_at + datetime.timedelta(minutes=25))
    assert ticket.duration_seconds == 25 * 60 > NORM_SECONDS and ticket.within_norm is False


def test_call_next_booked_slots_due_now_first_then_fifo(world):
    now = timezone.now()
    first_desk = q.issue_ticket()
    second_desk = q.issue_ticket()
    due = Ticket.objects.create(day=timezone.localdate(), number="B900", kind="booked", booked_by=world.person,
                                slot_at=now - datetime.timedelta(minutes=1))
    later = Ticket.objects.create(day=timezone.localdate(), number="B901", kind="booked", booked_by=world.person,
                                  slot_at=now + datetime.timedelta(hours=2))
    order = [q.call_next(world.psc, now=now) for _ in range(4)]
    assert order[:3] == [due, first_desk, second_desk] and order[3] is None
    later.refresh_from_db()
    assert later.status == "waiting"


def test_applicant_books_a_slot_on_the_portal(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.get("/psc/book/")["Location"].startswith("/portal/login/")
    client.force_login(world.person)
    html = client.get("/psc/book/").content.decode()
    slot = q.free_slots()[0]
    assert slot.isoformat() in html
    response = client.post("/psc/book/", {"slot": slot.isoformat(), "sub_kind": "assign"})
    assert response.status_code == 302
    ticket = Ticket.objects.get(booked_by=world.person)
    assert ticket.kind == "booked" and ticket.slot_at == slot and ticket.number.startswith("B")
    assert ticket.number in client.get("/psc/book/").content.decode()
    client.post("/psc/book/", {"cancel": ticket.pk})
    ticket.refresh_from_db()
    assert ticket.status == "cancelled"


def test_desk_is_for_psc_operators(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.committee_officer)
    assert client.get("/psc/").status_code == 404
    assert Client(HTTP_ACCEPT_LANGUAGE="en").get("/psc/")["Location"].startswith("/office/login/")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_desk_page_language(world, lang):
    assert f'lang="{lang}"' in desk_client(world, lang).get("/psc/").content.decode()
