"""The representation app's refusals: each a DomainError with a stable code, an HTTP status and a localised
message (core/errors.py)."""
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError


class InvalidPowerOfAttorney(DomainError):
    """The power of attorney as given breaks a rule (kind, dates, scope, the parties): nothing was recorded."""
    code = "power_of_attorney_invalid"
    status = 422
    default_message = _("The power of attorney is not valid as given.")


class NotEntitledToGrant(DomainError):
    """The person recording a power of attorney may not record it for this principal."""
    code = "power_of_attorney_not_entitled"
    status = 403
    default_message = _("You may record a power of attorney only for yourself or for the company you act for.")


class PowerOfAttorneyNotFound(DomainError):
    code = "power_of_attorney_not_found"
    status = 404
    default_message = _("No such power of attorney.")


class AlreadyRevoked(DomainError):
    code = "power_of_attorney_revoked"
    status = 409
    default_message = _("The power of attorney has already been revoked.")


class NotCovered(DomainError):
    """A representative acts outside their power of attorney (revoked, out of its dates or its services)."""
    code = "representation_not_covered"
    status = 403
    default_message = _("The power of attorney does not cover this.")
