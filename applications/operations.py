"""What the system does at each service task of the process definitions, and what the engine needs to
know of a request (the engine's Host).

Each operation takes the run (request, actor, time, context), the node and the task data, may call an
outside system through its adapter, and returns the JSON-able result that the definition's gateways
branch on. They are registered with the engine by name (workflow.operations) when the applications app is
ready; the table of operations is documented in docs/process-definitions.md.
"""
from __future__ import annotations

from django.utils import timezone

from accounts.authorisation import check_authorisation as authorisation_of
from applications.numbers import next_registration_number
from applications.results import issue_document
from applications.signing import check_chosen_certificate, verify_latest_signature
from core.norms import parse_norm
from integrations import adapters
from integrations.exchange import about
from integrations.models import Payment
from workdays.calendar import due_at, due_in_working_time
from workflow import engine
from workflow.deadlines import overall_deadline
from workflow.operations import operation

# Lanes whose tasks are nobody's in the provider (the applicant's, the gateway's, the PSC's).
OUTSIDE_PROVIDER_LANES = ("applicant", "payment_gateway", "psc")


class RequestHost(engine.Host):
    """The engine's view of a request: its initial process data, the exchange-log scope of its engine
    steps, and who holds each new open task until when."""

    def initial_data(self, application) -> dict:
        return {"application": {"id": application.pk, "service": application.service,
                                "sub_kind": application.sub_kind, "channel": application.channel}}

    def context(self, run):
        return about(run.subject)

    def open_task_fields(self, run, node, task) -> dict:
        app = run.subject
        fields = {"provider_unit_id": app.provider_unit_id if node.lane not in OUTSIDE_PROVIDER_LANES else None,
                  "assignee_id": None}  # ids, not users: nothing is read to open a task
        if node.lane == "applicant":
            fields["assignee_id"] = app.applicant_user_id
        elif node.lane == "executor" and task.data.get("executor_id"):
            fields["assignee_id"] = task.data["executor_id"]
        if not node.norm:
            fields["due_at"] = app.deadline_at  # a step without its own norm is due with the request
        return fields

    def due(self, run, node, started_at):
        """One rule for every step's norm (docs/deadlines.md): a norm in days runs from the receipt of the
        application (the overall deadline's start; so the step that carries the overall deadline is judged
        against it); a norm in hours or minutes runs from the step's start — in the provider's working time
        for an office step, as elapsed time for the applicant's and the system's steps."""
        norm = node.norm
        if norm is None:
            return None
        if not norm.is_sub_day:
            return due_at(received_at(run.subject) or started_at, norm)
        if node.tag == "userTask" and node.lane not in OUTSIDE_PROVIDER_LANES:
            return due_in_working_time(started_at, norm.upper_bound_seconds)
        return due_at(started_at, norm)

    def completion_due(self, run, node, due, data):
        """A step that ends in a refusal is judged against the node's own refusal norm when it has one (the
        2015 executor's review: a reasoned refusal for an incomplete set within 2 working days of receipt,
        where the order has 29)."""
        refusal_norm = node.properties.get("refusal_norm")
        if refusal_norm and data.get("decision") == "refuse":
            return due_at(received_at(run.subject) or run.now, parse_norm(refusal_norm))
        return due


def received_at(app):
    """When the application was received: the moment its terms run from (PSC acceptance, else registration)."""
    return app.received_at or app.registered_at


@operation
def check_authorisation(run, node, data) -> dict:
    ok, reason = authorisation_of(run.actor, run.subject)
    run.event("authorisation_checked", node, ok=ok, reason=reason)
    return {"ok": ok, "reason": reason}


@operation
def check_payment(run, node, data) -> dict:
    """C2: the payment fact, confirmed by the gateway's own answer on the payment's state — the one the
    action that reported the fact already had or asked for before it took the request's lock (run context
    ``gateway_payment``: the answer, or the Unavailable it met), else asked now. A down gateway: the step waits."""
    payment = run.subject.payments.order_by("-created_at", "-id").first()
    known = run.context.get("gateway_payment")
    if payment is None:
        status = "none"
    elif known is not None and known[0] == payment.pk:
        if isinstance(known[1], Exception):
            raise known[1]
        status = _record_confirmation(payment, known[1])
    else:
        status = _record_confirmation(payment, adapters.payments().status(payment.gateway_id))
    run.event("payment_checked", node, status=status, reference=payment.reference if payment else "")
    return {"paid": status == "paid", "status": status}


def _record_confirmation(payment, gateway_payment) -> str:
    """C2: the gateway's word on the payment (paid / declined / cancelled / created), noted on the payment."""
    fact = gateway_payment.fact
    fields = dict(gateway_status=gateway_payment.status, last_polled_at=timezone.now())
    if fact != Payment.Status.CREATED and payment.status == Payment.Status.CREATED:
        fields.update(status=fact, settled_at=timezone.now(), reported_by="status")
    Payment.objects.filter(pk=payment.pk).update(**fields)
    return fact


