"""Powers of attorney: who may file and sign a request for someone else (regulation §5: "Applicant may act
through a representative: a legal entity's by a document, an individual's by a notarised power of attorney").

A power of attorney names the principal (a person by the IIN, or a legal entity by the BIN, with the name as it
was when recorded), the representative (the IIN; their portal account once known), the services (and, per
service, the sub-kinds; none listed: all of them) it covers, its dates and its document (number, date, the PDF
scan). Recorded by the principal on the portal or by the provider's staff from a paper request; revoked, never
deleted. The rules live in ``clean()`` and ``representation.actions``; docs/representatives.md.
"""
from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.identifiers import is_valid_bin, is_valid_iin


def scan_path(instance, filename):
    return f"powers-of-attorney/{instance.sha256}"


class PowerOfAttorney(models.Model):
    class Kind(models.TextChoices):
        # An individual's representative acts by a notarised power of attorney.
        NOTARISED = "notarised", _("notarised power of attorney")
        # A legal entity's representative acts by a document of the entity (its power of attorney, signed by
        # its head and sealed, or an order naming the employee).
        COMPANY_DOCUMENT = "company_document", _("document of the legal entity")

    class RecordedVia(models.TextChoices):
        PORTAL = "portal", _("on the portal, by the principal")
        STAFF = "staff", _("by the provider's staff, from a paper request")

    # Whom it represents: a person (IIN) or a legal entity (BIN); exactly one of the two.
    principal_iin = models.CharField(_("principal's IIN"), max_length=12, blank=True, db_index=True)
    principal_bin = models.CharField(_("principal's BIN"), max_length=12, blank=True, db_index=True)
    principal_name = models.CharField(_("principal"), max_length=300)
    # Who acts.
    representative_iin = models.CharField(_("representative's IIN"), max_length=12, db_index=True)
    representative_name = models.CharField(_("representative"), max_length=300, blank=True)
    representative_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("representative's account"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="powers_held",
    )
    # What for: {service code: [sub-kind codes]} — an empty list covers every sub-kind of the service.
    scope = models.JSONField(_("services covered"), default=dict)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    kind = models.CharField(_("kind of document"), max_length=20, choices=Kind.choices)
    document_number = models.CharField(_("document number"), max_length=60)
    document_date = models.DateField(_("document date"))
    # The scan (a PDF, checked by applications.uploads before it is stored; Django's storage like attachments).
    scan = models.FileField(_("scan"), upload_to=scan_path)
    scan_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)

    recorded_via = models.CharField(_("recorded"), max_length=10, choices=RecordedVia.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("power of attorney")
        verbose_name_plural = _("powers of attorney")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(principal_iin="") & ~models.Q(principal_bin=""))
                | (~models.Q(principal_iin="") & models.Q(principal_bin="")),
                name="poa_one_principal"),
            models.CheckConstraint(condition=models.Q(valid_from__lte=models.F("valid_to")), name="poa_dates"),
            # The regulation's rule, kept by the database too: a legal entity's by its document, an
            # individual's by a notarised power of attorney.
            models.CheckConstraint(
                condition=(~models.Q(principal_bin="") & models.Q(kind="company_document"))
                | (~models.Q(principal_iin="") & models.Q(kind="notarised")),
                name="poa_kind_matches_principal"),
        ]

    def __str__(self):
        return self.document_number

    @property
    def principal_id_number(self) -> str:
        return self.principal_bin or self.principal_iin

    @property
    def for_legal_entity(self) -> bool:
        return bool(self.principal_bin)

    @staticmethod
    def kind_for(principal_bin: str) -> str:
        """The kind of document the regulation asks for this principal."""
        return PowerOfAttorney.Kind.COMPANY_DOCUMENT if principal_bin else PowerOfAttorney.Kind.NOTARISED

    def covers(self, service: str, sub_kind: str = "", on: datetime.date | None = None) -> bool:
        """Whether it lets its representative act on ``service`` (and ``sub_kind``) on the day ``on``."""
        if self.revoked_at is not None:
            return False
        if on is not None and not self.valid_from <= on <= self.valid_to:
            return False
        if service not in self.scope:
            return False
        kinds = self.scope[service] or []
        return not kinds or not sub_kind or sub_kind in kinds

    def clean(self):
        from services import registry

        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if bool(self.principal_iin) == bool(self.principal_bin):
            add("principal_iin", _("Give either the principal's IIN (a person) or BIN (a legal entity)."))
        if self.principal_iin and not is_valid_iin(self.principal_iin):
            add("principal_iin", _("The principal's IIN is not a valid IIN."))
        if self.principal_bin and not is_valid_bin(self.principal_bin):
            add("principal_bin", _("The principal's BIN is not a valid BIN."))
        if not is_valid_iin(self.representative_iin or ""):
            add("representative_iin", _("The representative's IIN is not a valid IIN."))
        elif self.representative_iin == self.principal_iin:
            add("representative_iin", _("A person cannot be their own representative."))
        if self.principal_bin and self.kind != self.Kind.COMPANY_DOCUMENT:
            add("kind", _("A legal entity's representative acts by a document of the legal entity."))
        if self.principal_iin and self.kind != self.Kind.NOTARISED:
            add("kind", _("An individual's representative acts by a notarised power of attorney."))
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            add("valid_to", _("The power of attorney ends before it starts."))
        if self.document_date and self.valid_to and self.document_date > self.valid_to:
            add("document_date", _("The document is dated after the power of attorney ends."))
        scope = self.scope if isinstance(self.scope, dict) else None
        if not scope:
            add("scope", _("Choose at least one service the power of attorney covers."))
        else:
            for code, kinds in scope.items():
                offered = registry.find(code)
                if offered is None or not isinstance(kinds, list) or any(
                        not offered.has_sub_kind(k) for k in kinds):
                    add("scope", _("The power of attorney names a service or a kind of request that is not offered."))
                    break
        if errors:
            raise ValidationError(errors)
