"""The audit log (issue 12): one append-only table of security-relevant events, and the hash chain over it
and over the other append-only histories (docs/audit.md, ADR 0015).

``AuditEntry`` rows are written by ``audit.actions.record`` inside the caller's transaction, with no hashing:
nothing on the submission path waits for the chain. The chainer (``audit.actions.extend_chain``, a periodic
task) appends a ``ChainLink`` per row of every covered table, in batches, under the one ``ChainHead`` lock;
``Anchor`` rows hold the TSA's timestamp tokens over chain hashes.

The actor is a snapshot (id, login, name, kind, roles at the time), not a foreign key: the log outlives the
accounts it names and never changes when they do.
"""
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    class Kind(models.TextChoices):
        LOGIN = "login", _("log-in")
        LOGIN_FAILED = "login_failed", _("failed log-in")
        LOGOUT = "logout", _("log-out")
        TOKEN_ISSUED = "token_issued", _("API token issued")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        SIGNATURE_CHECK = "signature_check", _("signature check")
        PERSONAL_DATA_VIEW = "personal_data_view", _("personal data viewed")
        ADMIN_CHANGE = "admin_change", _("administrative change")
        REGISTRATION = "registration", _("registration on the portal")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_name = models.CharField(max_length=300, blank=True)
    actor_kind = models.CharField(max_length=20, blank=True)
    actor_roles = models.CharField(max_length=300, blank=True, help_text="comma-separated role (group) names")
    client_addr = models.GenericIPAddressField(null=True, blank=True)
    subject_type = models.CharField(max_length=60, blank=True, help_text="app_label.model_name")
    subject_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "kind"], name="audit_entry_subject")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("the audit log is append-only")


class ChainHead(models.Model):
    """The one row the chainer locks: the last link's number and hash, and per covered table the highest row
    id chained (a cache for the chainer; verify_audit recomputes everything from the links)."""

    seq = models.BigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64, blank=True)
    high_water = models.JSONField(default=dict)
    updated_at = models.DateTimeField(null=True, blank=True)


class ChainLink(models.Model):
    """One row of a covered table in the chain: ``chain_hash = H(previous chain_hash ‖ table ‖ row id ‖
    row_hash)``, ``row_hash = H(canonical JSON of the row)`` (audit.chain)."""

    seq = models.BigIntegerField(unique=True)
    table = models.CharField(max_length=60)
    row_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)
    chained_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["table", "row_id"], name="audit_link_row_unique")]


class Anchor(models.Model):
    """An RFC 3161 timestamp token over the chain hash of link ``seq`` (batch anchoring, as X-Road's message
    log timestamps its batches)."""

    seq = models.BigIntegerField(db_index=True)
    chain_hash = models.CharField(max_length=64)
    token = models.BinaryField()
    gen_time = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["seq", "id"]
