"""A paid request does not wait for its fee for ever: its applicant is reminded before the term for paying ends
(services.PaymentTerm, set by an administrator) and the request is refused for non-payment once it has passed —
S1 at step 5, S3 at step 10 — with the open payment cancelled at the gateway; a payer who paid meanwhile has
paid."""
import datetime

import pytest
from django.utils import timezone

from applications import actions
from applications.models import Application
from applications.tests.journeys import create, decide, fill, payer, portal_until_registered
from integrations.models import Payment
from services import actions as service_actions
from services.actions import PaymentTermInvalid
from workflow.models import Event, WorkTask


def pay_task(app_id):
    return WorkTask.objects.select_related("application").get(application_id=app_id, state="open", action_kind="pay")


def asked_days_ago(app_id, days: float):
    """As if payment had been asked `days` days ago (the pay step opened then)."""
    task = pay_task(app_id)
    WorkTask.objects.filter(pk=task.pk).update(created_at=task.created_at - datetime.timedelta(days=days))
    return pay_task(app_id)


def asked_until_the_term_ended(app_id, days: int = 11):
    """As if payment had been asked `days` days ago, or earlier: long enough that the term has ended now. The
    default term is 10 days, ending at closing time, moved to the next working day when it falls on a day off,
    so 11 days ago is not always enough (asked 11 days before a Monday just after midnight, the 10th day is
    Sunday and the term ends on Monday evening)."""
    task = asked_days_ago(app_id, days)
    for _ in range(20):
        if actions.payment_term_end(task) < timezone.now():
            return task
        task = asked_days_ago(app_id, 1)
    raise AssertionError("the term does not end")


@pytest.fixture
def s1(world):
    api = world.api["person"]
    return api, fill(api, create(api, "S1", "issue"), "S1", "issue")


def test_the_term_ends_days_after_payment_was_asked_at_closing_time(world, s1):
    _api, app = s1
    service_actions.set_payment_term(service="S1", days=5, notice_days=1)
    task = pay_task(app["id"])
    end = actions.payment_term_end(task)
    from core.norms import parse_norm
    from workdays.calendar import due_at

    assert end == due_at(task.created_at, parse_norm("5 calendar days"))
    assert end.timetz().hour == 18


def test_a_reminder_before_the_end_then_nothing_more_until_it_ends(world, s1, client):
    api, app = s1
    service_actions.set_payment_term(service="S1", days=10, notice_days=2)
    assert actions.end_unpaid() == {"reminded": 0, "refused": 0}  # just asked: nothing to say
    task = asked_days_ago(app["id"], 9)
    end = actions.payment_term_end(task)
    # Counted from the term's end, not from today: a 10th day that is a day off moves the end to the next
    # working day, and the notice with it.
    notice_starts = end - datetime.timedelta(days=2)
    assert actions.end_unpaid(notice_starts - datetime.timedelta(hours=1)) == {"reminded": 0, "refused": 0}
    assert actions.end_unpaid(notice_starts + datetime.timedelta(hours=1)) == {"reminded": 1, "refused": 0}
    assert actions.end_unpaid(end - datetime.timedelta(hours=1)) == {"reminded": 0, "refused": 0}  # once
    (reminder,) = Event.objects.filter(application_id=app["id"], kind="payment_reminder")
    assert datetime.datetime.fromisoformat(reminder.data["pay_by"]) == actions.payment_term_end(task)
    client.force_login(world.person)
    page = client.get("/portal/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Pay the fee for request" in page and actions.payment_term_end(task).astimezone(
        datetime.timezone(datetime.timedelta(hours=5))).strftime("%d.%m.%Y") in page
    assert api.get(f"/applications/{app['id']}")["status"] == "draft"  # still waiting for the fee


def test_after_the_term_the_request_is_refused_for_non_payment_and_the_gateway_payment_cancelled(world, s1):
    api, app = s1
    payment = api.post(f"/applications/{app['id']}/payment")
    asked_until_the_term_ended(app["id"])  # the default term: 10 days
    assert actions.end_unpaid()["refused"] == 1
    refused = api.get(f"/applications/{app['id']}")
    assert refused["status"] == "refused" and refused["refusal_step"] == "5" and refused["refusal_reason"] == "not_paid"
    assert [d["kind"] for d in refused["documents"]] == ["refusal"]
    row = Payment.objects.get(reference=payment["reference"])
    assert row.status == Payment.Status.CANCELLED and row.reported_by == "term"
    from applications.tests.journeys import _http

    _status, at_gateway = _http("GET", payment["next_url"])
    assert at_gateway["payment"]["state"]["status"] == "cancelled"  # nobody can pay a refused request
    assert actions.end_unpaid() == {"reminded": 0, "refused": 0}


def test_a_payer_who_paid_meanwhile_has_paid(world, s1):
    api, app = s1
    payment = api.post(f"/applications/{app['id']}/payment")
    payer(payment)  # paid at the gateway; its callback has not arrived
    asked_until_the_term_ended(app["id"])
    assert actions.end_unpaid()["refused"] == 0
    after = api.get(f"/applications/{app['id']}")
    assert after["status"] != "refused"
    assert Payment.objects.get(reference=payment["reference"]).status == Payment.Status.PAID
    assert [t["action_kind"] for t in after["open_tasks"]] == ["choose_certificate"]


def test_s3_after_the_check_is_refused_at_step_10(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S3", "assignment")
    app = decide(world.api["inspection_officer"], app)
    assert [t["action_kind"] for t in app["open_tasks"]] == ["pay"]
    asked_until_the_term_ended(app["id"], 30)
    assert actions.end_unpaid()["refused"] == 1
    refused = Application.objects.get(pk=app["id"])
    assert refused.status == "refused" and refused.refusal_step == "10" and refused.refusal_reason == "not_paid"


@pytest.mark.parametrize("days,notice", [(0, 0), (5, 5), (5, 7), (-1, 0)])
def test_a_term_that_makes_no_sense_is_refused_and_changes_nothing(days, notice, db):
    from services.models import PaymentTerm

    with pytest.raises(PaymentTermInvalid) as refused:
        service_actions.set_payment_term(service="S1", days=days, notice_days=notice)
    assert refused.value.code == "payment_term_invalid"
    assert not PaymentTerm.objects.exists()


def test_the_administrator_sets_the_term_in_the_back_office(world, client):
    from accounts.models import User
    from audit.models import AuditEntry
    from services.models import PaymentTerm

    client.force_login(User.objects.create_user(username="root", password="x-demo-pass-123", kind="administrator"))
    page = client.get("/office/admin/fees/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="payment-terms"' in page
    bad = client.post("/office/admin/fees/payment-terms/", {"service": "S1", "days": 3, "notice_days": 3},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "The reminder must come before the term ends." in bad.content.decode()
    assert not PaymentTerm.objects.exists()
    ok = client.post("/office/admin/fees/payment-terms/", {"service": "S3", "days": 7, "notice_days": 2})
    assert ok.status_code == 302
    assert PaymentTerm.of("S3") == (7, 2)
    assert AuditEntry.objects.filter(data__change="payment_term_set", data__service="S3").exists()
