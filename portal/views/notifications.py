"""The applicant's inbox: the notifications about their requests, marked read when shown."""
from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from portal import inbox
from portal.labels import RESULT_KINDS
from portal.views.access import applicant_required


# -- the inbox ------------------------------------------------------------------------------------------------
@applicant_required
def inbox_view(request):
    from portal.models import InboxMark

    mark = InboxMark.objects.filter(user=request.user).values_list("seen_until", flat=True).first()
    items = []
    for e in inbox.notifications(request.user):
        if e.kind == "step_open":
            text = _("Payment due: pay the fee for request %(request)s.") % {"request": e.application.number or f"#{e.application.pk}"}
        elif e.kind == "refused":
            text = _("Request %(request)s was refused.") % {"request": e.application.number or f"#{e.application.pk}"}
        elif e.kind == "result_issued":
            text = _("The result of request %(request)s is ready: %(kind)s %(number)s.") % {
                "request": e.application.number, "kind": RESULT_KINDS.get(e.data.get("kind"), e.data.get("kind")),
                "number": e.data.get("number", "")}
        elif e.kind == "payment_reminder":
            pay_by = timezone.localtime(datetime.datetime.fromisoformat(e.data["pay_by"]))
            text = _("Pay the fee for request %(request)s by %(date)s, or the request will be refused for "
                     "non-payment.") % {"request": e.application.number or f"#{e.application.pk}",
                                        "date": formats.date_format(pay_by, "d.m.Y H:i")}
        elif e.kind == "receipt_issued":
            text = _("A receipt was issued for request %(request)s.") % {"request": e.application.number or f"#{e.application.pk}"}
        else:
            text = _("Request %(request)s was registered and is being processed.") % {"request": e.application.number}
        items.append({"e": e, "text": text, "unread": mark is None or e.at > mark})
    inbox.mark_read(request.user)
    return render(request, "portal/inbox.html", {"items": items})
