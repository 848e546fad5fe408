"""The documents a request ends with (or receives on the way: PSC receipts).

A document is a row with its number, content and signer, written with the decision in its
transaction; for licences, permits and orders also its record in the registry
(``registry.actions``). Its PDF is made after that transaction has committed, by a task
(``documents.tasks.produce_document``, enqueued by ``documents.tasks.enqueue_pending``): nothing slow happens
while the request is locked. The deciding officer's documents are prepared for their signature (they sign
through NCALayer: ``documents.actions.sign_document``); the others are sealed by the system.
"""
from applications.models import ResultDocument
from applications.numbers import next_document_number

# The officer's steps a result is the decision of (the qualification check, the 2015 head's signature).
DECIDING_STEPS = ("sign_result", "decide")
RESULT_KINDS = ("licence", "permit", "order")


def signer_of(run, kind: str):
    """Who signs the document with their own EDS: the officer whose decision it is — the last who completed a
    deciding step of the request (the 2015 head's signature of the result comes after the executor's check).
    A licence, permit or order is always theirs, also when an automatic step issues it (S3: the permit once
    the payment arrives); a refusal is theirs when issued in their decision's run. Anything else (automatic
    refusals, receipts): None, the system seal."""
    from workflow.models import WorkTask

    decider = None
    for action_kind in DECIDING_STEPS:
        task = (WorkTask.objects.filter(application=run.subject, action_kind=action_kind, state=WorkTask.State.DONE)
                .exclude(completed_by=None).select_related("completed_by").order_by("-completed_at", "-id").first())
        if task is not None:
            decider = ResultDocument.signer_for(task.completed_by)
            break
    if decider is None:
        return None
    if kind in RESULT_KINDS:
        return decider
    if kind in ("refusal", "hearing_notice") and run.actor is not None and run.actor.pk == decider.pk:
        return decider
    return None


def issue_document(run, kind: str, **content) -> ResultDocument:
    from registry.actions import record_result

    app = run.subject
    body = {
        "service": app.service,
        "sub_kind": app.sub_kind,
        "request_number": app.number,
        "applicant_iin": app.applicant_iin,
        "applicant_bin": app.applicant_bin,
        "applicant_name": app.applicant_name,
        **content,
    }
    if kind == "refusal":
        body["reasons"] = list(app.refusal_details or [])
    document = ResultDocument.objects.create(
        application=app, kind=kind, number=next_document_number(kind, run.now), issued_at=run.now, content=body,
        signer=signer_of(run, kind),
    )
    record_result(document, run.actor)
    app.issued_in_run = [*getattr(app, "issued_in_run", []), document]  # for the action's answer
    return document
