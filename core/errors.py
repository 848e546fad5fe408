"""Domain errors: a stable code, an HTTP status and a localised message.

The API turns every DomainError into a JSON error response; nothing a user can
cause surfaces as a 500.
"""
from django.utils.translation import gettext_lazy as _


class Unavailable(Exception):
    """An outside system could not be reached (or kept failing): whoever needs it waits and tries again.

    The workflow engine puts a service task that raises it back to wait (workflow.engine); the outside-system
    adapters raise it (integrations.adapters.AdapterUnavailable)."""

    def __init__(self, system: str, operation: str = "", detail: str = ""):
        super().__init__(f"{system} unavailable ({operation}): {detail}")
        self.system, self.operation, self.detail = system, operation, detail


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
