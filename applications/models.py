"""Requests (applications) for the four services, their attachments,
immutable revisions, signatures and survey answers."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def service_choices():
    """The services offered (services.registry): a request's service is one of them."""
    from services import registry

    return registry.choices()


class Application(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("portal")
        STAFF = "staff", _("provider's staff")
        PSC = "psc", _("public service centre")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        REGISTERED = "registered", _("registered, in processing")
        REFUSED = "refused", _("refused")
        COMPLETED = "completed", _("result issued")
        WITHDRAWN = "withdrawn", _("withdrawn by the applicant")

    service = models.CharField(max_length=2, choices=service_choices)
    sub_kind = models.CharField(max_length=30)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    definition = models.ForeignKey("workflow.ProcessDefinition", on_delete=models.PROTECT, related_name="applications")
    number = models.CharField(max_length=30, unique=True, null=True, blank=True)

    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    applicant_iin = models.CharField(max_length=12, blank=True, db_index=True)
    applicant_bin = models.CharField(max_length=12, blank=True, db_index=True)
    applicant_name = models.CharField(max_length=300, blank=True)
    # Filed by a representative (docs/representatives.md): the portal account that acts (it is also
    # applicant_user, the one who fills, pays and signs) and the power of attorney it acts under; the
    # applicant fields are then the represented person's or company's.
    representative_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    power_of_attorney = models.ForeignKey(
        "representation.PowerOfAttorney", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    registry_data = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    client_request_id = models.CharField(max_length=64, blank=True)
    provider_unit = models.ForeignKey("services.ProviderUnit", null=True, blank=True, on_delete=models.PROTECT)
    region = models.ForeignKey("services.Region", null=True, blank=True, on_delete=models.PROTECT)

    form_data = models.JSONField(default=dict, blank=True)
    form_version = models.PositiveIntegerField(default=0)
    # The revision to sign and decide on: the latest one frozen (applications.signing.freeze_revision).
    current_revision = models.ForeignKey("Revision", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")

    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    refusal_step = models.CharField(max_length=10, blank=True)
    refusal_reason = models.CharField(max_length=60, blank=True)
    refusal_details = models.JSONField(default=list, blank=True)
    result_kind = models.CharField(max_length=20, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    # The receipt of the application, from which its terms run (docs/deadlines.md): the PSC's acceptance
    # (its receipt) for a PSC request, else the registration.
    received_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "client_request_id"],
                condition=~models.Q(client_request_id=""),
                name="application_client_request_unique",
            )
        ]

    def __str__(self):
        return self.number or f"draft #{self.pk}"

    @property
    def applicant_id_number(self) -> str:
        return self.applicant_bin or self.applicant_iin


class NumberCounter(models.Model):
    """The last number given in a series (a service's requests, or a kind of document) per year."""

    series = models.CharField(max_length=20)
    year = models.PositiveIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="number_counter_unique")]


def attachment_path(instance, filename):
    return f"attachments/{instance.application_id}/{instance.sha256}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    document_code = models.SlugField()
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    is_scan = models.BooleanField(default=False, help_text="a scan of a paper document, made by staff")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Revision(models.Model):
    """The request exactly as it was when its filling was finished: what is shown, signed and decided on.

    Immutable: the canonical bytes and their hash never change once written.
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("revisions are immutable")
        super().save(*args, **kwargs)


class Signature(models.Model):
    """One signing attempt: the certificate chosen, then the signature over a revision."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="signatures")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="signatures")
    certificate_pem = models.TextField()
    cms = models.BinaryField(null=True, blank=True)
    certificate_check = models.CharField(max_length=40, blank=True)
    signature_check = models.CharField(max_length=40, blank=True)
    signer_iin = models.CharField(max_length=12, blank=True)
    signer_bin = models.CharField(max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    signed_at = models.DateTimeField(null=True, blank=True)


class SurveyAnswer(models.Model):
    """The two questions asked after the result (spec §7)."""

    class Answer(models.IntegerChoices):
        NOT_SATISFIED = 1, _("not satisfied")
        PARTLY = 2, _("partly satisfied")
        SATISFIED = 3, _("satisfied")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="survey")
    process_quality = models.PositiveSmallIntegerField(choices=Answer.choices)
    information_quality = models.PositiveSmallIntegerField(choices=Answer.choices)
    answered_at = models.DateTimeField(auto_now_add=True)


def result_pdf_path(instance, filename):
    return f"results/{instance.application_id}/{instance.number}.pdf"


class ResultDocument(models.Model):
    """The result of a request: licence, order, permit, receipt or reasoned refusal."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=20)
    number = models.CharField(max_length=40, unique=True)
    issued_at = models.DateTimeField()
    content = models.JSONField(default=dict)
    # The signed PDF (PAdES, see docs/documents.md) and the SHA-256 of its bytes.
    pdf = models.FileField(upload_to=result_pdf_path, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    signer_name = models.CharField(max_length=300, blank=True)
    # Who signs the PDF: the deciding officer (or PSC operator); none for the system's seal. The PDF is
    # made after the decision's transaction, by a task (documents.tasks.produce_document).
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")

    # Who signs with their own EDS (through NCALayer; docs/signatures.md). PSC receipts, automatic steps and
    # applicants' actions: the system seal.
    SIGNING_KINDS = ("officer",)

    @classmethod
    def signer_for(cls, actor):
        """The deciding officer; anybody else (automatic steps, applicants, PSC receipts): None, the system seal."""
        if actor is not None and getattr(actor, "kind", "") in cls.SIGNING_KINDS:
            return actor
        return None
