"""Every change to a request happens here, one function per action.

Each action is atomic: it locks the request's row, checks that the step it
completes is open and that the actor may complete it, changes what it must,
moves the process (workflow.engine) and writes the history — all or nothing.
A repeated call (double click, retry) finds its step already done and
changes nothing.
"""
from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.authorisation import refuse_unless_may_sign
from applications import uploads
from applications.models import Application, Attachment, ResultDocument, Signature, SurveyAnswer
from applications.queries import is_applicant, may_see
from applications.signing import (
    certificate_check,
    check_chosen_certificate,
    current_revision,
    freeze_revision,
    latest_signature,
    signature_check,
)
from core import prepared
from core.errors import DomainError
from core.identifiers import IdentifierError, parse_bin, parse_iin
from core.norms import parse_norm
from core.prepared import Prepared
from documents import certificates as office_documents
from documents.tasks import enqueue_pending
from integrations import adapters
from integrations.adapters import AdapterUnavailable
from integrations.exchange import about
from integrations.models import Payment
from integrations.signatures import REASON_MESSAGES, signer_certificate
from representation import actions as representation
from services import registry
from services.models import Fee, PaymentTerm, QualificationRequirement, Region, RequiredDocument
from workdays.calendar import due_at
from workflow import definitions, engine
from workflow.models import Event, WorkTask

PROVIDER_LANES = {"provider", "office_clerk", "head", "unit_head", "executor"}


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 422


class OutsideSystemUnavailable(DomainError):
    code = "outside_system_unavailable"
    status = 503
    default_message = _("An outside system is not answering; nothing was changed, please try again in a few minutes.")


class StaleForm(DomainError):
    code = "stale_form"
    status = 409
    default_message = _("The request was changed meanwhile; reload it and apply your changes again.")


# -- permissions ---------------------------------------------------------------
def may_complete(actor, application, task: WorkTask) -> bool:
    lane = task.lane
    if lane == "applicant":
        return actor is not None and actor.pk == application.applicant_user_id
    if lane == "payment_gateway":
        # The gateway's callback (actor None), or the applicant abandoning the payment.
        return actor is None or actor.pk == application.applicant_user_id
    if actor is None or not actor.is_active:
        return False
    if lane == "psc":
        return actor.kind == actor.Kind.PSC_OPERATOR
    if lane in PROVIDER_LANES:
        if actor.kind != actor.Kind.OFFICER or actor.provider_unit_id != application.provider_unit_id:
            return False
        if task.assignee_id is not None:
            return task.assignee_id == actor.pk
        return lane in roles(actor)
    return False


def roles(user) -> set[str]:
    """The user's roles (group names = lane ids), read once per user object."""
    if not hasattr(user, "_elicense_roles"):
        user._elicense_roles = set(user.groups.values_list("name", flat=True))
    return user._elicense_roles


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


# The request's row, locked, with what the actions read of it and whether it has documents yet (if not, an
# action's answer lists only those its run issued, unread). Compiled once per connection (core.prepared).
LOCKED = Prepared(lambda pk: (
    Application.objects.select_for_update(of=("self",))
    .select_related("definition", "process", "provider_unit", "region", "current_revision")
    .annotate(had_documents=Exists(ResultDocument.objects.filter(application=OuterRef("pk"))))
    .defer("definition__text").filter(pk=pk)
))


def _locked(application_id, visible_to=None) -> Application:
    """The request's row, locked (``LOCKED``). With ``visible_to``, only a request that user may see
    (``applications.queries.may_see``): otherwise NotFound, as for a request that does not exist."""
    try:
        app = LOCKED.get(pk=int(application_id))
    except Application.DoesNotExist:
        if visible_to is None:
            raise
        raise NotFound() from None
    if visible_to is not None and not may_see(visible_to, app):
        raise NotFound()
    return app


def _complete(application_id, actor, action_kind: str, data: dict | None = None, before=None) -> Application:
    """Complete the open step ``action_kind`` of the locked request with ``data``.

    ``before(app, task, context)`` runs first, under the lock: it checks and changes what the step needs,
    returns more data for the process, and may put into ``context`` what the run's operations should know
    without asking again (a check it made)."""
    with transaction.atomic():
        app = _locked(application_id)
        tasks = engine.open_tasks(app)
        task = engine.open_task(app, action_kind, tasks)
        if not may_complete(actor, app, task):
            raise engine.NotAllowed()
        context = {}
        extra = before(app, task, context) if before else None
        run = engine.complete_user_task(app, task, actor, {**(data or {}), **(extra or {})}, context=context,
                                        tasks=tasks)
    _after_commit(app, run)
    return app


# The history events of the operations that issue a document (applications.operations).
ISSUING_EVENTS = {"result_issued", "refused", "receipt_issued"}


def _after_commit(app, run) -> None:
    """After the transaction that moved the request: the documents it issued get their PDFs (a task). The
    request keeps the open tasks the run left and — if it had no documents before — the documents the run
    issued (``applications.results.issue_document``), for the answer (``applications.queries.out``)."""
    app.open_tasks_after_run = run.open_tasks
    if getattr(app, "had_documents", True) is False:
        app.documents_after_run = list(getattr(app, "issued_in_run", []))
    if any(event.kind in ISSUING_EVENTS for event in run.events):
        enqueue_pending(app.pk)


