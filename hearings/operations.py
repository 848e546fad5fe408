"""The hearing's service-task operations (registered with the engine by name when the app is ready;
docs/process-definitions.md lists them):

- ``notify_intended_refusal`` (param ``ground``): the officer proposed a refusal on the substance; the applicant
  is notified of the intended refusal, its ground and reasons, and of the term to answer (the ``term`` of the
  definition's ``answer_hearing`` task) — a Hearing row, the notice document (``hearing_notice``, signed by the
  officer) and a ``hearing_notified`` event (a notification on the portal).
- ``record_hearing_outcome``: the officer decided after the hearing; the decision is recorded on the hearing
  with whether the applicant answered, and the history says so (``hearing_decided``).
"""
from __future__ import annotations

from django.db import transaction

from applications.results import issue_document
from documents.tasks import enqueue_pending
from hearings import grounds
from hearings.models import Hearing
from workdays.calendar import due_at
from workflow.operations import operation


def answer_term(definition):
    """The answer's term: the ``term`` of the definition's ``answer_hearing`` task (None if it has none)."""
    for node in definition.nodes.values():
        if node.action_kind == "answer_hearing" and node.term is not None:
            return node.properties["term"], node.term
    return None


@operation
def notify_intended_refusal(run, node, data, ground: str) -> dict:
    app = run.subject
    if grounds.ground(app.service, ground) is None:
        raise LookupError(f"{app.service} has no refusal ground {ground!r} (services/<service>/refusals.py)")
    term_text, term = answer_term(run.definition)
    hearing = Hearing.objects.create(
        application=app, ground=ground, reasons=list(data.get("refusal_reasons") or []), proposed_by=run.actor,
        notified_at=run.now, term=term_text, answer_due_at=due_at(run.now, term))
    # The notice as a document: signed by the officer who proposed the refusal (their EDS, as a decision).
    document = issue_document(run, "hearing_notice", ground=ground, reasons=hearing.reasons, term=term_text,
                              answer_due_at=hearing.answer_due_at.isoformat())
    run.event("hearing_notified", node, ground=ground, hearing=hearing.pk, number=document.number,
              answer_due_at=hearing.answer_due_at.isoformat())
    application_id = app.pk
    transaction.on_commit(lambda: enqueue_pending(application_id))  # its PDF, after the decision's commit
    return {"hearing": hearing.pk, "ground": ground, "number": document.number}


@operation
def record_hearing_outcome(run, node, data) -> dict:
    app = run.subject
    hearing = Hearing.objects.filter(application=app).order_by("-notified_at", "-id").first()
    decision = data.get("decision", "")
    if hearing is None:
        return {"recorded": False}
    Hearing.objects.filter(pk=hearing.pk).update(outcome=decision, decided_at=run.now, decided_by=run.actor)
    run.event("hearing_decided", node, hearing=hearing.pk, decision=decision, answered=hearing.answered)
    return {"recorded": True, "answered": hearing.answered}
