"""The national numbering plan and its inventory (docs/resources.md "Numbering plan and inventory").

A number is kept as its digits (``"7172500000"``) and, for ranges and comparisons, as an integer together with
its length (``digits``): ``"0101"`` and ``"101"`` are different numbers. A plan part (``PlanPart``) is a range of one
resource type the plan describes — allocatable in the block sizes it names, or reserved (emergency numbers, a
reserve). An ``Allocation`` is a range held by an operator (a registry ``Holder``) with the order that created it;
no two active allocations of one resource type and length overlap: PostgreSQL enforces it with an exclusion
constraint (migration 0002), SQLite through the serialising lock and the check in ``numbering.actions``.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ResourceType(models.TextChoices):
    GEOGRAPHIC = "geographic", _("geographic numbers")
    NON_GEOGRAPHIC = "non_geographic", _("non-geographic numbers")
    MOBILE_NDC = "mobile_ndc", _("mobile network code (NDC)")
    SHORT_NUMBER = "short_number", _("short number")
    FREEPHONE = "freephone", _("freephone numbers")
    PREMIUM = "premium", _("premium-rate numbers")
    MNC = "mnc", _("mobile network code under MCC 401")
    SPC = "spc", _("signalling point code")


class PlanPart(models.Model):
    """One part of the national numbering plan, loaded from the plan's CSV (``manage.py load_numbering_plan``)."""

    code = models.SlugField(max_length=60, unique=True, help_text="the part's key in the plan's CSV")
    resource_type = models.CharField(max_length=20, choices=ResourceType.choices)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    first = models.CharField(max_length=15, help_text="the first number, all its digits")
    last = models.CharField(max_length=15, help_text="the last number, as many digits as the first")
    digits = models.PositiveSmallIntegerField()
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    block_sizes = models.JSONField(default=list, blank=True,
                                   help_text="allocatable block sizes (aligned); empty: never allocatable")
    allocatable = models.BooleanField(default=True, help_text="false: reserved (emergency numbers, a reserve)")
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["resource_type", "digits", "low"]
        constraints = [models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="numbering_part_ordered")]

    def __str__(self):
        return f"{self.code} ({self.first}–{self.last})"

    @property
    def sizes(self) -> list[int]:
        return sorted(int(s) for s in self.block_sizes or []) if self.allocatable else []

    def number(self, value: int) -> str:
        return str(value).zfill(self.digits)


class Allocation(models.Model):
    """A range of a plan part held by an operator, with the order that allocated it. Withdrawn (wholly, or in
    part: the pieces it keeps are new allocations whose ``parent`` it is), it is no longer active and its
    numbers are free again."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("allocated")
        WITHDRAWN = "withdrawn", _("withdrawn")

    part = models.ForeignKey(PlanPart, on_delete=models.PROTECT, related_name="allocations")
    resource_type = models.CharField(max_length=20, choices=ResourceType.choices)
    digits = models.PositiveSmallIntegerField()
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    holder = models.ForeignKey("registry.Holder", on_delete=models.PROTECT, related_name="allocations")
    record = models.ForeignKey("registry.Record", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="allocations", help_text="the order that allocated it")
    order_number = models.CharField(max_length=40, blank=True, help_text="the number of that order")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="pieces",
                               help_text="what it was cut from by a partial withdrawal")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    allocated_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=40, blank=True, help_text="the withdrawal order's number")

    class Meta:
        ordering = ["resource_type", "digits", "low"]
        indexes = [models.Index(fields=["resource_type", "digits", "low", "high"], name="numbering_alloc_span")]
        constraints = [models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="numbering_alloc_ordered")]
        # PostgreSQL: no two active allocations of one resource type and length overlap (exclusion constraint
        # numbering_allocation_no_overlap, migration 0002; ADR 0017).

    def __str__(self):
        return f"{self.first}–{self.last}"

    @property
    def first(self) -> str:
        return str(self.low).zfill(self.digits)

    @property
    def last(self) -> str:
        return str(self.high).zfill(self.digits)

    @property
    def size(self) -> int:
        return self.high - self.low + 1


class Assignment(models.Model):
    """An individual number assigned by an order, inside an allocation of the same holder."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("assigned")
        WITHDRAWN = "withdrawn", _("withdrawn")

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="assignments")
    number = models.CharField(max_length=15)
    digits = models.PositiveSmallIntegerField()
    value = models.BigIntegerField()
    holder = models.ForeignKey("registry.Holder", on_delete=models.PROTECT, related_name="number_assignments")
    record = models.ForeignKey("registry.Record", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order_number = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    assigned_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["digits", "value"]
        constraints = [models.UniqueConstraint(fields=["digits", "value"], condition=Q(status="active"),
                                               name="numbering_assignment_unique_active")]


class ReclamationPolicy(models.Model):
    """The administrator's setting (one row): a block not in service this many months after its allocation
    is flagged for reclamation."""

    months_unused = models.PositiveSmallIntegerField(default=12)
    updated_at = models.DateTimeField(auto_now=True)

    @classmethod
    def current(cls) -> "ReclamationPolicy":
        return cls.objects.order_by("pk").first() or cls(months_unused=12)


class UtilisationReport(models.Model):
    """An operator's report for one half-year (NANPA's NRUF idea): per allocation, numbers assigned to
    subscribers and numbers in service."""

    holder = models.ForeignKey("registry.Holder", on_delete=models.PROTECT, related_name="utilisation_reports")
    year = models.PositiveSmallIntegerField()
    half = models.PositiveSmallIntegerField(help_text="1: January–June, 2: July–December")
    filed_at = models.DateTimeField()
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["holder", "year", "half"], name="numbering_report_once")]


class UtilisationLine(models.Model):
    report = models.ForeignKey(UtilisationReport, on_delete=models.CASCADE, related_name="lines")
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="utilisation")
    assigned = models.PositiveBigIntegerField(help_text="numbers assigned to subscribers")
    in_service = models.PositiveBigIntegerField(help_text="numbers in service")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "allocation"], name="numbering_line_once")]


class Reclamation(models.Model):
    """A block flagged as not in service past the policy's period, and the withdrawal request drafted for it."""

    class Status(models.TextChoices):
        FLAGGED = "flagged", _("flagged")
        DRAFTED = "drafted", _("withdrawal drafted")
        DONE = "done", _("withdrawn")

    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="reclamations")
    flagged_at = models.DateTimeField()
    months_unused = models.PositiveSmallIntegerField()
    report = models.ForeignKey(UtilisationReport, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey("applications.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", help_text="the drafted withdrawal request")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.FLAGGED)

    class Meta:
        ordering = ["-flagged_at"]
        constraints = [models.UniqueConstraint(fields=["allocation"], condition=~Q(status="done"),
                                               name="numbering_reclamation_open_once")]