# -- creating a request ----------------------------------------------------------
def create_application(actor, *, service: str, sub_kind: str, channel: str, region_code: str = "",
                       client_request_id: str = "", copy_from: int | None = None,
                       power_of_attorney: int | None = None) -> tuple[Application, bool]:
    """Open a request and run its process to the first step that waits. Returns (request, created).

    ``copy_from``: the applicant starts again from one of their requests that was refused or withdrawn — the
    new request is of the same service, sub-kind and region, its form pre-filled with the old one's (the
    documents are attached anew: they are checked again).

    ``power_of_attorney``: the applicant files as a representative, for the person or company that power of
    attorney names (representation.actions.check_acting: theirs, in force today, covering the service); the
    request's applicant fields are the represented one's, and it records who acted under which document."""
    source = None
    if copy_from is not None:
        source = _copy_source(actor, copy_from)
        service, sub_kind = source.service, source.sub_kind
        region_code = source.region.code if source.region_id else region_code
    if client_request_id:
        existing = Application.objects.filter(created_by=actor, client_request_id=client_request_id).first()
        if existing:
            return existing, False
    offered = registry.find(service)
    if offered is None or not offered.has_sub_kind(sub_kind):
        raise InvalidInput(_("Unknown service or sub-kind."), code="unknown_service")
    region = None
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        if region is None:
            raise InvalidInput(_("Unknown region."), code="unknown_region")
    elif offered.regional:
        raise InvalidInput(_("This service needs the region where the radio-frequency resource is used."), code="region_required")
    definition = definitions.definition_for(service, channel, timezone.localdate())
    if definition is None:
        raise InvalidInput(_("This service is not offered through this channel."), code="no_such_channel")
    applicant_fields = {}
    if channel == "portal":
        applicant_fields = dict(
            applicant_user=actor, applicant_iin=actor.iin, applicant_bin=actor.bin,
            applicant_name=actor.organisation_name or actor.full_name(),
        )
        if power_of_attorney is not None:
            applicant_fields.update(representation.acting_fields(actor, power_of_attorney, service, sub_kind))
    elif power_of_attorney is not None:
        raise InvalidInput(_("A representative files on the portal."), code="representation_portal_only")
    try:
        with transaction.atomic():
            app = Application.objects.create(
                service=service, sub_kind=sub_kind, channel=channel, definition=engine.sync_definition(definition),
                created_by=actor, client_request_id=client_request_id, region=region,
                provider_unit=offered.provider_unit(region), **applicant_fields,
            )
            run = engine.start(app, actor)
    except IntegrityError:
        # The same client request arrived twice at once: the other one won.
        return Application.objects.get(created_by=actor, client_request_id=client_request_id), False
    _after_commit(app, run)  # a refusal at authorisation (step 2) has its document
    if source is not None and app.status == Application.Status.DRAFT:
        with transaction.atomic():
            Application.objects.filter(pk=app.pk).update(form_data=source.form_data, form_version=F("form_version") + 1)
            engine.record_event(app, "prefilled_from_request", actor, None, source=source.number or source.pk)
        app.refresh_from_db(fields=["form_data", "form_version"])
    if channel == "portal" and app.status != Application.Status.REFUSED:
        _prefill_from_registry(app, actor)  # an outside call: after the commit, never inside it
    return app, True


def _copy_source(actor, application_id) -> Application:
    source = Application.objects.select_related("region").filter(pk=application_id).first()
    if source is None or not is_applicant(actor, source):
        raise NotFound()
    if source.status not in (Application.Status.REFUSED, Application.Status.WITHDRAWN):
        raise InvalidInput(_("Only a refused or withdrawn request can be the start of a new one."),
                           code="copy_source_not_ended")
    return source


class WithdrawalTooLate(DomainError):
    code = "withdrawal_too_late"
    status = 409
    default_message = _("The request can no longer be withdrawn: it has been decided.")


def withdraw(application_id, actor, *, reason: str = "") -> Application:
    """The applicant withdraws their request before the decision: its open steps are cancelled, the open
    payment (if any) cancelled at the gateway, and the history ends with "withdrawn" (with the reason given).
    A request already decided — the qualification check or review done, a result or refusal issued — cannot
    be withdrawn. A fee already paid stays paid (its refund is a separate matter, not handled here)."""
    reason = reason.strip()[:500] if isinstance(reason, str) else ""
    app = Application.objects.filter(pk=application_id).first()
    if app is None or not is_applicant(actor, app):
        raise NotFound()
    refuse_unless_may_sign(actor)  # withdrawing acts for the company: a plain employee sees, does not withdraw
    _check_withdrawable(app)
    open_payment = app.payments.filter(status=Payment.Status.CREATED).exclude(gateway_id="").first()
    if open_payment is not None:
        try:  # outside the transaction, as when the applicant abandons the payment
            with about(app):
                cancelled = adapters.payments().cancel(open_payment.gateway_id)
        except AdapterUnavailable as exc:
            raise OutsideSystemUnavailable(system=exc.system) from None
        if cancelled.fact != Payment.Status.CANCELLED:
            report_payment(cancelled, "status")  # paid meanwhile: the fact is recorded; the withdrawal goes on
    with transaction.atomic():
        app = _locked(application_id)
        _check_withdrawable(app)
        app.payments.filter(status=Payment.Status.CREATED).update(
            status=Payment.Status.CANCELLED, gateway_status="cancelled", settled_at=timezone.now(),
            reported_by="withdrawn")
        engine.end(app, actor, "withdrawn", reason=reason)
        app.status, app.finished_at = Application.Status.WITHDRAWN, timezone.now()
        app.save(update_fields=["status", "finished_at"])
    app.open_tasks_after_run = []
    return app


def may_withdraw(app) -> bool:
    """Whether the request can still be withdrawn (for the pages: the action checks again)."""
    try:
        _check_withdrawable(app)
    except WithdrawalTooLate:
        return False
    return True


def _check_withdrawable(app) -> None:
    if app.status not in (Application.Status.DRAFT, Application.Status.REGISTERED):
        raise WithdrawalTooLate()
    if WorkTask.objects.filter(application=app, state=WorkTask.State.DONE, action_kind="decide").exists():
        raise WithdrawalTooLate()


