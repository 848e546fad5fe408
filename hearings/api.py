"""The hearing's API route: the applicant's position on the intended refusal (the ``answer_hearing`` step)."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from applications.models import Application
from applications.queries import out, visible
from applications.schemas import ApplicationOut
from hearings import actions

router = Router(tags=["applications"])


class HearingAnswerIn(Schema):
    answer: str = ""


@router.post("/{application_id}/hearing-answer", response=ApplicationOut)
def answer(request, application_id: int, body: HearingAnswerIn):
    """The applicant states their position on the intended refusal within the term (`answer_hearing`; 409
    `hearing_not_open` without an open hearing, `hearing_term_passed` after its term; 422
    `hearing_answer_required` without text)."""
    app = get_object_or_404(visible(request.auth), pk=application_id)
    actions.answer(app.pk, request.auth, text=body.answer)
    return out(Application.objects.get(pk=app.pk))
