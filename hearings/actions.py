"""The hearing's state changes (docs/refusals.md), each atomic with its audit row and its step in the history.

- ``answer``: the applicant states their position on the intended refusal, within the term;
- ``close_without_answer``: the term has passed with no answer — the provider's officer (or the periodic job,
  ``close_expired``) closes the hearing and the officer's decision opens.
The notice itself and the decision's record are the definition's operations (hearings.operations)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from applications.actions import may_complete
from applications.models import Application
from audit import actions as audit
from hearings.errors import AnswerRequired, NoHearing, TermNotPassed, TermPassed
from hearings.models import Hearing
from workflow import engine

ANSWER_STEP = "answer_hearing"
MAX_ANSWER = 5000


def _locked(application_id, applicant=None):
    """The request and its open hearing, locked; with ``applicant``, only theirs to answer (else NotAllowed)."""
    app = (Application.objects.select_for_update(of=("self",)).select_related("definition", "process")
           .defer("definition__text").get(pk=application_id))
    if applicant is not None and (applicant.pk != app.applicant_user_id):
        raise engine.NotAllowed()
    hearing = Hearing.objects.select_for_update().filter(application=app, closed_at__isnull=True).first()
    if hearing is None:
        raise NoHearing()
    return app, hearing


def answer(application_id, actor, *, text: str) -> Hearing:
    """The applicant's position on the intended refusal, within the term (APC, art. 73)."""
    text = (text or "").strip() if isinstance(text, str) else ""
    with transaction.atomic():
        app, hearing = _locked(application_id, actor)
        if not text:
            raise AnswerRequired()
        if len(text) > MAX_ANSWER:
            raise AnswerRequired(code="hearing_answer_too_long")
        tasks = engine.open_tasks(app)
        task = engine.open_task(app, ANSWER_STEP, tasks)
        if not may_complete(actor, app, task):
            raise engine.NotAllowed()
        now = timezone.now()
        if now > hearing.answer_due_at:
            raise TermPassed()
        hearing.answer, hearing.answered_at, hearing.closed_at = text, now, now
        hearing.save(update_fields=["answer", "answered_at", "closed_at"])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=hearing,
                     data={"change": "hearing_answered", "application": app.pk, "length": len(text)})
        engine.complete_user_task(app, task, actor, {"hearing_answered": True}, tasks=tasks)
    return hearing


def _may_close(actor, app) -> bool:
    if actor is None:  # the system: the periodic job
        return True
    return (actor.is_active and actor.kind == actor.Kind.OFFICER and actor.provider_unit_id == app.provider_unit_id)


def close_without_answer(application_id, actor=None, *, now=None) -> Hearing:
    """The term passed without an answer: the hearing is closed (recorded so) and the officer decides."""
    with transaction.atomic():
        app, hearing = _locked(application_id)
        if not _may_close(actor, app):
            raise engine.NotAllowed()
        now = now or timezone.now()
        if now <= hearing.answer_due_at:
            raise TermNotPassed()
        tasks = engine.open_tasks(app)
        task = engine.open_task(app, ANSWER_STEP, tasks)
        hearing.closed_at = now
        hearing.save(update_fields=["closed_at"])
        audit.record(audit.Kind.ADMIN_CHANGE, actor=actor, subject=hearing,
                     data={"change": "hearing_closed_without_answer", "application": app.pk})
        engine.complete_user_task(app, task, actor, {"hearing_answered": False}, tasks=tasks)
    return hearing


def close_expired(now=None, limit: int = 200) -> int:
    """The periodic job: every open hearing whose term has passed is closed without an answer."""
    now = now or timezone.now()
    ids = list(Hearing.objects.filter(closed_at__isnull=True, answer_due_at__lt=now)
               .values_list("application_id", flat=True)[:limit])
    closed = 0
    for application_id in ids:
        try:
            close_without_answer(application_id, None, now=now)
            closed += 1
        except (NoHearing, TermNotPassed, engine.StepNotOpen):
            continue  # answered or closed meanwhile
    return closed