def _prefill_from_registry(app, actor):
    """The applicant opens a request: their data as the registry holds it fills the applicant fields.

    Best effort: the portal applicant is already identified by their EDS, so a registry that is down or
    does not know them leaves the fields as the account has them (the history says which)."""
    try:
        with about(app):
            result = adapters.registry_lookup(app.applicant_iin, app.applicant_bin)
    except AdapterUnavailable as exc:
        engine.record_event(app, "registry_prefill", actor, None, status="unavailable", system=exc.system)
        return
    if result.found:
        app.registry_data, app.applicant_name = result.data, result.name or app.applicant_name
        app.save(update_fields=["registry_data", "applicant_name"])
    engine.record_event(app, "registry_prefill", actor, None, status=result.status, reason=result.unusable_reason)


# -- filling -----------------------------------------------------------------------
FILLING_STEPS = ("fill", "enter_application", "psc_intake")  # the steps at which the form is filled in


def save_form(application_id, actor, data: dict, version: int) -> Application:
    """Save the form (a draft may be incomplete: only what is there is checked when finishing).

    ``version`` is the form's version the data was edited from: another version means someone saved meanwhile
    (StaleForm) — unless what was saved meanwhile is exactly this data (the page's own autosave, still in
    flight when the person pressed "finish"): saving what is already saved is no conflict, and changes nothing."""
    with transaction.atomic():
        app = _locked(application_id)
        task = _filling_task(app)
        if not may_complete(actor, app, task):
            raise engine.NotAllowed()
        if version != app.form_version:
            if isinstance(data, dict) and 0 <= version < app.form_version and data == app.form_data:
                return app
            raise StaleForm()
        if not isinstance(data, dict):
            raise InvalidInput(_("The form must be an object."))
        app.form_data = data
        app.form_version += 1
        app.save(update_fields=["form_data", "form_version"])
    return app


def _filling_task(app) -> WorkTask:
    task = WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN, action_kind__in=FILLING_STEPS).first()
    if task is None:
        raise engine.StepNotOpen()
    return task


def validate_form(app) -> dict:
    form = registry.get(app.service).form(app.sub_kind, app.form_data)
    if not form.is_valid():
        raise InvalidInput(_("The form has errors."), code="form_invalid", fields=form.errors.get_json_data())
    cleaned = form.cleaned_json()
    _refuse_unless_service_allows(app, cleaned)
    return cleaned


def _refuse_unless_service_allows(app, form: dict) -> None:
    """The service's own rules on the form (services/<s>/checks.py, ``registry.check_request``)."""
    reasons = registry.check_request(app, form)
    if reasons:
        raise InvalidInput(" ".join(reasons), code="service_check_failed", reasons=reasons)


def add_attachment(application_id, actor, *, document_code: str, uploaded, is_scan: bool = False) -> Attachment:
    """Attach a document: `uploads.inspect` opens it with a real parser (and the malware scanner, when configured)
    before anything is stored; what is stored is what it returns (an image re-encoded without metadata)."""
    inspected = uploads.inspect(uploaded)
    content = inspected.content
    with transaction.atomic():
        app = _locked(application_id)
        task = _filling_task(app) if not is_scan else _scanning_task(app)
        if not may_complete(actor, app, task):
            raise engine.NotAllowed()
        if not RequiredDocument.objects.filter(service=app.service, code=document_code).exists():
            raise InvalidInput(_("This document is not on the service's list."), code="unknown_document")
        digest = hashlib.sha256(content).hexdigest()
        attachment = Attachment(
            application=app, document_code=document_code, original_name=inspected.name,
            content_type=inspected.content_type, size=len(content), sha256=digest, is_scan=is_scan, uploaded_by=actor,
        )
        attachment.file.save(digest, ContentFile(content), save=False)
        attachment.save()
    return attachment


def _scanning_task(app) -> WorkTask:
    """The step at which paper documents are scanned: the staff channel's P6, or the office clerk's registration
    of an application received from the PSC (2015, step 1: "make its electronic copy")."""
    task = WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN,
                                   action_kind__in=("attach_scans", "register_incoming")).first()
    if task is None:
        raise engine.StepNotOpen()
    return task


def _missing_documents(app, presented: set[str]) -> list[str]:
    required = RequiredDocument.objects.filter(service=app.service, mandatory=True).filter(
        sub_kind__in=["", app.sub_kind]
    ).values_list("code", flat=True)
    return sorted(set(required) - presented)


def finish_filling(application_id, actor) -> Application:
    """Step 3 (portal): the applicant finishes the form; it is frozen as the revision to sign."""
    def before(app, task, context):
        cleaned = validate_form(app)
        missing = _missing_documents(app, set(app.attachments.values_list("document_code", flat=True)))
        if missing:
            raise InvalidInput(_("Required documents are missing."), code="documents_missing", documents=missing)
        app.form_data = cleaned
        app.save(update_fields=["form_data"])
        freeze_revision(app)
        return {"form_complete": True}
    return _complete(application_id, actor, "fill", before=before)


# -- payment -------------------------------------------------------------------------
def current_fee(app) -> Fee:
    today = timezone.localdate()
    fee = (
        Fee.objects.filter(service=app.service, sub_kind=app.sub_kind, valid_from__lte=today)
        .exclude(valid_to__lt=today).order_by("-valid_from").first()
    )
    if fee is None:
        raise DomainError(_("No fee is configured for this service."), code="fee_missing", status=503)
    return fee


