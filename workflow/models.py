"""Relational state of the processes: what the engine is waiting for, by whom,
until when, and what has happened.

The engine's own state (SpiffWorkflow's serialised workflow) is stored once
per request, compressed, in ProcessInstance.state; everything a person or a
report asks about (open tasks, assignees, due dates, durations, history) lives
in ordinary rows that can be queried and indexed.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core import idempotency
from core.prepared import insert


class ProcessDefinition(models.Model):
    """One BPMN file as it was when a request was filed under it: its exact bytes (``text``), from which the
    requests filed under it run if the file on disk changes or goes (workflow.definitions)."""

    service = models.CharField(max_length=2)
    channel = models.CharField(max_length=10)
    version = models.CharField(max_length=10)
    process_id = models.CharField(max_length=60)
    sha256 = models.CharField(max_length=64)
    valid_from = models.DateField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    text = models.BinaryField(default=b"", blank=True, help_text="the BPMN file's exact bytes (sha256 is their hash)")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["process_id", "sha256"], name="process_definition_unique")]

    def __str__(self):
        return f"{self.service} {self.channel} {self.version}"


class ProcessInstance(models.Model):
    application = models.OneToOneField("applications.Application", on_delete=models.CASCADE, related_name="process")
    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    state = models.BinaryField(help_text="gzip of SpiffWorkflow's JSON serialisation")
    completed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)
    # A service task whose outside system was unavailable: the engine waits on it and
    # `manage.py process_waiting` retries it from next_attempt_at (backoff by attempts).
    waiting_for = models.CharField(max_length=20, blank=True, help_text="the outside system waited on")
    waiting_operation = models.CharField(max_length=40, blank=True)
    waiting_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["waiting_for", "next_attempt_at"], name="process_waiting")]


class WorkTask(models.Model):
    """One step of one request: open while the engine waits on it, then done."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="tasks")
    engine_task_id = models.UUIDField()
    bpmn_id = models.CharField(max_length=80)
    step = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=200)
    lane = models.CharField(max_length=30)
    action_kind = models.CharField(max_length=30, blank=True)
    provider_unit = models.ForeignKey("services.ProviderUnit", null=True, blank=True, on_delete=models.PROTECT)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    norm = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    duration_seconds = models.FloatField(null=True, blank=True)
    within_norm = models.BooleanField(null=True)
    overdue_noted_at = models.DateTimeField(null=True, blank=True, help_text="when the overdue sweep noted it")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["state", "lane", "provider_unit", "due_at"], name="worktask_queue"),
            # An officer's queue: the open tasks of a unit in due order, read until a page is full.
            models.Index(fields=["provider_unit", "due_at"], name="worktask_unit_due",
                         condition=models.Q(state="open")),
            # The overdue sweep: open tasks past due not noted yet, in due order (engine.note_overdue).
            models.Index(fields=["due_at"], name="worktask_overdue",
                         condition=models.Q(state="open", overdue_noted_at__isnull=True)),
        ]
        constraints = [models.UniqueConstraint(fields=["engine_task_id"], name="worktask_engine_task_unique")]


class EventQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        if created:
            _note_change(created[0])
        return created

    def append(self, events: list) -> list:
        """New history rows in one statement built once (core.prepared.insert): the engine's every step."""
        created = insert(events, using=self.db)
        if created:
            _note_change(created[0])
        return created


def _note_change(event) -> None:
    """The history written while an idempotency key's call runs marks the key committed, with the request,
    in the same transaction (core.idempotency, ADR 0016)."""
    if idempotency.current() is not None:
        subject = Event._meta.get_field("application").related_model._meta.label_lower
        idempotency.note_change(subject, event.application_id, subject=True)


class Event(models.Model):
    """The append-only history of a request. Rows are never updated or deleted."""

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=40)
    step = models.CharField(max_length=10, blank=True)
    bpmn_id = models.CharField(max_length=80, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("history events are append-only")
        super().save(*args, **kwargs)
        _note_change(self)

    def delete(self, *args, **kwargs):
        raise ValueError("history events are append-only")
