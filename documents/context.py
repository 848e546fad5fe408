"""What a layout may read: the request, the document, the signer, reference data, all in kk and ru."""
from __future__ import annotations

import datetime as dt
from functools import cached_property

from django.utils import timezone

from services import registry as services

CERTIFICATE_REASONS = {
    "expired": ("Сертификаттың мерзімі өткен", "Срок действия сертификата истек"),
    "revoked": ("Сертификат кері қайтарылған", "Сертификат отозван"),
    "identity_mismatch": ("ЖСН/БСН сәйкес келмейді", "ИИН/БИН не совпадает"),
    "wrong_purpose": ("Сертификат қол қоюға арналмаған", "Сертификат не предназначен для подписи"),
    "signature_invalid": ("Қолтаңба жарамсыз", "Подпись недействительна"),
}
ASTANA = ("Астана қаласы", "город Астана")
# Validity of a radio permit (S3, S4): the regulations leave it open; demo value, see docs/documents.md.
PERMIT_YEARS = 5


class Context:
    def __init__(self, document, signer_name: str, licence_number: str | None = None):
        self.document = document
        self.app = document.application
        self.form = self.app.form_data or {}
        self.signer_name = signer_name
        self.licence_number = licence_number or document.number

    @property
    def variant(self) -> str:
        """'reissue' or 'duplicate' for a new version of a registry record, else ''."""
        content = self.document.content
        if content.get("variant"):
            return content["variant"]
        return self.service.sub_kind(self.app.sub_kind).record_action

    @property
    def holder_name(self) -> str:
        return self.document.content.get("holder_name") or self.app.applicant_name

    @property
    def address(self) -> str:
        return (self.document.content.get("address") or self.form.get("new_address")
                or self.registry_data.get("address", ""))

    @cached_property
    def registry_data(self) -> dict:
        """The applicant's registry data: kept on the request (staff channel), else asked once now (portal)."""
        data = dict(self.app.registry_data or {})
        if self.app.applicant_bin and "address" not in data:
            try:
                from integrations import adapters

                result = adapters.registry().legal_entity(self.app.applicant_bin)
                if result.found:
                    data.update(result.data)
            except Exception:  # noqa: BLE001 - the document is still issued, without the address
                import logging

                logging.getLogger(__name__).warning("registry data unavailable for %s", self.app.applicant_bin)
        return data

    @staticmethod
    def date(value) -> str:
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value).date()
        return value.strftime("%d.%m.%Y") if value else ""

    def iso_date(self, value) -> str:
        return self.date(dt.date.fromisoformat(value)) if value else ""

    @cached_property
    def service(self):
        return services.get(self.app.service)

    @property
    def service_name(self) -> tuple[str, str]:
        """The state service as the regulation names it (spec §8), in Kazakh and Russian."""
        return self.service.official_name

    @cached_property
    def body(self) -> tuple[str, str]:
        unit = self.app.provider_unit
        if unit is None:
            from services.models import ProviderUnit

            unit = ProviderUnit.objects.filter(kind="committee").first()
        return (unit.name_kk, unit.name_ru) if unit else ("", "")

    @cached_property
    def city(self) -> tuple[str, str]:
        unit = self.app.provider_unit
        if unit is not None and unit.region_id:
            return unit.region.name_kk, unit.region.name_ru
        return ASTANA

    @cached_property
    def region(self) -> tuple[str, str]:
        region = self.app.region
        return (region.name_kk, region.name_ru) if region else ("", "")

    @cached_property
    def valid_until(self) -> str:
        issued = timezone.localtime(self.document.issued_at).date()
        try:
            until = issued.replace(year=issued.year + PERMIT_YEARS)
        except ValueError:  # 29 February
            until = issued.replace(year=issued.year + PERMIT_YEARS, day=28)
        return self.date(until)

    def subtypes(self) -> list[tuple[str, str, str]]:
        from services.models import LicenceSubtype

        codes = self.form.get("subtypes") or []
        if not codes and self.document.content.get("subtypes"):
            codes = self.document.content["subtypes"]
        names = {s.code: (s.name_kk, s.name_ru) for s in LicenceSubtype.objects.filter(code__in=codes)}
        return [(*names.get(code, (code, code)), code) for code in codes]

    def document_names(self, codes) -> list[tuple[str, str]]:
        from services.models import RequiredDocument

        names = {d.code: (d.name_kk, d.name_ru) for d in RequiredDocument.objects.filter(service=self.app.service)}
        return [names.get(code, (code, code)) for code in codes]

    def documents_presented(self) -> list[str]:
        from django.db.models import Q

        from services.models import RequiredDocument

        missing = set(self.document.content.get("documents_missing") or [])
        rows = RequiredDocument.objects.filter(service=self.app.service, mandatory=True).filter(
            Q(sub_kind="") | Q(sub_kind=self.app.sub_kind)).order_by("id")
        return [r.code for r in rows if r.code not in missing]

    def reason_texts(self, reasons) -> list[tuple[str, str]]:
        from services.models import QualificationRequirement

        qualification = {q.code: (q.refusal_reason_kk, q.refusal_reason_ru)
                         for q in QualificationRequirement.objects.filter(service=self.app.service)}
        texts = []
        for reason in reasons:
            reason = str(reason)
            if reason.startswith("missing:"):
                (kk, ru), = self.document_names([reason.split(":", 1)[1]])
                texts.append((f"Жетіспейтін құжат: {kk}", f"Отсутствует документ: {ru}"))
            elif reason in qualification:
                texts.append(qualification[reason])
            elif reason in CERTIFICATE_REASONS:
                texts.append(CERTIFICATE_REASONS[reason])
            else:
                texts.append((reason, reason))
        return texts