def start_payment(application_id, actor) -> Payment:
    """Create the payment at the gateway and send the applicant to its page (`next_url`).

    A repeated call returns the same open payment. The gateway is called outside any transaction that
    holds the request (checked first, recorded after, each under the lock), with an Idempotency-Key —
    the payment's reference, the same for the request's n-th payment — so a retried or concurrent create
    never makes a second payment and the second caller records nothing twice. The gateway down: 503, the
    step stays open and nothing is lost (the exchange log keeps the failed attempts)."""
    with transaction.atomic():
        app = _locked(application_id)
        engine.open_task(app, "pay")
        if actor.pk != app.applicant_user_id:
            raise engine.NotAllowed()
        payment = app.payments.filter(status=Payment.Status.CREATED).order_by("-id").first()
        if payment is not None:
            return payment
        amount = current_fee(app).amount_kzt
        reference = f"EL{app.pk}-{app.created_at:%y%m%d%H%M%S%f}-{app.payments.count() + 1}"
    try:
        with about(app):
            gateway_payment = adapters.payments().create(
                app, amount, reference=reference, idempotency_key=reference,
                description=_payment_purpose(app),
                return_url=f"{settings.ELICENSE_PUBLIC_URL}/portal/requests/{app.pk}/payment?returned=1",
            )
    except AdapterUnavailable as exc:
        raise OutsideSystemUnavailable(system=exc.system) from None
    with transaction.atomic():
        app = _locked(application_id)
        task = engine.open_task(app, "pay")  # the step may have ended meanwhile (a decline): then 409
        payment = app.payments.filter(reference=reference).first()
        if payment is None:
            payment = Payment.objects.create(
                application=app, amount_kzt=amount, reference=reference, gateway_id=gateway_payment.payment_id,
                gateway_status=gateway_payment.status, next_url=gateway_payment.next_url,
            )
            engine.record_event(app, "payment_started", actor, task,
                                reference=payment.reference, amount_kzt=payment.amount_kzt)
    return payment


def report_payment(gateway_payment, source: str) -> tuple[Application | None, bool]:
    """The gateway's payment fact arrives (a verified callback, or reconciliation by status polling).

    A finished payment settles the open payment row and completes the `pay` step; a payment still open
    at the gateway, or one already settled (a repeated or late report), changes nothing.
    Returns (request, whether anything changed)."""
    payment = Payment.objects.filter(gateway_id=gateway_payment.payment_id).first()
    if payment is None:
        return None, False
    # C2 confirms the fact with the gateway's own answer on the payment's state: a status answer is one; a
    # callback is confirmed by asking, here, before the lock (the gateway down: the step will wait on it).
    confirmation = gateway_payment
    if source == "callback" and gateway_payment.fact != Payment.Status.CREATED:
        try:
            with about(payment.application):
                confirmation = adapters.payments().status(payment.gateway_id)
        except AdapterUnavailable as exc:
            confirmation = exc
    with transaction.atomic():
        app = _locked(payment.application_id)
        payment = Payment.objects.get(pk=payment.pk)
        if (gateway_payment.amount, gateway_payment.reference) != (payment.amount_kzt, payment.reference):
            raise InvalidInput(_("The payment fact does not match the payment."), code="payment_mismatch")
        fact = gateway_payment.fact
        if fact == Payment.Status.CREATED or payment.status != Payment.Status.CREATED:
            return app, False
        payment.status, payment.gateway_status, payment.reported_by = fact, gateway_payment.status, source
        payment.settled_at = timezone.now()
        payment.save(update_fields=["status", "gateway_status", "reported_by", "settled_at"])
        task = WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN, action_kind="pay").first()
        engine.record_event(app, "payment_reported", None, task, source=source, status=fact,
                            reference=payment.reference)
        if task is not None:
            _after_commit(app, engine.complete_user_task(app, task, None, {"payment_reported": fact},
                                                         {"gateway_payment": (payment.pk, confirmation)}))
    return app, True


def reconcile_payments(now=None) -> int:
    """Poll the gateway for payments still open after ELICENSE_PAYMENT_RECONCILE_AFTER seconds (a callback
    that never came); report those that finished. Returns how many were reported."""
    import datetime

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(seconds=settings.ELICENSE_PAYMENT_RECONCILE_AFTER)
    reported = 0
    for payment in (Payment.objects.filter(status=Payment.Status.CREATED, created_at__lte=cutoff)
                    .exclude(gateway_id="").select_related("application").order_by("created_at")[:500]):
        try:
            with about(payment.application):
                gateway_payment = adapters.payments().status(payment.gateway_id)
        except AdapterUnavailable:
            continue  # logged; polled again next pass
        Payment.objects.filter(pk=payment.pk).update(last_polled_at=now, gateway_status=gateway_payment.status)
        reported += report_payment(gateway_payment, "reconcile")[1]
    return reported


def _payment_purpose(app) -> str:
    """What the payer reads as the payment's purpose at the gateway: the service and its kind, by their labels
    in the payer's language (the request's number once it has one), never a code."""
    offered = registry.get(app.service)
    purpose = f"{offered.title} — {offered.sub_kind_label(app.sub_kind)}"
    return (f"{purpose} ({app.number})" if app.number else purpose)[:255]


def refresh_payment(application_id, actor) -> tuple[Application, bool]:
    """The applicant is back from the gateway's page: ask the gateway about the open payment now (what
    reconciliation does later) and report a finished one exactly as its callback would. A payment still
    open changes nothing; a late callback then finds it settled. Returns (request, whether it changed)."""
    app = Application.objects.get(pk=application_id)
    if actor is None or actor.pk != app.applicant_user_id:
        raise engine.NotAllowed()
    payment = app.payments.filter(status=Payment.Status.CREATED).exclude(gateway_id="").order_by("-id").first()
    if payment is None:
        return app, False
    try:
        with about(app):
            gateway_payment = adapters.payments().status(payment.gateway_id)
    except AdapterUnavailable as exc:
        raise OutsideSystemUnavailable(system=exc.system) from None
    Payment.objects.filter(pk=payment.pk).update(last_polled_at=timezone.now(), gateway_status=gateway_payment.status)
    changed_app, changed = report_payment(gateway_payment, "return")
    return (changed_app or app), changed


def abandon_payment(application_id, actor) -> Application:
    """The applicant gives up paying: the open payment is cancelled at the gateway, then step 4/9 ends unpaid."""
    return _end_unpaid(application_id, actor, "abandoned", reported_by="applicant")


def payment_term_end(task) -> datetime.datetime:
    """When the term for paying ends: ``PaymentTerm`` calendar days from the moment payment was asked (the pay
    step's opening), at the provider's closing time, moved off a day off like any calendar-day term."""
    days, _notice = PaymentTerm.of(task.application.service)
    return due_at(task.created_at, parse_norm(f"{days} calendar days"))


