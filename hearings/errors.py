"""The hearing's errors: a stable code, an HTTP status and a message a person reads."""
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class NoHearing(DomainError):
    code = "hearing_not_open"
    status = 409
    default_message = _("No hearing on an intended refusal is open for this request.")


class TermPassed(DomainError):
    code = "hearing_term_passed"
    status = 409
    default_message = _("The term for answering the notice of the intended refusal has passed.")


class TermNotPassed(DomainError):
    code = "hearing_term_not_passed"
    status = 409
    default_message = _("The applicant's term for answering has not passed yet.")


class AnswerRequired(DomainError):
    code = "hearing_answer_required"
    status = 422
    default_message = _("Write your position on the intended refusal.")


class GroundUnknown(DomainError):
    code = "refusal_ground_unknown"
    status = 422
    default_message = _("The refusal names no legal ground of the service.")
