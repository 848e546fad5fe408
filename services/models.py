"""Reference data of the services that the regulations leave open (spec §9).

An administrator maintains these rows; demo values ship with the demo data.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.SlugField(unique=True)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    def __str__(self):
        return self.name_en


class ProviderUnit(models.Model):
    """The Committee, or one regional Inspection."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("Committee")
        INSPECTION = "inspection", _("Inspection")

    code = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    region = models.OneToOneField(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection")
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    # The BIN of the state body (officers' signing certificates carry it); empty: ELICENSE_PROVIDER_BIN.
    bin = models.CharField(_("BIN"), max_length=12, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="committee", region__isnull=True) | models.Q(kind="inspection", region__isnull=False),
                name="provider_unit_region_iff_inspection",
            )
        ]

    def __str__(self):
        return self.name_en

    @property
    def signing_bin(self) -> str:
        """The BIN an officer's signing certificate of this unit must carry."""
        from django.conf import settings

        return self.bin or getattr(settings, "ELICENSE_PROVIDER_BIN", "")


class Fee(models.Model):
    """The fee of a paid service (S1, S3) per sub-kind, in whole tenge, with validity dates."""

    service = models.CharField(max_length=2)
    sub_kind = models.CharField(max_length=30)
    amount_kzt = models.PositiveIntegerField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    is_demo_value = models.BooleanField(default=True)

    class Meta:
        ordering = ["service", "sub_kind", "-valid_from"]


class PaymentTerm(models.Model):
    """How long a paid service's request waits for its fee (calendar days from the moment payment is asked,
    the pay step's opening) before it is refused for non-payment, and how many days before that the applicant
    is reminded; set by an administrator. A service without a row uses ELICENSE_PAYMENT_TERM_DAYS /
    ELICENSE_PAYMENT_NOTICE_DAYS."""

    service = models.CharField(max_length=2, unique=True)
    days = models.PositiveSmallIntegerField(_("days to pay"))
    notice_days = models.PositiveSmallIntegerField(_("reminder, days before the end"))
    is_demo_value = models.BooleanField(default=True)

    class Meta:
        ordering = ["service"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="payment_term_days_positive"),
            models.CheckConstraint(condition=models.Q(notice_days__lt=models.F("days")),
                                   name="payment_term_notice_within_term"),
        ]

    def __str__(self):
        return f"{self.service}: {self.days} days"

    @classmethod
    def of(cls, service: str) -> tuple[int, int]:
        """(days to pay, reminder days before the end) of a service."""
        from django.conf import settings

        row = cls.objects.filter(service=service).values_list("days", "notice_days").first()
        return row or (settings.ELICENSE_PAYMENT_TERM_DAYS, settings.ELICENSE_PAYMENT_NOTICE_DAYS)


class RequiredDocument(models.Model):
    service = models.CharField(max_length=2)
    sub_kind = models.CharField(max_length=30, blank=True, help_text="blank: every sub-kind")
    code = models.SlugField()
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    mandatory = models.BooleanField(default=True)
    accepts_scan = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "sub_kind", "code"], name="required_document_unique")]


class QualificationRequirement(models.Model):
    """One item of the checklist an officer works through in the qualification check."""

    service = models.CharField(max_length=2)
    code = models.SlugField()
    text_kk = models.CharField(max_length=500)
    text_ru = models.CharField(max_length=500)
    text_en = models.CharField(max_length=500)
    refusal_reason_kk = models.CharField(max_length=500)
    refusal_reason_ru = models.CharField(max_length=500)
    refusal_reason_en = models.CharField(max_length=500)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="qualification_requirement_unique")]


class LicenceSubtype(models.Model):
    """A kind of communication services licensed (appendix to the S1 licence)."""

    code = models.SlugField(unique=True)
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