def end_unpaid(now=None, limit: int = 500) -> dict:
    """Periodic (applications.tasks.end_unpaid_requests): each request waiting for its fee is reminded once,
    ``notice_days`` before its term ends (a "payment_reminder" in its history, which the applicant's inbox
    shows), and refused for non-payment by the system once the term has passed (S1 step 5, S3 step 10)."""
    now = now or timezone.now()
    reminded = refused = 0
    tasks = (WorkTask.objects.filter(state=WorkTask.State.OPEN, action_kind="pay")
             .select_related("application").order_by("created_at")[:limit])
    for task in tasks:
        end = payment_term_end(task)
        _days, notice = PaymentTerm.of(task.application.service)
        if now > end:
            try:
                ended = _end_unpaid(task.application_id, None, "term_expired", reported_by="term")
            except (engine.StepNotOpen, OutsideSystemUnavailable):
                continue  # paid or ended meanwhile; or the gateway is down: the next pass tries again
            refused += ended.status == Application.Status.REFUSED  # not if the payer paid meanwhile
        elif now >= end - datetime.timedelta(days=notice) and not Event.objects.filter(
                application_id=task.application_id, kind="payment_reminder", data__task_id=task.pk).exists():
            engine.record_event(task.application, "payment_reminder", None, task, task_id=task.pk,
                                pay_by=end.isoformat())
            reminded += 1
    return {"reminded": reminded, "refused": refused}


def _end_unpaid(application_id, actor, outcome: str, *, reported_by: str) -> Application:
    """The pay step ends unpaid (the applicant gave up, or the term passed): the open payment is cancelled at
    the gateway first — outside any transaction; a payer who finished meanwhile has paid, and that fact ends
    the step instead."""
    app = Application.objects.get(pk=application_id)
    open_payment = app.payments.filter(status=Payment.Status.CREATED).exclude(gateway_id="").first()
    cancelled = None
    if open_payment is not None and (actor is None or actor.pk == app.applicant_user_id):
        try:  # outside the transaction: the cancel is idempotent and its exchange log stays
            with about(app):
                cancelled = adapters.payments().cancel(open_payment.gateway_id)
        except AdapterUnavailable as exc:
            raise OutsideSystemUnavailable(system=exc.system) from None
        if cancelled.fact != Payment.Status.CANCELLED:
            # The payer finished at the gateway meanwhile: that fact, not the abandonment, ends the step.
            report_payment(cancelled, "status")
            return Application.objects.get(pk=application_id)

    def before(app, task, context):
        app.payments.filter(status=Payment.Status.CREATED).update(
            status=Payment.Status.CANCELLED, gateway_status="cancelled", settled_at=timezone.now(),
            reported_by=reported_by)
        if cancelled is not None:
            context["gateway_payment"] = (open_payment.pk, cancelled)  # the gateway's answer to the cancel
        return {"payment_reported": outcome}
    return _complete(application_id, actor, "pay", before=before)


def process_waiting(now=None, limit: int = 100, reconcile: bool = True) -> dict:
    """One pass of the worker: resume the requests whose waiting step is due for another attempt (each under
    its row lock; SKIP LOCKED on PostgreSQL, so several workers share them and an action holding a request
    is not waited for), then reconcile payments whose callback never came."""
    now = now or timezone.now()
    due = engine.due_for_retry(now, limit)
    resumed = still_waiting = 0
    for application_id in due:
        with transaction.atomic():
            qs = Application.objects.select_related("definition", "process").defer("definition__text").filter(
                pk=application_id, process__waiting_for__gt="", process__next_attempt_at__lte=now)
            if connection.features.has_select_for_update_skip_locked:
                qs = qs.select_for_update(of=("self",), skip_locked=True)
            app = qs.first()
            if app is None:  # another worker has it, or it moved on meanwhile
                continue
            run = engine.resume(app)
        _after_commit(app, run)
        if run.waiting is None:
            resumed += 1
        else:
            still_waiting += 1
    result = {"due": len(due), "resumed": resumed, "still_waiting": still_waiting}
    if reconcile:
        result["payments_reconciled"] = reconcile_payments(now)
    return result


# -- signing --------------------------------------------------------------------------
class RevocationUnavailable(DomainError):
    """No current CRL: the certificate's status is unknown. Not a refusal — the step stays open."""
    code = "revocation_unavailable"
    status = 503
    default_message = REASON_MESSAGES["revocation_unavailable"]


def _check_revocation_known(result):
    if result.reason == "revocation_unavailable":
        raise RevocationUnavailable(**result.details)


def _attempt_failed(application_id, actor, action_kind: str, error: RevocationUnavailable):
    """Record the failed attempt after its transaction rolled back (nothing else of it remains)."""
    with transaction.atomic():
        app = _locked(application_id)
        task = WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN, action_kind=action_kind).first()
        engine.record_event(app, "signing_attempt_failed", actor, task, reason=error.code, **error.details)


def _strict_pem(certificate_pem) -> str:
    """Exactly one PEM certificate and nothing around it (blank lines excepted), normalised; else refused."""
    import re

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    text = certificate_pem.strip() if isinstance(certificate_pem, str) else ""
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----\s*[A-Za-z0-9+/=\s]+?\s*-----END CERTIFICATE-----", text)
    if len(blocks) != 1 or blocks[0] != text:
        raise InvalidInput(_("Send exactly one certificate in PEM form, with nothing before or after it."),
                           code="certificate_malformed")
    try:
        certificate = x509.load_pem_x509_certificate(text.encode())
    except ValueError:
        raise InvalidInput(_("Send exactly one certificate in PEM form, with nothing before or after it."),
                           code="certificate_malformed") from None
    return certificate.public_bytes(Encoding.PEM).decode()


