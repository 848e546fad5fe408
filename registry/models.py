"""The E-licensing registry: licences, permits and orders with their lifecycle, holders, branches, objects.

A record's number is its identification number: the number of the first document that created it,
from the central generator (`applications.numbers`). A record's versions (``RecordDocument``: the original,
each re-issue, each duplicate, a range reduced by a withdrawal) are immutable, each with its own holder
snapshot, scope and printed content; ``Record.current`` points at the version in force. Its events are
its history (append-only). The ``Holder`` row is the identity (IIN / BIN) only: a re-issue for a new name
never renames it — the new name lives in the new version's snapshot, so no change to one record changes
another.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Holder(models.Model):
    """A licensee or permit holder: an individual (IIN) or a legal entity (BIN) — the identity shared by
    its records. ``name`` and ``address`` are those of its first record, never changed afterwards: what a
    record shows is its version's snapshot (``RecordDocument.holder_*``)."""

    iin = models.CharField(max_length=12, blank=True, db_index=True)
    bin = models.CharField(max_length=12, blank=True, db_index=True)
    name = models.CharField(max_length=300, help_text="as first registered; never renamed by a re-issue")
    address = models.CharField(max_length=500, blank=True, help_text="as first registered")

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
    scope = models.JSONField(default=dict, help_text="what it permits (the current version's scope)")
    issued_at = models.DateTimeField()
    valid_until = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    current = models.ForeignKey("RecordDocument", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                help_text="the version in force (never a duplicate: a duplicate reproduces one)")

    class Meta:
        ordering = ["-issued_at", "-id"]

    def __str__(self):
        return self.number

    @property
    def current_version(self):
        """The version in force: the pointer, else (rows written without it) the latest non-duplicate."""
        if self.current_id is not None:
            return self.current
        return self.documents.exclude(role=RecordDocument.Role.DUPLICATE).order_by("-version").first()

    @property
    def current_document(self):
        """The latest version that has a document of its own (the current one, or a duplicate of it)."""
        return (self.documents.filter(document__isnull=False).order_by("-version").select_related("document")
                .first())


class RecordDocument(models.Model):
    """A version of a record, immutable: the document that issued or re-issued it, or a duplicate of one,
    or (``reduced``) its numbering range reduced by another record's withdrawal order — with what the
    version says: the holder as it was then (snapshot), the scope, the content its document prints."""

    class Role(models.TextChoices):
        ORIGINAL = "original", _("original")
        REISSUE = "reissue", _("re-issued")
        DUPLICATE = "duplicate", _("duplicate copy")
        REDUCED = "reduced", _("range reduced")

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="documents")
    document = models.OneToOneField("applications.ResultDocument", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="registry_entry", help_text="none for a reduced range")
    version = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=Role.choices)
    source = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               help_text="a duplicate: the version it reproduces")
    by_document = models.ForeignKey("applications.ResultDocument", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="a reduced range: the order that reduced it")
    revision = models.ForeignKey("applications.Revision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", help_text="the signed revision the version's content came from")
    issued_at = models.DateTimeField(null=True, blank=True)
    sub_kind = models.CharField(max_length=20, blank=True, help_text="the request's sub-kind the content is of")
    holder_name = models.CharField(max_length=300, blank=True)
    holder_iin = models.CharField(max_length=12, blank=True)
    holder_bin = models.CharField(max_length=12, blank=True)
    holder_address = models.CharField(max_length=500, blank=True)
    holder_requisites = models.JSONField(default=dict, blank=True)
    scope = models.JSONField(default=dict, blank=True, help_text="what this version permits")
    content = models.JSONField(default=dict, blank=True, help_text="the form values its document prints")
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "version"], name="registry_document_version_unique")]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("a registry record's versions are immutable")
        super().save(*args, **kwargs)

    @property
    def content_version(self):
        """The version whose content this one shows: its source for a duplicate, else itself."""
        return self.source if self.source_id is not None else self

    @property
    def number(self) -> str:
        """The number of the document that made this version (its own, or the reducing order's)."""
        document = self.document if self.document_id is not None else self.by_document
        return document.number if document is not None else ""


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
        # Every change of a record writes its event: the record's kept verification answers are forgotten
        # once the change commits (registry/cache.py).
        from registry import cache

        cache.forget_record(self.record_id)
