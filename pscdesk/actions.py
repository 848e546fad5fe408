"""The electronic queue's actions (issuing tickets, booking slots, calling the next one, finishing with the
norm measured) and the read-only queries they rest on (waiting, free_slots, in_service, upcoming_bookings …)."""
from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.errors import DomainError
from pscdesk.models import NORM_SECONDS, Ticket
from workdays.calendar import ALMATY, is_working_day

SLOT_MINUTES = 20
SLOTS_PER_TIME = 2  # desks serving booked slots at once
OPENING = (datetime.time(9, 0), datetime.time(18, 0))
BOOKING_DAYS = 10
RECEIPTS = ("receipt", "refusal_receipt")  # the PSC's own papers, given at the intake: not the result
FINISHED = ("completed", "refused")


def _next_number(day, prefix: str) -> str:
    count = Ticket.objects.filter(day=day, number__startswith=prefix).count()
    return f"{prefix}{count + 1:03d}"


def _create(day, prefix, **fields) -> Ticket:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Ticket.objects.create(day=day, number=_next_number(day, prefix), **fields)
        except IntegrityError:
            continue
    raise RuntimeError("could not number the ticket")


def issue_ticket(sub_kind: str = "") -> Ticket:
    """A ticket taken at the desk: it waits behind the earlier ones (FIFO)."""
    return _create(timezone.localdate(), "A", kind=Ticket.Kind.DESK, sub_kind=sub_kind)


def free_slots(now=None) -> list[datetime.datetime]:
    """Bookable slots: working days from tomorrow, opening hours, SLOTS_PER_TIME per slot."""
    now = now or timezone.now()
    today = now.astimezone(ALMATY).date()
    taken: dict[datetime.datetime, int] = {}
    for slot in Ticket.objects.filter(kind=Ticket.Kind.BOOKED, slot_at__gte=now).exclude(
            status=Ticket.Status.CANCELLED).values_list("slot_at", flat=True):
        taken[slot] = taken.get(slot, 0) + 1
    slots = []
    day, days = today, 0
    while days < BOOKING_DAYS:
        day += datetime.timedelta(days=1)
        if not is_working_day(day):
            continue
        days += 1
        t = datetime.datetime.combine(day, OPENING[0], tzinfo=ALMATY)
        end = datetime.datetime.combine(day, OPENING[1], tzinfo=ALMATY)
        while t < end:
            if taken.get(t, 0) < SLOTS_PER_TIME:
                slots.append(t)
            t += datetime.timedelta(minutes=SLOT_MINUTES)
    return slots


class SlotTaken(Exception):
    pass


def book(user, slot_at: datetime.datetime, sub_kind: str = "") -> Ticket:
    with transaction.atomic():
        if slot_at not in free_slots():
            raise SlotTaken()
        return _create(slot_at.astimezone(ALMATY).date(), "B", kind=Ticket.Kind.BOOKED, booked_by=user,
                       slot_at=slot_at, sub_kind=sub_kind)


def waiting(now=None):
    """The queue in calling order: booked slots due now (by slot time), then desk tickets first come first."""
    now = now or timezone.now()
    today = now.astimezone(ALMATY).date()
    booked = list(Ticket.objects.filter(kind=Ticket.Kind.BOOKED, status=Ticket.Status.WAITING, slot_at__lte=now,
                                        day=today).order_by("slot_at", "id"))
    desk = list(Ticket.objects.filter(kind=Ticket.Kind.DESK, status=Ticket.Status.WAITING, day=today)
                .order_by("created_at", "id"))
    return booked + desk


def upcoming_bookings(now=None):
    now = now or timezone.now()
    return Ticket.objects.filter(kind=Ticket.Kind.BOOKED, status=Ticket.Status.WAITING,
                                 slot_at__gt=now).order_by("slot_at")[:50]


def call_next(operator, now=None) -> Ticket | None:
    """Call the next ticket; two operators calling at once never get the same one."""
    now = now or timezone.now()
    for candidate in waiting(now):
        with transaction.atomic():
            updated = Ticket.objects.filter(pk=candidate.pk, status=Ticket.Status.WAITING).update(
                status=Ticket.Status.CALLED, called_at=now, called_by=operator)
        if updated:
            return Ticket.objects.get(pk=candidate.pk)
    return None


def finish(ticket: Ticket, outcome: str, now=None) -> Ticket:
    """The receipt (or refusal receipt) is issued: the ticket is served and its time measured."""
    now = now or timezone.now()
    duration = (now - ticket.called_at).total_seconds() if ticket.called_at else None
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.Status.SERVED, finished_at=now, outcome=outcome, duration_seconds=duration,
        within_norm=None if duration is None else duration <= NORM_SECONDS)
    ticket.refresh_from_db()
    return ticket


def served_today(now=None):
    now = now or timezone.now()
    return Ticket.objects.filter(day=now.astimezone(ALMATY).date(),
                                 status=Ticket.Status.SERVED).order_by("-finished_at")


def in_service(operator=None):
    qs = Ticket.objects.filter(status=Ticket.Status.CALLED)
    return qs.filter(called_by=operator) if operator is not None else qs



# -- handing the result over at the PSC -------------------------------------------------------------------
class CollectionRefused(DomainError):
    code = "collection_refused"
    status = 409
    default_message = gettext_lazy("This result cannot be handed over.")


class NotTheApplicant(DomainError):
    code = "not_the_applicant"
    status = 422
    default_message = gettext_lazy("The IIN presented is not the applicant's: the result is handed over only to "
                                   "the applicant.")


def ready_for_collection():
    """The PSC's requests with their result (or refusal) made and signed, not handed over yet — oldest first."""
    from applications.models import Application, ResultDocument

    signed = ResultDocument.objects.filter(application=OuterRef("pk")).exclude(kind__in=RECEIPTS).exclude(pdf_sha256="")
    unsigned = ResultDocument.objects.filter(application=OuterRef("pk"), pdf_sha256="").exclude(kind__in=RECEIPTS)
    return (Application.objects.filter(channel="psc", status__in=FINISHED).filter(Exists(signed))
            .exclude(Exists(unsigned)).exclude(events__kind="result_collected").order_by("finished_at", "pk"))


def collect_result(application_id: int, operator, *, iin: str):
    """The PSC operator hands the result over to the applicant, who shows their identity document: the IIN must
    be the applicant's (an individual's own, or the company head's for a company's request). Recorded in the
    request's history ("result_collected": who, when, which documents); once only."""
    from applications.models import Application
    from core.identifiers import IdentifierError, parse_iin
    from workflow import engine

    try:
        iin = parse_iin(iin.strip() if isinstance(iin, str) else "").value
    except IdentifierError as exc:
        raise NotTheApplicant(gettext("The IIN is not valid: %(reason)s") % {"reason": exc.message}) from None
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(pk=application_id, channel="psc").first()
        if app is None or not ready_for_collection().filter(pk=app.pk).exists():
            raise CollectionRefused()
        if iin != app.applicant_iin:
            raise NotTheApplicant()
        numbers = list(app.documents.exclude(kind__in=RECEIPTS).values_list("number", flat=True))
        # The request's history is its audit trail (hash-chained with the audit log: docs/audit.md).
        return engine.record_event(app, "result_collected", operator, None, documents=numbers)