def choose_certificate(application_id, actor, certificate_pem: str) -> Application:
    certificate_pem = _strict_pem(certificate_pem)

    def before(app, task, context):
        representation.check_request_acting(app, actor)  # a representative: the power of attorney still holds
        refuse_unless_may_sign(actor)  # a company's plain employee (their certificate's role) does not sign
        revision = current_revision(app)
        signature = Signature.objects.create(application=app, revision=revision, certificate_pem=certificate_pem)
        # Checked before the step completes: an unknown revocation status must not refuse the request.
        result = check_chosen_certificate(app, at=timezone.now(), signature=signature)
        _check_revocation_known(result)
        context["certificate_check"] = result  # the step's operation (C3) uses this check
        return {"certificate_chosen": True}
    try:
        return _complete(application_id, actor, "choose_certificate", before=before)
    except RevocationUnavailable as error:
        _attempt_failed(application_id, actor, "choose_certificate", error)
        raise


def sign(application_id, actor, cms_der: bytes, certificate_pem: str = "") -> Application:
    """Step 8: sign the revision with the certificate chosen at step 6 — or, while step 6 is still open,
    steps 6 and 8 in one call: the certificate the CMS carries (an NCALayer CMS carries its signer's
    certificate; ``certificate_pem``, if given, must be that one) is chosen and checked, then the CMS is
    verified — the same checks, refusals and history as the two calls, in one transaction and one run of
    the process."""
    kind = "sign"
    try:
        with transaction.atomic():
            app = _locked(application_id, visible_to=actor)
            tasks = engine.open_tasks(app)
            if not any(t.action_kind == "sign" for t in tasks):
                kind = "choose_certificate"
            task = engine.open_task(app, kind, tasks)
            if not may_complete(actor, app, task):
                raise engine.NotAllowed()
            representation.check_request_acting(app, actor)  # a representative: the power of attorney still holds
            refuse_unless_may_sign(actor)  # a company's plain employee (their certificate's role) does not sign
            now = timezone.now()
            if kind == "sign":
                signature = latest_signature(app)
                signature.cms = cms_der
                verified = signature_check(app, signature, at=now)
                _check_revocation_known(verified)
                prepared.save(signature, ["cms", "signature_check", "signed_at"])
                run = engine.complete_user_task(app, task, actor, {"signed": True},
                                                {"signature_check": verified}, tasks=tasks)
            else:
                signature = Signature(application=app, revision=current_revision(app), cms=cms_der,
                                      certificate_pem=_certificate_of(cms_der, certificate_pem))
                checked = certificate_check(app, signature, at=now)
                _check_revocation_known(checked)  # an unknown revocation status refuses nothing: try later
                context = {"certificate_check": checked}
                if checked.valid:
                    verified = signature_check(app, signature, at=now)
                    _check_revocation_known(verified)
                    context["signature_check"] = verified
                prepared.create(signature)
                run = engine.complete_user_task(app, task, actor, {"certificate_chosen": True}, context,
                                                tasks=tasks, then=("sign", {"signed": True}) if checked.valid else None)
    except RevocationUnavailable as error:
        _attempt_failed(application_id, actor, kind, error)
        raise
    _after_commit(app, run)
    return app


def _certificate_of(cms_der: bytes, certificate_pem: str) -> str:
    """The PEM of the certificate the CMS carries; refused if it carries none or another than the given one."""
    from cryptography.hazmat.primitives.serialization import Encoding

    certificate = signer_certificate(cms_der)
    if certificate is None:
        raise InvalidInput(_("The signature carries no certificate: choose the certificate first."),
                           code="certificate_missing")
    pem = certificate.public_bytes(Encoding.PEM).decode()
    if certificate_pem.strip() and _strict_pem(certificate_pem) != pem:
        raise InvalidInput(_("The certificate is not the one the signature was made with."),
                           code="certificate_mismatch")
    return pem


# -- the provider's staff --------------------------------------------------------------
def _identify(iin: str, bin_: str) -> tuple[str, str]:
    """The applicant's IIN and BIN as they are stored and sent on: checked and normalised (the parsed
    digits, without the spaces a form or a client may have added), or refused."""
    iin = iin.strip() if isinstance(iin, str) else iin
    bin_ = bin_.strip() if isinstance(bin_, str) else bin_
    try:
        iin = parse_iin(iin).value if iin else ""
        bin_ = parse_bin(bin_).value if bin_ else ""
    except IdentifierError as err:
        raise InvalidInput(err.message, code=f"identifier_{err.code}") from None
    if not iin and not bin_:
        raise InvalidInput(_("The applicant's IIN or BIN is required."), code="identifier_required")
    return iin, bin_


def enter_application(application_id, actor, *, iin: str = "", bin: str = "") -> Application:
    """P3 (staff): the officer enters the applicant's identity and the form (saved with save_form).

    The registry look-up of the next step (P4) is asked here, before the request is locked; its answer (or
    the registry being down, on which the step then waits) reaches the step's operation in the run's context."""
    app = Application.objects.get(pk=application_id)
    if not may_complete(actor, app, engine.open_task(app, "enter_application")):  # checked again under the lock
        raise engine.NotAllowed()  # before the identifiers are read or the registry is asked anything
    iin, bin_ = _identify(iin, bin)
    try:
        with about(app):
            looked_up = adapters.registry_lookup(iin, bin_)
    except AdapterUnavailable as exc:
        looked_up = exc

    def before(app, task, context):
        cleaned = validate_form(app)
        app.applicant_iin, app.applicant_bin, app.form_data = iin, bin_, cleaned
        app.save(update_fields=["applicant_iin", "applicant_bin", "form_data"])
        context["registry_lookup"] = ((iin, bin_), looked_up)
        return {"applicant_entered": True}
    return _complete(application_id, actor, "enter_application", before=before)


