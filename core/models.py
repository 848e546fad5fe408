"""The foundation's one table: the idempotency keys of state-changing calls (core.idempotency, ADR 0016)."""
from django.db import models


class IdempotencyKey(models.Model):
    """One client's key for one state-changing call and what became of it.

    Inserted ``in_progress`` in its own transaction before the call runs; ``committed`` and the affected
    object are set by the call's own writes, in the same transaction as its change (core.idempotency
    ``note_change``); the answer (status, body) stored when the call has answered. A key is the client's
    (``scope``: the user, or an anonymous client's address) and expires (``expires_at``, purged daily)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress"
        DONE = "done"

    scope = models.CharField(max_length=80, help_text="user:<id>, or anon:<address> for a call without log-in")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the method, path and body")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=300)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(help_text="when the call (or its re-run after a crash) began")
    expires_at = models.DateTimeField()
    committed = models.BooleanField(default=False, help_text="the call changed something (same transaction)")
    object_type = models.CharField(max_length=80, blank=True, help_text="the first object it changed")
    object_id = models.CharField(max_length=40, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True, help_text="the answer's status; none if lost")
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"", blank=True)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")]
        indexes = [models.Index(fields=["expires_at"], name="idempotency_key_expiry")]

    def __str__(self):
        return f"{self.scope} {self.key} {self.state}"
