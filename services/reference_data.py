"""Reference data the regulations leave open (spec §9), with plausible demo values: the regions and
provider units here, each service's own (fees, documents, checklist) in its package's reference_data.
`load_reference_data()` is idempotent: it adds what is missing and leaves what an administrator changed
alone.
"""
import datetime

from django.db import transaction

from core.identifiers import complete
from services import registry
from services.models import Fee, ProviderUnit, QualificationRequirement, Region, RequiredDocument

# Regions and the cities of republican significance (one Inspection each).
REGIONS = [
    ("astana", "Астана қаласы", "город Астана", "Astana city"),
    ("almaty-city", "Алматы қаласы", "город Алматы", "Almaty city"),
    ("shymkent", "Шымкент қаласы", "город Шымкент", "Shymkent city"),
    ("abai", "Абай облысы", "Абайская область", "Abai region"),
    ("akmola", "Ақмола облысы", "Акмолинская область", "Akmola region"),
    ("aktobe", "Ақтөбе облысы", "Актюбинская область", "Aktobe region"),
    ("almaty", "Алматы облысы", "Алматинская область", "Almaty region"),
    ("atyrau", "Атырау облысы", "Атырауская область", "Atyrau region"),
    ("east-kazakhstan", "Шығыс Қазақстан облысы", "Восточно-Казахстанская область", "East Kazakhstan region"),
    ("zhambyl", "Жамбыл облысы", "Жамбылская область", "Zhambyl region"),
    ("zhetisu", "Жетісу облысы", "Область Жетісу", "Zhetisu region"),
    ("west-kazakhstan", "Батыс Қазақстан облысы", "Западно-Казахстанская область", "West Kazakhstan region"),
    ("karaganda", "Қарағанды облысы", "Карагандинская область", "Karaganda region"),
    ("kostanay", "Қостанай облысы", "Костанайская область", "Kostanay region"),
    ("kyzylorda", "Қызылорда облысы", "Кызылординская область", "Kyzylorda region"),
    ("mangystau", "Маңғыстау облысы", "Мангистауская область", "Mangystau region"),
    ("pavlodar", "Павлодар облысы", "Павлодарская область", "Pavlodar region"),
    ("north-kazakhstan", "Солтүстік Қазақстан облысы", "Северо-Казахстанская область", "North Kazakhstan region"),
    ("turkistan", "Түркістан облысы", "Туркестанская область", "Turkistan region"),
    ("ulytau", "Ұлытау облысы", "Область Ұлытау", "Ulytau region"),
]

def demo_unit_bin(index: int) -> str:
    """A demo BIN of a provider unit (0: the Committee, 1…: the Inspections in REGIONS' order)."""
    for tail in range(10):
        number = complete(f"9902400{index:03d}{tail}")
        if number:
            return number
    raise ValueError(index)


@transaction.atomic
def load_reference_data():
    for index, (code, kk, ru, en) in enumerate(REGIONS, start=1):
        region, _ = Region.objects.get_or_create(code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en))
        ProviderUnit.objects.get_or_create(
            code=f"inspection-{code}",
            defaults=dict(
                kind=ProviderUnit.Kind.INSPECTION, region=region,
                name_kk=f"{kk} бойынша байланыс және ақпараттандыру инспекциясы",
                name_ru=f"Инспекция связи и информатизации по региону: {ru}",
                name_en=f"Inspection of Communications and Informatization, {en}",
                bin=demo_unit_bin(index),
            ),
        )
    ProviderUnit.objects.get_or_create(
        code="committee",
        defaults=dict(
            kind=ProviderUnit.Kind.COMMITTEE, name_kk="Байланыс және ақпараттандыру комитеті",
            name_ru="Комитет связи и информатизации", name_en="Committee of Communications and Informatization",
            bin=demo_unit_bin(0),
        ),
    )
    codes = ["committee"] + [f"inspection-{code}" for code, *_ in REGIONS]
    for unit in ProviderUnit.objects.filter(bin="", code__in=codes):  # rows made before units had a BIN
        unit.bin = demo_unit_bin(codes.index(unit.code))
        unit.save(update_fields=["bin"])
    for service in registry.all_services():
        load_service_reference_data(service)


def load_service_reference_data(service):
    """A service's fees, documents and qualification checklist (its package's reference_data module)."""
    data = service.module("reference_data")
    if data is None:
        return
    for sub_kind, amount in getattr(data, "FEES", {}).items():
        Fee.objects.get_or_create(
            service=service.code, sub_kind=sub_kind, valid_from=datetime.date(2012, 11, 26),
            defaults=dict(amount_kzt=amount, is_demo_value=True),
        )
    for sub_kind, code, kk, ru, en in getattr(data, "DOCUMENTS", []):
        RequiredDocument.objects.get_or_create(
            service=service.code, sub_kind=sub_kind, code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en)
        )
    for code, tkk, tru, ten, rkk, rru, ren in getattr(data, "QUALIFICATION", []):
        QualificationRequirement.objects.get_or_create(
            service=service.code, code=code,
            defaults=dict(text_kk=tkk, text_ru=tru, text_en=ten, refusal_reason_kk=rkk, refusal_reason_ru=rru,
                          refusal_reason_en=ren),
        )
    if hasattr(data, "load"):
        data.load()