def attach_scans(application_id, actor, *, documents_presented: list[str]) -> Application:
    """P6 (staff): the officer marks the paper documents presented; their scans must be attached."""
    def before(app, task, context):
        scanned = set(app.attachments.filter(is_scan=True).values_list("document_code", flat=True))
        presented = set(documents_presented)
        if presented - scanned:
            raise InvalidInput(_("Every presented document needs its scan."), code="scans_missing",
                               documents=sorted(presented - scanned))
        missing = _missing_documents(app, presented)
        if missing:
            raise InvalidInput(_("Required documents are missing."), code="documents_missing", documents=missing)
        from applications.paper_fee import require_confirmed

        require_confirmed(app)  # a paid service's fee, confirmed with the gateway (S1, S3 from paper)
        freeze_revision(app)
        return {"scans_attached": True, "documents_presented": sorted(presented)}
    return _complete(application_id, actor, "attach_scans", before=before)


def decide(application_id, actor, *, decision: str, checklist: dict[str, str] | None = None,
           documents_missing: list[str] | None = None, comment: str = "",
           order_draft: dict | None = None) -> Application:
    """The qualification check (C4/C3) or the 2015 executor's review: approve, or refuse with reasons.

    The officer answers every requirement of the service's checklist (``services.QualificationRequirement``)
    "met" or "not_met" and may mark required documents missing: an approval needs every item met and none
    missing; a refusal's reasons are the items not met, the documents missing and the comment. The answers
    are stored with the step in the history, as the decision's evidence. The decision is signed, so the
    officer must have chosen their certificate in this log-in (``documents.actions``)."""
    if decision not in ("approve", "refuse"):
        raise InvalidInput(_("The decision must be approve or refuse."), code="decision_invalid")
    answers = dict(checklist or {})
    missing = sorted(set(documents_missing or []))
    comment = comment.strip() if isinstance(comment, str) else ""

    from applications import office_chain

    def before(app, task, context):
        office_documents.require_chosen_certificate(actor)  # after the step and the actor's right are checked
        requirements = list(QualificationRequirement.objects.filter(service=app.service).order_by("code")
                            .values_list("code", flat=True))
        unknown = sorted(set(answers) - set(requirements))
        if unknown:
            raise InvalidInput(_("The checklist names items the service does not have."), code="checklist_unknown",
                               items=unknown)
        invalid = sorted(code for code, answer in answers.items() if answer not in ("met", "not_met"))
        if invalid:
            raise InvalidInput(_("Each item of the checklist is answered met or not met."), code="checklist_answer_invalid",
                               items=invalid)
        unanswered = [code for code in requirements if code not in answers]
        if unanswered:
            raise InvalidInput(_("Work through every item of the checklist before deciding."),
                               code="checklist_incomplete", items=unanswered)
        known_documents = set(RequiredDocument.objects.filter(service=app.service).values_list("code", flat=True))
        if set(missing) - known_documents:
            raise InvalidInput(_("Only the service's required documents can be marked missing."),
                               code="documents_unknown", documents=sorted(set(missing) - known_documents))
        failed = [code for code in requirements if answers[code] == "not_met"]
        if decision == "approve" and (failed or missing):
            raise InvalidInput(_("Items are marked as not met: refuse with these reasons, or correct the checklist."),
                               code="checklist_failed", items=failed, documents=missing)
        if decision == "approve" and not office_chain.drafts_order(app, task):  # a draft is checked below
            _refuse_unless_service_allows(app, dict(app.form_data or {}))  # e.g. a covering permit ended meanwhile
        if decision == "refuse" and not (failed or missing or comment):
            raise InvalidInput(_("A refusal must give its reasons: mark the items not met or write the reason."),
                               code="reasons_required")
        reasons = failed + [f"missing:{code}" for code in missing] + ([comment] if comment else [])
        drafted = {}
        if decision == "approve" and office_chain.drafts_order(app, task):
            # 2015 step 5: the order's content as the executor drafts it (the request's form when not given),
            # validated as the request's form is; the head sees it before signing (sign_result).
            draft = dict(app.form_data or {}) if order_draft is None else dict(order_draft)
            form = registry.get(app.service).form(app.sub_kind, draft)
            if not form.is_valid():
                raise InvalidInput(_("The draft order has errors."), code="order_draft_invalid",
                                   fields=form.errors.get_json_data())
            drafted = {"order_draft": form.cleaned_json()}
            _refuse_unless_service_allows(app, drafted["order_draft"])  # e.g. a block the numbering plan has not
        return {"decision": decision, "refusal_reasons": reasons if decision == "refuse" else [],
                "checklist": {code: answers[code] for code in requirements}, "documents_missing": missing,
                "comment": comment, **drafted}
    return _complete(application_id, actor, "decide", before=before)


# -- the public service centre (S2, 2015) -------------------------------------------------
PSC_REGISTRY_REFUSALS = {
    "not_found": _("The state database does not know this IIN or BIN: check the identity document."),
    "deceased": _("The state database «Individuals» records this person as deceased: the request cannot be accepted."),
    "liquidated": _("The state database «Legal entities» records this organisation as liquidated: the request cannot "
                    "be accepted."),
}


