"""Norms and deadlines measured as the regulations count them (docs/deadlines.md): every step with a norm
gets its real duration, automatic steps included; the step that carries the overall deadline is judged
against it; the 2015 terms run from the receipt of the application, and a refusal for an incomplete set
against its 2 working days; office steps fall due within the provider's working hours."""
import datetime

import pytest

from applications.models import Application
from applications.tests.journeys import (
    ALMATY,
    create,
    decide,
    fill,
    office_decides,
    office_until_decision,
    portal_until_registered,
    sign,
)
from core.norms import parse_norm
from workdays.calendar import add_working_days, due_at, is_working_day
from workflow.models import WorkTask


def tasks_of(api, app):
    return api.get(f"/applications/{app['id']}/tasks")


def received_days_ago(app_id: int, days: int) -> Application:
    """As if the request had been received (and registered) `days` days ago: its terms run from then."""
    from workflow import definitions
    from workflow.deadlines import overall_deadline

    app = Application.objects.select_related("definition").get(pk=app_id)
    shift = datetime.timedelta(days=days)
    definition = definitions.definition_by_process_id(app.definition.process_id, app.definition.sha256)
    Application.objects.filter(pk=app_id).update(
        received_at=app.received_at - shift, registered_at=app.registered_at - shift,
        deadline_at=overall_deadline(definition, app.received_at - shift))
    WorkTask.objects.filter(application_id=app_id).update(created_at=app.registered_at - shift)
    return Application.objects.get(pk=app_id)


def test_automatic_steps_get_their_real_duration_and_no_verdict_without_a_norm(world):
    api = world.api["person"]
    app = sign(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
    automatic = [t for t in tasks_of(api, app) if not t["action_kind"] and t["state"] == "done"]
    assert automatic, "the automatic steps are recorded"
    for t in automatic:
        assert t["duration_seconds"] is not None and t["duration_seconds"] > 0, t  # measured, not a flat 0
        assert t["duration_seconds"] < 60, t
        started = datetime.datetime.fromisoformat(t["created_at"])
        ended = datetime.datetime.fromisoformat(t["completed_at"])
        # The API gives times to the millisecond; the duration is kept to the microsecond.
        assert ended >= started and abs((ended - started).total_seconds() - t["duration_seconds"]) < 0.002
        if t["norm"] in ("", "—"):
            assert t["within_norm"] is None, t  # nothing to keep, so neither kept nor missed


def test_an_s4_permit_issued_on_day_40_shows_its_16_day_step_as_missed(world):
    api = world.api["person"]
    app = sign(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
    late = received_days_ago(app["id"], 40)
    decided = decide(world.api["inspection_officer"], app)
    assert decided["status"] == "completed"
    (result,) = [t for t in tasks_of(api, decided) if t["step"] == "9"]
    assert result["norm"] == "16 calendar days"
    assert datetime.datetime.fromisoformat(result["due_at"]) == due_at(late.received_at, parse_norm("16 calendar days"))
    assert datetime.datetime.fromisoformat(result["due_at"]) == late.deadline_at
    assert result["within_norm"] is False


def test_an_s4_permit_issued_in_time_keeps_its_16_day_step(world):
    api = world.api["person"]
    app = sign(world, api, fill(api, create(api, "S4", "device"), "S4", "device"))
    received_days_ago(app["id"], 3)
    decided = decide(world.api["inspection_officer"], app)
    (result,) = [t for t in tasks_of(api, decided) if t["step"] == "9"]
    assert result["within_norm"] is True


@pytest.fixture
def s2_2015(world):
    api = world.api["person"]
    app = portal_until_registered(world, api, "S2", "allocate")
    assert app["version"] == "2015"
    return api, app


def test_2015_terms_run_from_receipt_not_from_the_executors_task(world, s2_2015):
    api, app = s2_2015
    received = received_days_ago(app["id"], 10).received_at
    app = office_until_decision(world, app)
    (review,) = [t for t in tasks_of(api, app) if t["action_kind"] == "decide" and t["state"] == "open"]
    # The executor's task opened now, but its 29 working days run from the receipt, 10 days ago.
    expected = datetime.datetime.combine(add_working_days(received.astimezone(ALMATY).date(), 29),
                                         datetime.time(18, 0), tzinfo=ALMATY)
    assert datetime.datetime.fromisoformat(review["due_at"]) == expected
    assert datetime.datetime.fromisoformat(review["due_at"]) == Application.objects.get(pk=app["id"]).deadline_at


def test_2015_refusal_for_an_incomplete_set_is_judged_against_its_2_working_days(world, s2_2015):
    api, app = s2_2015
    received_days_ago(app["id"], 7)  # seven days: past any 2 working days, within the 29
    app = office_until_decision(world, app)
    refused = office_decides(world, app, "refuse", reasons=["missing:numbering-justification"])
    assert refused["status"] == "refused"
    (review,) = [t for t in tasks_of(api, refused) if t["action_kind"] == "decide"]
    assert review["within_norm"] is False
    received = Application.objects.get(pk=app["id"]).received_at
    assert datetime.datetime.fromisoformat(review["due_at"]) == due_at(received, parse_norm("2 working days"))


def test_2015_approval_within_29_working_days_is_kept(world, s2_2015):
    api, app = s2_2015
    received_days_ago(app["id"], 7)
    app = office_until_decision(world, app)
    decided = office_decides(world, app, "approve")
    assert decided["status"] == "completed"
    (review,) = [t for t in tasks_of(api, decided) if t["action_kind"] == "decide"]
    assert review["within_norm"] is True


def test_office_steps_fall_due_within_working_hours(world, s2_2015):
    api, app = s2_2015
    (head_task,) = [t for t in tasks_of(api, app) if t["state"] == "open"]
    assert head_task["norm"] == "3 hours"
    due = datetime.datetime.fromisoformat(head_task["due_at"]).astimezone(ALMATY)
    assert is_working_day(due.date())
    assert datetime.time(9, 0) < due.time() <= datetime.time(18, 0)
    opened = datetime.datetime.fromisoformat(head_task["created_at"]).astimezone(ALMATY)
    assert due - opened >= datetime.timedelta(hours=3)  # never less than the norm, more across closing time


def test_applicants_are_shown_no_norm_of_seconds_as_a_deadline(world):
    from portal.views.requests import applicant_due

    api = world.api["person"]
    app = fill(api, create(api, "S4", "device"), "S4", "device")
    (task,) = WorkTask.objects.filter(application_id=app["id"], state=WorkTask.State.OPEN)
    assert task.lane == "applicant" and task.due_at is not None  # the regulation's 10–15 s estimate …
    assert applicant_due(task) is None  # … is not shown to the applicant as a term
