"""What a user may see of the requests (visible) and a request as the API returns it (out, with the outside
system it waits for)."""
from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.models import Application
from workflow.models import WorkTask


def visible(user):
    """The requests ``user`` may see. The provider sees a portal request only once the applicant has submitted
    it (an unsubmitted draft is the applicant's own); paper and PSC applications as they are entered."""
    qs = Application.objects.all()
    if user.is_superuser or user.kind == user.Kind.ADMINISTRATOR:
        return qs
    if user.kind == user.Kind.APPLICANT:
        return qs.filter(applicant_filter(user))
    if user.kind == user.Kind.PSC_OPERATOR:
        return qs.filter(Q(channel="psc") | Q(created_by=user))
    if user.provider_unit_id is None:
        return qs.filter(created_by=user)
    submitted = ~Q(status=Application.Status.DRAFT) | ~Q(channel=Application.Channel.PORTAL)
    return qs.filter((Q(provider_unit_id=user.provider_unit_id) & submitted) | Q(created_by=user))


def may_see(user, app: Application) -> bool:
    """Whether ``user`` may see ``app``, a request already read: ``visible`` for one row. An administrator's
    and an applicant's answer is decided from the row (``is_applicant`` is ``applicant_filter`` for one
    request); anyone else's is asked of ``visible``."""
    if user.is_superuser or user.kind == user.Kind.ADMINISTRATOR:
        return True
    if user.kind == user.Kind.APPLICANT:
        return is_applicant(user, app)
    return visible(user).filter(pk=app.pk).exists()


def applicant_filter(user) -> Q:
    """The requests that are ``user``'s as an applicant, whatever the channel (one history for a person): those
    they filed on the portal, and those filed for them by the provider's staff or at the PSC once received — a
    person's own account (no BIN) sees the person's own requests by the IIN; an account of a company's person
    (the BIN of their certificate: its head, an employee with signing right or a plain employee) the company's
    by the BIN, those its other people filed on the portal included (docs/registration.md)."""
    mine = Q(applicant_user=user)
    received_elsewhere = Q(applicant_user__isnull=True, received_at__isnull=False)
    received_elsewhere |= Q(power_of_attorney__isnull=False)  # filed for them by a representative (representation/)
    if getattr(user, "bin", ""):  # a company's person (head, signer, employee: their certificate) sees its requests
        by_colleague = Q(applicant_user__bin=user.bin)  # filed on the portal by another of the company's people
        mine |= (received_elsewhere | by_colleague) & Q(applicant_bin=user.bin)
    elif user.iin:  # a person's own account, the person's own requests
        mine |= received_elsewhere & Q(applicant_iin=user.iin, applicant_bin="")
    return mine


def is_applicant(user, app: Application) -> bool:
    """Whether ``app`` is ``user``'s request as an applicant (applicant_filter, for one request)."""
    if user is None or not user.is_authenticated:
        return False
    if app.power_of_attorney_id is not None and app.applicant_user_id != user.pk:  # the one a representative acted for
        return user.kind == user.Kind.APPLICANT and (app.applicant_bin == user.bin if getattr(user, "bin", "") else
                                                     bool(user.iin) and not app.applicant_bin and app.applicant_iin == user.iin)
    if app.applicant_user_id is not None:
        return app.applicant_user_id == user.pk or _by_colleague(user, app)
    if app.received_at is None or user.kind != user.Kind.APPLICANT:
        return False
    if getattr(user, "bin", ""):
        return app.applicant_bin == user.bin
    return bool(user.iin) and not app.applicant_bin and app.applicant_iin == user.iin


def _by_colleague(user, app: Application) -> bool:
    """A portal request of the user's company (its BIN) filed by another of the company's registered people."""
    bin_ = getattr(user, "bin", "")
    return bool(bin_) and user.kind == user.Kind.APPLICANT and app.applicant_bin == bin_ \
        and app.applicant_user.bin == bin_


SYSTEM_NAMES = {
    "registry": _("the Individuals / Legal entities registry"),
    "payments": _("the e-government payment gateway"),
    "documents": _("the document management system"),
}


def _waiting(app: Application) -> dict | None:
    process = getattr(app, "process", None)
    if process is None or not process.waiting_for:
        return None
    system = SYSTEM_NAMES.get(process.waiting_for, process.waiting_for)
    return {
        "system": process.waiting_for, "operation": process.waiting_operation, "since": process.waiting_since,
        "attempts": process.attempts, "next_attempt_at": process.next_attempt_at,
        "message": _("Waiting for %(system)s, which is not answering; the step is retried automatically "
                     "and the request is kept.") % {"system": system},
    }


RELATED = ("definition", "provider_unit", "region", "process")


def out(app: Application) -> dict:
    """The request as the API returns it. A request just moved by an action is answered from the row the
    action locked and changed (its relations already loaded), not read again."""
    if not all(name in app._state.fields_cache for name in RELATED):
        app = Application.objects.select_related(*RELATED).defer("definition__text").get(pk=app.pk)
    open_tasks = getattr(app, "open_tasks_after_run", None)  # set by the action that moved it
    if open_tasks is None:
        open_tasks = WorkTask.objects.filter(application=app, state=WorkTask.State.OPEN)
    else:
        open_tasks = sorted(open_tasks, key=lambda t: (t.created_at, t.pk))
    documents = getattr(app, "documents_after_run", None)  # set by the action that moved it, if it knows them
    if documents is None:
        documents = app.documents.order_by("issued_at", "id")
    else:
        documents = sorted(documents, key=lambda d: (d.issued_at, d.pk))
    return {
        "id": app.pk, "number": app.number, "service": app.service, "sub_kind": app.sub_kind, "channel": app.channel,
        "process_id": app.definition.process_id, "version": app.definition.version, "status": app.status,
        "applicant_iin": app.applicant_iin, "applicant_bin": app.applicant_bin, "applicant_name": app.applicant_name,
        "provider_unit": app.provider_unit.code if app.provider_unit else None,
        "region": app.region.code if app.region else None,
        "form": app.form_data, "form_version": app.form_version,
        "refusal_step": app.refusal_step, "refusal_reason": app.refusal_reason, "refusal_details": app.refusal_details,
        "result_kind": app.result_kind, "created_at": app.created_at, "registered_at": app.registered_at,
        "received_at": app.received_at,
        "deadline_at": app.deadline_at, "finished_at": app.finished_at,
        "open_tasks": list(open_tasks), "documents": list(documents), "waiting": _waiting(app),
        "power_of_attorney": app.power_of_attorney_id,
        "representative_iin": app.representative_user.iin if app.representative_user_id else "",
    }