def psc_intake(application_id, actor, *, iin: str = "", bin: str = "", documents_presented: list[str]) -> Application:
    """PSC1–PSC3 (S2, 2015): the operator enters the applicant's identity, the form and the documents presented.

    The applicant is identified in the state database (the registry adapter, asked before the request is
    locked) as the staff channel does at P4: the receipt, the order and the register then carry the name it
    holds. Not found, deceased or liquidated: refused at the desk, nothing changed; the database unreachable:
    503, nothing changed — the operator tries again."""
    iin, bin_ = _identify(iin, bin)
    app = Application.objects.get(pk=application_id)
    if not may_complete(actor, app, engine.open_task(app, "psc_intake")):  # checked again under the lock
        raise engine.NotAllowed()  # before the identifiers are read or the registry is asked anything
    try:
        with about(app):
            looked_up = adapters.registry_lookup(iin, bin_)
    except AdapterUnavailable as exc:
        raise OutsideSystemUnavailable(system=exc.system) from None
    if looked_up.unusable_reason:
        raise InvalidInput(PSC_REGISTRY_REFUSALS[looked_up.unusable_reason], code="applicant_not_identified",
                           reason=looked_up.unusable_reason)

    def before(app, task, context):
        validate_form(app)
        app.applicant_iin, app.applicant_bin = iin, bin_
        app.registry_data, app.applicant_name = looked_up.data, looked_up.name or app.applicant_name
        app.save(update_fields=["applicant_iin", "applicant_bin", "registry_data", "applicant_name"])
        engine.record_event(app, "registry_looked_up", actor, task, status=looked_up.status, reason="",
                            register="legal_entities" if bin_ else "individuals")
        missing = _missing_documents(app, set(documents_presented))
        return {"document_set": "incomplete" if missing else "complete", "documents_missing": missing,
                "refusal_reasons": [f"missing:{code}" for code in missing]}
    return _complete(application_id, actor, "psc_intake", before=before)


# -- inside the provider (2015) ---------------------------------------------------------
def register_incoming(application_id, actor) -> Application:
    """2015 step 1: the office registers the incoming application in the document-management system (ЕСЭДО).

    The registration is made first, outside the transaction (idempotent: one key per request, so a retry
    gets the same number); the system down: 503, the step stays open."""
    app = Application.objects.get(pk=application_id)
    task = engine.open_task(app, "register_incoming")
    if not may_complete(actor, app, task):
        raise engine.NotAllowed()
    _require_application_scan(app)
    try:
        with about(app):
            registration = adapters.documents().register_incoming(
                external_id=f"elicense-{app.pk}", correspondent=app.applicant_name or app.applicant_bin or app.applicant_iin,
                subject=f"{app.service} {app.sub_kind}",
                idempotency_key=f"incoming-{app.pk}-{app.created_at:%y%m%d%H%M%S%f}",
            )
    except AdapterUnavailable as exc:
        raise OutsideSystemUnavailable(system=exc.system) from None
    return _complete(application_id, actor, "register_incoming", {
        "incoming_number": registration.number, "incoming_registered_at": registration.registered_at.isoformat()},
        before=lambda app, task, context: _require_application_scan(app))


def _require_application_scan(app) -> None:
    """2015 step 1: the clerk makes the electronic copy of the paper application received from the PSC (a scan
    attached at this step, ``add_attachment(..., is_scan=True)``) before registering it: the executor works from it."""
    if not app.attachments.filter(is_scan=True, document_code="application").exists():
        raise InvalidInput(_("Attach the scan of the paper application before registering it."),
                           code="application_scan_missing")


def put_on_portal(application_id, actor) -> Application:
    return _complete(application_id, actor, "put_on_portal")


def assign_unit(application_id, actor, *, unit_id: int | None = None) -> Application:
    """2015 step 3: the head assigns the application to a structural unit (applications.office_chain.units).
    Without ``unit_id`` (an API client of before) the unit is the only one there is, else the choice is asked."""
    from applications import office_chain

    def before(app, task, context):
        candidates = list(office_chain.units(app))
        if unit_id is None and len(candidates) == 1:
            return {"unit_id": candidates[0].pk}
        unit = next((u for u in candidates if u.pk == unit_id), None)
        if unit is None:
            raise InvalidInput(_("Choose the structural unit: one of the provider's units with a head of unit."),
                               code="unit_invalid")
        return {"unit_id": unit.pk}
    return _complete(application_id, actor, "assign_unit", before=before)


def assign_executor(application_id, actor, *, executor_id: int) -> Application:
    """2015 step 4: the unit head picks the responsible executor among the chosen unit's executors."""
    from applications import office_chain

    def before(app, task, context):
        executor = office_chain.executors(app).filter(pk=executor_id).first()
        if executor is None:
            raise InvalidInput(_("The executor must be an executor of the provider unit."), code="executor_invalid")
        return {"executor_id": executor.pk}
    return _complete(application_id, actor, "assign_executor", before=before)


class DraftChanged(DomainError):
    code = "order_draft_changed"
    status = 409
    default_message = _("The draft order is not the one you were shown: reload the request and read the draft again.")


def sign_result(application_id, actor, *, draft_sha256: str = "") -> Application:
    """2015 step 6: the head signs the result the executor drafted, with the certificate chosen in this log-in.
    The back office's form sends the digest of the draft the head was shown (``office_chain.digest``): another
    draft is refused. A drafted order is issued from the draft: it becomes the request's revision decided on."""
    from applications import office_chain

    def before(app, task, context):
        office_documents.require_chosen_certificate(actor)  # after the step and the actor's right are checked
        draft = office_chain.order_draft(app)
        if draft_sha256 and draft_sha256 != office_chain.digest(draft):
            raise DraftChanged()
        if draft is not None and draft != app.form_data:
            app.form_data = draft
            app.save(update_fields=["form_data"])
            freeze_revision(app)
    return _complete(application_id, actor, "sign_result", before=before)


# -- after the result ------------------------------------------------------------------------
def answer_survey(application_id, actor, *, process_quality: int, information_quality: int) -> SurveyAnswer:
    with transaction.atomic():
        app = _locked(application_id)
        if not is_applicant(actor, app):
            raise engine.NotAllowed()
        if app.status not in (Application.Status.COMPLETED, Application.Status.REFUSED):
            raise DomainError(_("The survey opens once the result is issued."), code="survey_not_open", status=409)
        if {process_quality, information_quality} - {1, 2, 3}:
            raise InvalidInput(_("Each answer is 1, 2 or 3."), code="survey_invalid")
        if SurveyAnswer.objects.filter(application=app).exists():
            raise DomainError(_("The survey has been answered already."), code="survey_answered", status=409)
        return SurveyAnswer.objects.create(application=app, process_quality=process_quality, information_quality=information_quality)
