"""What a layout may read: the request, the document, the signer, reference data, all in kk and ru.

Everything a layout prints comes out of here as a person's text: a code through its label in Kazakh and
Russian (the forms' choice labels, translated with ``translation.override``; reference data's
``name_kk`` / ``name_ru``), a date as dd.mm.yyyy in Almaty time, an amount as "21 625 ₸", a frequency as
"900,2 МГц"."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import cached_property
from zoneinfo import ZoneInfo

from django.utils import timezone, translation

from services import registry as services

ALMATY = ZoneInfo("Asia/Almaty")
NBSP = "\u00a0"  # between the digit groups of an amount, and before the unit
# The state databases' answers that make a request's data unusable (integrations.registry.unusable_reason).
REGISTRY_REASONS = {
    "not_found": ("Көрсетілетін қызметті алушының деректері мемлекеттік дерекқорда табылмады",
                  "Данные услугополучателя не найдены в государственной базе данных"),
    "deceased": ("Мемлекеттік дерекқордың деректері бойынша жеке тұлға қайтыс болған",
                 "По данным государственной базы данных физическое лицо умерло"),
    "liquidated": ("Мемлекеттік дерекқордың деректері бойынша заңды тұлға таратылған",
                   "По данным государственной базы данных юридическое лицо ликвидировано"),
}
ASTANA = ("Астана қаласы", "город Астана")
# The Ministry the issuing Committee belongs to, as the regulation the request was filed under names it:
# Order No. 809 of 26.11.2012 of the Minister of Transport and Communications (the 2012 regulations, item 1
# of each: "Қазақстан Республикасы Көлік және коммуникация министрлігінің Байланыс және ақпараттандыру
# комитеті"; appendix 4, the licence form: "Қазақстан Республикасының Көлік және коммуникация министрлігі.
# Байланыс және ақпараттандыру комитеті"), and the 2015 S2 regulation of the acting Minister for Investment and
# Development (item 1: "Қазақстан Республикасы Инвестициялар және даму министрлігінің … комитеті").
MINISTRIES = {
    "2012": ("Қазақстан Республикасының Көлік және коммуникация министрлігі",
             "Министерство транспорта и коммуникаций Республики Казахстан"),
    "2015": ("Қазақстан Республикасының Инвестициялар және даму министрлігі",
             "Министерство по инвестициям и развитию Республики Казахстан"),
}
# The system's own seal (receipts, automatic refusals): no officer signs these.
SEAL = ("«Е-лицензиялау» мемлекеттік дерекқорының ақпараттық жүйесі (автоматты түрде қалыптастырылды)",
        "Информационная система государственной базы данных «Е-лицензирование» (сформировано автоматически)")
OFFICER = ("Уәкілетті лауазымды тұлға", "Уполномоченное должностное лицо")
# Validity of a radio permit (S3, S4): the regulations leave it open; demo value, see docs/documents.md.
PERMIT_YEARS = 5


def both(label) -> tuple[str, str]:
    """A translatable label (a form's choice label, a lazy string) in Kazakh and in Russian."""
    texts = []
    for lang in ("kk", "ru"):
        with translation.override(lang):
            texts.append(str(label))
    return texts[0], texts[1]


def grouped(value) -> str:
    """A whole number with its digit groups apart: 10000 → "10 000" (no-break spaces)."""
    return f"{int(value):,}".replace(",", NBSP)


def amount(value) -> str:
    """Whole tenge: 21625 → "21 625 ₸" (no-break spaces)."""
    return f"{grouped(value)}{NBSP}₸"


def decimal(value) -> str:
    """A decimal number as written in Kazakh and Russian: "900.20" → "900,2", "2500" → "2500"."""
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def mhz(value) -> str:
    """A frequency in MHz: "900,2 МГц" (the unit is МГц in Kazakh as in Russian)."""
    return f"{decimal(value)}{NBSP}МГц"


class Context:
    def __init__(self, document, signer_name: str, licence_number: str | None = None):
        self.document = document
        self.app = document.application
        self.form = self.app.form_data or {}
        signer = getattr(document, "signer", None)
        self.signer_name = signer_name or (signer.full_name() if signer is not None else "")
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
        """dd.mm.yyyy; a moment in Almaty time."""
        if isinstance(value, dt.datetime):
            value = timezone.localtime(value, ALMATY).date()
        return value.strftime("%d.%m.%Y") if value else ""

    @staticmethod
    def moment(value) -> str:
        """dd.mm.yyyy HH:MM in Almaty time."""
        return timezone.localtime(value, ALMATY).strftime("%d.%m.%Y %H:%M") if value else ""

    both = staticmethod(both)
    amount = staticmethod(amount)
    grouped = staticmethod(grouped)
    decimal = staticmethod(decimal)
    mhz = staticmethod(mhz)

    def choice(self, name: str, code, form_class=None) -> tuple[str, str]:
        """A code the request form offers as a choice (``name``), as its label in kk and ru."""
        if code in (None, ""):
            return "", ""
        form = form_class() if form_class is not None else self.service.form(self.app.sub_kind)
        labels = dict(form.fields[name].choices) if name in form.fields else {}
        label = labels.get(code)
        return both(label) if label is not None else (str(code), str(code))

    @cached_property
    def paid(self) -> str:
        """The fee the applicant paid for the request ("4 325 ₸"), "" for a free service."""
        from integrations.models import Payment

        payment = Payment.objects.filter(application_id=self.app.pk, status=Payment.Status.PAID).order_by("-id").first()
        return amount(payment.amount_kzt) if payment else ""

    @cached_property
    def fee(self) -> str:
        """The fee the request was asked to pay ("21 625 ₸"): its payment's amount — what was asked of this
        request, never the fee in force when the document is drawn; none asked: empty."""
        from integrations.models import Payment

        payment = Payment.objects.filter(application_id=self.app.pk).order_by("-id").first()
        return amount(payment.amount_kzt) if payment is not None else ""

    def coordinates(self, latitude, longitude) -> tuple[str, str]:
        """Latitude and longitude in degrees (north, east): kk "43,238° с. е., 76,889° ш. б."."""
        if latitude in (None, "") or longitude in (None, ""):
            return "", ""
        lat, lon = decimal(latitude), decimal(longitude)
        return f"{lat}° с. е., {lon}° ш. б.", f"{lat}° с. ш., {lon}° в. д."

    @cached_property
    def signer(self):
        return getattr(self.document, "signer", None)

    @property
    def signer_position(self) -> tuple[str, str]:
        """The signer's position as the document prints it (the system seal: the system's name)."""
        user = self.signer
        if user is None:
            return SEAL
        kk, ru = getattr(user, "position_kk", ""), getattr(user, "position_ru", "")
        return (kk or ru or OFFICER[0], ru or kk or OFFICER[1])

    @property
    def signer_line(self) -> tuple[str, str]:
        """Position, then the name on the next line (the system seal: the system's name alone)."""
        if self.signer is None:
            return SEAL
        kk, ru = self.signer_position
        name = self.signer_name
        return (f"{kk}\n{name}".strip(), f"{ru}\n{name}".strip())

    @property
    def regulation(self) -> str:
        """The year of the regulation the request was filed under ("2012", "2015")."""
        definition = getattr(self.app, "definition", None)
        version = getattr(definition, "version", "") or "2012"
        return version if version in MINISTRIES else "2012"

    @property
    def ministry(self) -> tuple[str, str]:
        return MINISTRIES[self.regulation]

    @cached_property
    def letterhead(self) -> list[tuple[str, str]]:
        """The issuing body as the regulation names it: the Ministry, its Committee, and for a regional
        Inspection (S3, S4) the Inspection."""
        from services.models import ProviderUnit

        lines = [self.ministry]
        unit = self.app.provider_unit
        committee = ProviderUnit.objects.filter(kind=ProviderUnit.Kind.COMMITTEE).first()
        if committee is not None:
            lines.append((committee.name_kk, committee.name_ru))
        if unit is not None and unit.kind == ProviderUnit.Kind.INSPECTION:
            lines.append((unit.name_kk, unit.name_ru))
        return lines

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
        issued = timezone.localtime(self.document.issued_at, ALMATY).date()
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
        """Each reason of a refusal as a sentence: a qualification item's refusal text, a missing document, a
        state database's answer, an EDS check's message (integrations.signatures), or the officer's words."""
        from applications.signing import reason_message
        from integrations.signatures import REASON_MESSAGES
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
            elif reason in REGISTRY_REASONS:
                texts.append(REGISTRY_REASONS[reason])
            elif reason in REASON_MESSAGES or reason == "content_changed":
                texts.append(both(reason_message(reason)))
            else:
                texts.append((reason, reason))
        return texts
