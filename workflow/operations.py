"""What the system does at each service task of the process definitions.

Each operation takes the run (request, actor, time) and the node, may call an
outside system through its adapter, and returns the JSON-able result that the
definition's gateways branch on. The table of operations is documented in
docs/process-definitions.md.
"""
from __future__ import annotations

from django.utils import timezone

from core.norms import parse_norm
from workdays.calendar import due_at
from workflow.deadlines import overall_deadline


def check_authorisation(run, node, data) -> dict:
    from accounts.authorisation import check_authorisation as check

    ok, reason = check(run.actor, run.application)
    run.event("authorisation_checked", node, ok=ok, reason=reason)
    return {"ok": ok, "reason": reason}


def check_payment(run, node, data) -> dict:
    """C2: the payment fact, confirmed by asking the gateway for the payment's state (a down gateway: the step waits)."""
    from applications.actions import confirm_payment

    payment = run.application.payments.order_by("-created_at", "-id").first()
    status = confirm_payment(payment) if payment else "none"
    run.event("payment_checked", node, status=status, reference=payment.reference if payment else "")
    return {"paid": status == "paid", "status": status}


def check_certificate(run, node, data) -> dict:
    from applications.signing import check_chosen_certificate

    result = check_chosen_certificate(run.application, at=run.now)
    run.event("certificate_checked", node, valid=result.valid, reason=result.reason)
    return {"valid": result.valid, "reason": result.reason}


def verify_signature(run, node, data) -> dict:
    from applications.signing import verify_latest_signature

    result = verify_latest_signature(run.application, at=run.now)
    run.event("signature_verified", node, valid=result.valid, reason=result.reason)
    return {"valid": result.valid, "reason": result.reason}


def lookup_registry(run, node, data) -> dict:
    """P4/C2 (staff): ask the Individuals / Legal-entities registry; fill the applicant's data from it.

    Not found, a deceased person or a liquidated company: the data cannot be obtained (P5), the reason in
    the history. The registry unreachable: AdapterUnavailable, and the step waits (engine)."""
    app = run.application
    result = registry_lookup(app.applicant_iin, app.applicant_bin)
    reason = result.unusable_reason
    if result.found:
        run.set_application(registry_data=result.data, applicant_name=result.name or app.applicant_name)
    run.event("registry_looked_up", node, status=result.status, reason=reason,
              register="legal_entities" if app.applicant_bin else "individuals")
    return {"found": not reason, "status": result.status, "reason": reason}


def registry_lookup(iin: str, bin_: str):
    from integrations import adapters

    registry = adapters.registry()
    return registry.legal_entity(bin_) if bin_ else registry.individual(iin)


def register_request(run, node, data) -> dict:
    from applications.numbers import next_registration_number

    app = run.application
    number = next_registration_number(app.service, run.now)
    run.set_application(
        number=number, status=app.Status.REGISTERED, registered_at=run.now,
        deadline_at=overall_deadline(run.definition, run.now),
    )
    run.event("registered", node, number=number)
    return {"number": number}


def forward_to_provider(run, node, data) -> dict:
    run.event("forwarded_to_provider", node)
    return {"forwarded": True}


def issue_receipt(run, node, data, kind: str) -> dict:
    from applications.results import issue_document

    # §5: the receipt gives the date the documents were accepted and the planned date of the result;
    # the refusal receipt (appendix 4 of the standard) names the documents missing.
    content = {"accepted_on": timezone.localdate(run.now).isoformat()}
    if kind == "receipt":
        content["planned_result_date"] = timezone.localdate(overall_deadline(run.definition, run.now)).isoformat()
    else:
        content["documents_missing"] = list(data.get("documents_missing") or [])
    document = issue_document(run, kind, **content)
    run.event("receipt_issued", node, kind=kind, number=document.number)
    return {"kind": kind, "number": document.number}


def refuse(run, node, data, reason: str) -> dict:
    from applications.results import issue_document

    app = run.application
    details = data.get("refusal_reasons") or [
        check["reason"] for check in (data.get("certificate"), data.get("signature")) if check and not check.get("valid")
    ] or [r for r in [(data.get("registry") or {}).get("reason")] if r]
    fields = dict(status=app.Status.REFUSED, refusal_step=node.step, refusal_reason=reason,
                  refusal_details=details, finished_at=run.now)
    refusal_deadline = run.definition.metadata.get("refusal_deadline")
    if reason == "incomplete_document_set" and refusal_deadline and app.registered_at:
        # 2015 regulation §6 step 5: the reasoned refusal for an incomplete set has its own, shorter
        # deadline (the definition's `refusal_deadline`), counted from registration like the overall one.
        fields["deadline_at"] = due_at(app.registered_at, parse_norm(refusal_deadline))
    run.set_application(**fields)
    document = issue_document(run, "refusal", reason=reason, step=node.step)
    run.event("refused", node, reason=reason, number=document.number)
    return {"reason": reason}


def issue_result(run, node, data, kind: str) -> dict:
    from applications.results import issue_document

    app = run.application
    document = issue_document(run, kind)
    run.set_application(status=app.Status.COMPLETED, result_kind=kind, finished_at=run.now)
    run.event("result_issued", node, kind=kind, number=document.number)
    return {"kind": kind, "number": document.number}


OPERATIONS = {
    f.__name__: f
    for f in (
        check_authorisation, check_payment, check_certificate, verify_signature, lookup_registry,
        register_request, forward_to_provider, issue_receipt, refuse, issue_result,
    )
}
