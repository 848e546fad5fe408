"""State kept on the E-licensing side of the outside systems, and the EDS trust store."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """A fee payment through the payment gateway (the gateway's payment `gateway_id`)."""

    class Status(models.TextChoices):
        CREATED = "created", _("awaiting payment")
        PAID = "paid", _("paid")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="payments")
    reference = models.CharField(max_length=40, unique=True)
    amount_kzt = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CREATED)
    created_at = models.DateTimeField(auto_now_add=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    gateway_id = models.CharField(max_length=64, blank=True, db_index=True)
    gateway_status = models.CharField(max_length=12, blank=True)
    next_url = models.URLField(max_length=500, blank=True)
    reported_by = models.CharField(max_length=12, blank=True,
                                   help_text="callback / reconcile / status check / officer (a paper request's fee)")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # A fee paid at a bank for a paper request, confirmed with the gateway by an officer (applications.paper_payments):
    # the payer's IIN/BIN and who confirmed it, when. `reference` is then the bank's payment reference.
    payer = models.CharField(_("payer's IIN/BIN"), max_length=12, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gateway_id"], condition=~models.Q(gateway_id=""),
                                               name="payment_gateway_id_unique")]


class ExchangeLog(models.Model):
    """One message exchanged with an outside system (X-Road style message log).

    Bodies are stored without the signature or secret; the digests are of the exact bytes sent/received."""

    class Outcome(models.TextChoices):
        OK = "ok", _("answered")
        NOT_FOUND = "not_found", _("not found")
        REFUSED = "refused", _("refused by the system")
        REJECTED = "rejected", _("our credentials refused")
        UNAVAILABLE = "unavailable", _("unavailable")
        BAD_SIGNATURE = "bad_signature", _("answer signature invalid")
        FORGED = "forged", _("forged message refused")
        DUPLICATE = "duplicate", _("repeated message, nothing changed")

    at = models.DateTimeField(db_index=True)
    system = models.CharField(max_length=20)
    operation = models.CharField(max_length=40)
    direction = models.CharField(max_length=3, help_text="out: we called; in: the system called us")
    method = models.CharField(max_length=8)
    url = models.CharField(max_length=500)
    correlation_id = models.CharField(max_length=64, db_index=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    application = models.ForeignKey("applications.Application", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="exchanges")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    request_sha256 = models.CharField(max_length=64)
    response_sha256 = models.CharField(max_length=64, blank=True)
    request_body = models.JSONField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    duration_ms = models.FloatField(default=0)
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]


class TrustItem(models.Model):
    """One piece of the EDS trust store, shared by every app server: a trusted root, an intermediate CA
    certificate or a CRL, as the PEM or DER bytes a trust folder's file holds (docs/signatures.md).

    Rows are added and deleted, never changed in place: ``integrations.trust`` notices a change by the
    count, the highest id and the latest ``added_at``."""

    class Kind(models.TextChoices):
        ROOT = "root", _("trusted root certificate")
        INTERMEDIATE = "intermediate", _("intermediate CA")
        CRL = "crl", _("revocation list (CRL)")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    name = models.CharField(max_length=200, help_text="file name it came as (a label; unique per kind)")
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    source = models.CharField(max_length=300, blank=True,
                              help_text="'upload' (administration page) or 'import:<folder>' (import_trust_dir)")

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="trust_item_kind_name_unique")]
