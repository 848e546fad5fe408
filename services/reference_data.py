"""Reference data the regulations leave open (spec §9), with plausible demo
values. `load_reference_data()` is idempotent: it adds what is missing and
leaves what an administrator changed alone.
"""
import datetime

from django.db import transaction

from services.models import Fee, LicenceSubtype, ProviderUnit, QualificationRequirement, Region, RequiredDocument

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

LICENCE_SUBTYPES = [
    ("long-distance-telephony", "Қалааралық және (немесе) халықаралық телефон байланысы",
     "Междугородная и (или) международная телефонная связь", "Long-distance and/or international telephone communication"),
    ("cellular", "Ұялы байланыс", "Сотовая связь", "Cellular communication"),
]

# Demo values, marked as such: the regulations do not fix the amounts.
FEES = [("S1", "issue", 21_625), ("S1", "reissue", 2_163), ("S1", "duplicate", 2_163), ("S3", "assignment", 4_325)]

DOCUMENTS = [
    ("S1", "", "application", "Өтініш", "Заявление", "Application"),
    ("S1", "issue", "qualification-evidence", "Біліктілік талаптарына сәйкестікті растайтын құжаттар",
     "Документы, подтверждающие соответствие квалификационным требованиям", "Evidence of meeting the qualification requirements"),
    ("S1", "reissue", "change-evidence", "Өзгерісті растайтын құжат", "Документ, подтверждающий изменение", "Evidence of the change"),
    ("S2", "", "application", "Өтініш", "Заявление", "Application"),
    ("S2", "allocate", "numbering-justification", "Нөмірлеу ресурсының қажеттілігін негіздеу",
     "Обоснование потребности в номерном ресурсе", "Justification of the need for numbering resource"),
    ("S3", "", "application", "Өтініш", "Заявление", "Application"),
    ("S3", "", "technical-data", "Радиоэлектрондық құралдың техникалық деректері",
     "Технические данные радиоэлектронного средства", "Technical data of the radio station"),
    ("S4", "", "application", "Өтініш", "Заявление", "Application"),
    ("S4", "", "device-certificate", "Құрылғының сәйкестік сертификаты", "Сертификат соответствия устройства",
     "Conformity certificate of the device"),
]

QUALIFICATION = [
    ("S1", "technical-base", "Техникалық база бар", "Наличие технической базы", "The applicant has the technical base",
     "Техникалық база жоқ", "Отсутствует техническая база", "The applicant lacks the technical base"),
    ("S1", "staff", "Білікті мамандар бар", "Наличие квалифицированных специалистов", "The applicant has qualified staff",
     "Білікті мамандар жоқ", "Отсутствуют квалифицированные специалисты", "The applicant lacks qualified staff"),
    ("S2", "plan-conformity", "Нөмірлеу жоспарына сәйкес", "Соответствие плану нумерации", "The request conforms to the numbering plan",
     "Нөмірлеу жоспарына сәйкес емес", "Не соответствует плану нумерации", "The request does not conform to the numbering plan"),
    ("S3", "band-available", "Жиілік жолағы бос", "Полоса частот свободна", "The band is free at the location",
     "Жиілік жолағы бос емес", "Полоса частот занята", "The band is not free at the location"),
    ("S4", "device-conformity", "Құрылғы сәйкес", "Устройство соответствует требованиям", "The device conforms",
     "Құрылғы сәйкес емес", "Устройство не соответствует требованиям", "The device does not conform"),
]


@transaction.atomic
def load_reference_data():
    for code, kk, ru, en in REGIONS:
        region, _ = Region.objects.get_or_create(code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en))
        ProviderUnit.objects.get_or_create(
            code=f"inspection-{code}",
            defaults=dict(
                kind=ProviderUnit.Kind.INSPECTION, region=region,
                name_kk=f"{kk} бойынша байланыс және ақпараттандыру инспекциясы",
                name_ru=f"Инспекция связи и информатизации по региону: {ru}",
                name_en=f"Inspection of Communications and Informatization, {en}",
            ),
        )
    ProviderUnit.objects.get_or_create(
        code="committee",
        defaults=dict(
            kind=ProviderUnit.Kind.COMMITTEE, name_kk="Байланыс және ақпараттандыру комитеті",
            name_ru="Комитет связи и информатизации", name_en="Committee of Communications and Informatization",
        ),
    )
    for code, kk, ru, en in LICENCE_SUBTYPES:
        LicenceSubtype.objects.get_or_create(code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en))
    for service, sub_kind, amount in FEES:
        Fee.objects.get_or_create(
            service=service, sub_kind=sub_kind, valid_from=datetime.date(2012, 11, 26),
            defaults=dict(amount_kzt=amount, is_demo_value=True),
        )
    for service, sub_kind, code, kk, ru, en in DOCUMENTS:
        RequiredDocument.objects.get_or_create(
            service=service, sub_kind=sub_kind, code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en)
        )
    for service, code, tkk, tru, ten, rkk, rru, ren in QUALIFICATION:
        QualificationRequirement.objects.get_or_create(
            service=service, code=code,
            defaults=dict(text_kk=tkk, text_ru=tru, text_en=ten, refusal_reason_kk=rkk, refusal_reason_ru=rru,
                          refusal_reason_en=ren),
        )
