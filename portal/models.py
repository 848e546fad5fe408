from django.conf import settings
from django.db import models


class InboxMark(models.Model):
    """How far the applicant has read their inbox. The notifications themselves are the requests'
    history events (workflow.Event), read through portal.inbox — never copied (ADR 0008)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_mark")
    seen_until = models.DateTimeField()
