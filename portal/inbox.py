"""The applicant's inbox: a view over the history of their requests (workflow.Event), not a copy.

Status changes (registered, refused, result issued, receipt issued), "payment due" (the pay step opened)
and the reminder before the term for paying ends are notifications; how far the applicant has read is one InboxMark row per applicant."""
from django.db.models import Q
from django.utils import timezone

from workflow.models import Event

NOTIFYING = Q(kind__in=["registered", "refused", "result_issued", "receipt_issued", "payment_reminder",
                          "hearing_notified"]) | Q(
    kind="step_open", data__action_kind="pay")


def _requests(user):
    from applications.models import Application
    from applications.queries import applicant_filter

    return Application.objects.filter(applicant_filter(user)).values("pk")


def notifications(user, limit=100):
    return (Event.objects.filter(NOTIFYING, application__in=_requests(user))
            .select_related("application").order_by("-at", "-id")[:limit])


def unread_count(user) -> int:
    from portal.models import InboxMark

    mark = InboxMark.objects.filter(user=user).values_list("seen_until", flat=True).first()
    qs = Event.objects.filter(NOTIFYING, application__in=_requests(user))
    if mark:
        qs = qs.filter(at__gt=mark)
    return qs.count()


def mark_read(user):
    from portal.models import InboxMark

    InboxMark.objects.update_or_create(user=user, defaults={"seen_until": timezone.now()})
