"""Domain errors: a stable code, an HTTP status and a localised message.

The API turns every DomainError into a JSON error response; nothing a user can
cause surfaces as a 500.
"""
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "error"
    status = 400
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, code: str | None = None, status: int | None = None, **details):
        self.message = message or self.default_message
        if code:
            self.code = code
        if status:
            self.status = status
        self.details = details
        super().__init__(str(self.message))