@operation
def check_certificate(run, node, data) -> dict:
    """C3: the chosen certificate's check — the one the action made before completing step 6 (run context),
    or made now."""
    result = run.context.get("certificate_check") or check_chosen_certificate(run.subject, at=run.now)
    run.event("certificate_checked", node, valid=result.valid, reason=result.reason)
    return {"valid": result.valid, "reason": result.reason}


@operation
def verify_signature(run, node, data) -> dict:
    """The signature over the revision: the verification the action made before completing step 8 (run
    context), or made now."""
    result = run.context.get("signature_check") or verify_latest_signature(run.subject, at=run.now)
    run.event("signature_verified", node, valid=result.valid, reason=result.reason)
    return {"valid": result.valid, "reason": result.reason}


@operation
def lookup_registry(run, node, data) -> dict:
    """P4/C2 (staff): ask the Individuals / Legal-entities registry; fill the applicant's data from it.

    Not found, a deceased person or a liquidated company: the data cannot be obtained (P5), the reason in
    the history. The registry unreachable: AdapterUnavailable, and the step waits (engine)."""
    app = run.subject
    known = run.context.get("registry_lookup")  # asked by the action before it took the lock
    if known is not None and known[0] == (app.applicant_iin, app.applicant_bin):
        if isinstance(known[1], Exception):
            raise known[1]
        result = known[1]
    else:
        result = adapters.registry_lookup(app.applicant_iin, app.applicant_bin)
    reason = result.unusable_reason
    if result.found:
        run.set_subject(registry_data=result.data, applicant_name=result.name or app.applicant_name)
    run.event("registry_looked_up", node, status=result.status, reason=reason,
              register="legal_entities" if app.applicant_bin else "individuals")
    return {"found": not reason, "status": result.status, "reason": reason}


@operation
def register_request(run, node, data) -> dict:
    app = run.subject
    number = next_registration_number(app.service, run.now)
    received = app.received_at or run.now  # a PSC request was received when the PSC accepted it
    run.set_subject(
        number=number, status=app.Status.REGISTERED, registered_at=run.now, received_at=received,
        deadline_at=overall_deadline(run.definition, received),
    )
    run.event("registered", node, number=number)
    return {"number": number}


@operation
def forward_to_provider(run, node, data) -> dict:
    run.event("forwarded_to_provider", node)
    return {"forwarded": True}


@operation
def issue_receipt(run, node, data, kind: str) -> dict:
    # §5: the receipt gives the date the documents were accepted and the planned date of the result;
    # the refusal receipt (appendix 4 of the standard) names the documents missing.
    content = {"accepted_on": timezone.localdate(run.now).isoformat()}
    if kind == "receipt":
        # The application is received now: the request's deadline will run from this same moment
        # (register_request), so the receipt's planned date and the request's deadline agree.
        run.set_subject(received_at=run.now)
        content["planned_result_date"] = timezone.localdate(overall_deadline(run.definition, run.now)).isoformat()
    else:
        content["documents_missing"] = list(data.get("documents_missing") or [])
    document = issue_document(run, kind, **content)
    run.event("receipt_issued", node, kind=kind, number=document.number)
    return {"kind": kind, "number": document.number}


@operation
def refuse(run, node, data, reason: str) -> dict:
    app = run.subject
    details = data.get("refusal_reasons") or [
        check["reason"] for check in (data.get("certificate"), data.get("signature")) if check and not check.get("valid")
    ] or [r for r in [(data.get("registry") or {}).get("reason")] if r]
    fields = dict(status=app.Status.REFUSED, refusal_step=node.step, refusal_reason=reason,
                  refusal_details=details, finished_at=run.now)
    refusal_deadline = run.definition.metadata.get("refusal_deadline")
    if reason == "incomplete_document_set" and refusal_deadline and received_at(app):
        # 2015 regulation §6 step 5: the reasoned refusal for an incomplete set has its own, shorter
        # deadline (the definition's `refusal_deadline`), counted from receipt like the overall one.
        fields["deadline_at"] = due_at(received_at(app), parse_norm(refusal_deadline))
    run.set_subject(**fields)
    document = issue_document(run, "refusal", reason=reason, step=node.step)
    run.event("refused", node, reason=reason, number=document.number)
    return {"reason": reason}


@operation
def issue_result(run, node, data, kind: str) -> dict:
    app = run.subject
    document = issue_document(run, kind)
    run.set_subject(status=app.Status.COMPLETED, result_kind=kind, finished_at=run.now)
    run.event("result_issued", node, kind=kind, number=document.number)
    return {"kind": kind, "number": document.number}
