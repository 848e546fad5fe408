"""The public service centre's electronic queue (regulation §5): tickets issued at the desk and slots
booked in advance on the portal; no express lane. A ticket measures the 20-minute norm: from the call
to the receipt (or the refusal receipt)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

NORM_SECONDS = 20 * 60  # §5: processing at the PSC ≤ 20 minutes


def desk_service():
    """The service the desk serves: the one offered through the PSC channel today (S2, 2015 regulation)."""
    from django.utils import timezone

    from services import registry
    from workflow.definitions import definition_for

    today = timezone.localdate()
    return next((s for s in registry.all_services() if definition_for(s.code, "psc", today)), None)


def desk_service_code() -> str:
    service = desk_service()
    return service.code if service else ""


class Ticket(models.Model):
    class Kind(models.TextChoices):
        DESK = "desk", _("issued at the desk")
        BOOKED = "booked", _("booked on the portal")

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("being served")
        SERVED = "served", _("served")
        NO_SHOW = "no_show", _("did not come")
        CANCELLED = "cancelled", _("cancelled")

    number = models.CharField(max_length=12)
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    service = models.CharField(max_length=2, default=desk_service_code)
    sub_kind = models.CharField(max_length=30, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    slot_at = models.DateTimeField(null=True, blank=True, help_text="booked slot")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(auto_now_add=True)
    called_at = models.DateTimeField(null=True, blank=True)
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    application = models.OneToOneField("applications.Application", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="psc_ticket")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="receipt or refusal receipt issued")
    duration_seconds = models.FloatField(null=True, blank=True)
    within_norm = models.BooleanField(null=True)
    outcome = models.CharField(max_length=20, blank=True, help_text="receipt / refusal_receipt")

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["day", "number"], name="psc_ticket_number_unique")]
        indexes = [models.Index(fields=["status", "kind", "slot_at"], name="psc_ticket_queue")]

    def __str__(self):
        return self.number

    @property
    def norm_seconds(self) -> int:
        return NORM_SECONDS
