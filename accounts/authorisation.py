"""Step 1 / P1 of every channel: is the person acting entitled to start this request?"""
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from core.identifiers import is_valid_bin, is_valid_iin


def check_authorisation(user, application) -> tuple[bool, str]:
    """(ok, reason code). Reasons are explained in the API's error catalogue."""
    if user is None or not user.is_active:
        return False, "not_authenticated"
    if application.channel == "portal":
        if user.kind != user.Kind.APPLICANT:
            return False, "not_an_applicant"
        if user.portal_registered_at is None:
            return False, "not_registered_on_portal"
        if not is_valid_iin(user.iin) or (user.bin and not is_valid_bin(user.bin)):
            return False, "invalid_identifier"
        return True, "ok"
    if application.channel == "staff":
        if user.kind != user.Kind.OFFICER or user.provider_unit_id is None:
            return False, "not_an_officer"
        if user.provider_unit_id != application.provider_unit_id:
            return False, "wrong_provider_unit"
        return True, "ok"
    if application.channel == "psc":
        if user.kind != user.Kind.PSC_OPERATOR:
            return False, "not_a_psc_operator"
        return True, "ok"
    return False, "unknown_channel"


class NoSigningRight(DomainError):
    code = "no_signing_right"
    status = 403
    default_message = _("Your EDS certificate names you the organisation's employee without the right to sign: "
                        "you may see the organisation's requests, but only its head or an employee with the "
                        "right to sign may sign them.")


def refuse_unless_may_sign(user) -> None:
    """A company's plain employee (their certificate's role, recorded at log-in) does not sign for it."""
    if user is not None and getattr(user, "kind", "") == "applicant" and not user.may_sign_for_company:
        raise NoSigningRight()
