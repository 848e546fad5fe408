"""The refusal's and the hearing's sections of the portal's request page and the back office's
(``{% load hearings %}{% portal_refusal app %}`` / ``{% office_hearing app %}``)."""
from __future__ import annotations

from django import template
from django.utils import timezone

from hearings import queries

register = template.Library()


@register.inclusion_tag("hearings/portal_section.html", takes_context=True)
def portal_refusal(context, app):
    """The notice of an intended refusal with the form to answer; a refusal's ground and appeal route."""
    intended = queries.intended(app)
    refusal = queries.refusal_of(app) if app.status == "refused" else None
    answerable = bool(intended and app.tasks.filter(state="open", action_kind="answer_hearing").exists()
                      and timezone.now() <= intended["hearing"].answer_due_at)
    return {"app": app, "intended": intended, "refusal": refusal, "answerable": answerable,
            "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("hearings/office_section.html", takes_context=True)
def office_hearing(context, app):
    """The hearing as the officer sees it: the notice, the term, the answer, and closing an unanswered one."""
    hearing = queries.latest(app)
    with_hearing = queries.has_hearing(app)
    return {"app": app, "hearing": hearing, "with_hearing": with_hearing,
            "ground": queries.grounds.ground(app.service, hearing.ground) if hearing else None,
            "closable": bool(hearing and hearing.open and timezone.now() > hearing.answer_due_at),
            # a refusal now would only be intended: the applicant is heard first
            "intends": with_hearing and hearing is None and app.status == "registered",
            "refusal": queries.refusal_of(app) if app.status == "refused" else None,
            "csrf_token": context.get("csrf_token")}
