"""The preliminary hearing before a refusal on the substance (APC, art. 73; docs/refusals.md): the notice of
the intended refusal with its ground, the applicant's answer within the term, and the decision taken after."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hearing(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "", _("not decided yet")
        REFUSED = "refuse", _("refused")
        APPROVED = "approve", _("approved")

    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="hearings")
    ground = models.CharField(max_length=60)  # the intended ground's code (the service's refusals.GROUNDS)
    reasons = models.JSONField(default=list, blank=True)  # the intended refusal's reasons, as the officer gave them
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    notified_at = models.DateTimeField()
    term = models.CharField(max_length=40)  # as the definition words it, e.g. "3 working days"
    answer_due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # answered, or the term passed without an answer
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-notified_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["application"], condition=models.Q(closed_at__isnull=True),
                                               name="hearing_one_open_per_request")]

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def open(self) -> bool:
        return self.closed_at is None
