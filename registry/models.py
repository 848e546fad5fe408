"""The E-licensing registry: licences, permits and orders with their lifecycle, holders, branches, objects.

A record's number is its identification number: the number of the first document that created it,
from the central generator (`applications.numbers`). A record's documents are its versions (the
original, each re-issue, each duplicate); its events are its history (append-only).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Holder(models.Model):
    """A licensee or permit holder: an individual (IIN) or a legal entity (BIN)."""

    iin = models.CharField(max_length=12, blank=True, db_index=True)
    bin = models.CharField(max_length=12, blank=True, db_index=True)
    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["iin", "bin"], name="registry_holder_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_individual(self) -> bool:
        return not self.bin


class Branch(models.Model):
    """A branch (or representative office) of a holder, with its own BIN."""

    holder = models.ForeignKey(Holder, on_delete=models.CASCADE, related_name="branches")
    bin = models.CharField(max_length=12)
    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["holder", "bin"], name="registry_branch_unique")]


class Record(models.Model):
    class Kind(models.TextChoices):
        LICENCE = "licence", _("licence")
        PERMIT = "permit", _("permit")
        ORDER = "order", _("order")

    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        SUSPENDED = "suspended", _("suspended")
        TERMINATED = "terminated", _("terminated")

    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.CharField(max_length=2)
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="records")
    provider_unit = models.ForeignKey("services.ProviderUnit", null=True, blank=True, on_delete=models.PROTECT)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALID, db_index=True)
    version = models.PositiveIntegerField(default=1, help_text="raised by every transition (optimistic check)")
    scope = models.JSONField(default=dict, help_text="what it permits: sub-types, bands, devices, ranges")
    issued_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def current_document(self):
        return self.documents.order_by("-version").select_related("document").first()


class RecordDocument(models.Model):
    """A version of a record: the document that issued, re-issued it or is its duplicate."""

    class Role(models.TextChoices):
        ORIGINAL = "original", _("original")
        REISSUE = "reissue", _("re-issued")
        DUPLICATE = "duplicate", _("duplicate copy")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="documents")
    document = models.OneToOneField("applications.ResultDocument", on_delete=models.PROTECT, related_name="registry_entry")
    version = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "version"], name="registry_document_version_unique")]


class RegistryObject(models.Model):
    """An object of a licensee covered by a record (a station, an exchange, a site)."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="licensed_objects")
    name = models.CharField(max_length=300)
    address = models.CharField(max_length=500)
    added_at = models.DateTimeField(auto_now_add=True)


class RecordEvent(models.Model):
    """The history of a record: every transition, by whom, why, with the document it produced."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    status_before = models.CharField(max_length=12, blank=True)
    status_after = models.CharField(max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    document = models.ForeignKey("applications.ResultDocument", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("registry history is append-only")
        super().save(*args, **kwargs)
