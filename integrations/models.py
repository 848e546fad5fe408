"""State kept on the E-licensing side of the outside systems."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Payment(models.Model):
    """A fee payment through the payment gateway."""

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
