"""S1 reference data the regulation leaves open (spec §9): demo values, marked as such."""

# The fee per sub-kind, in whole tenge (demo values: the regulation does not fix the amounts).
FEES = {"issue": 21_625, "reissue": 2_163, "duplicate": 2_163}

# (sub-kind or "" for every sub-kind, code, Kazakh, Russian, English)
DOCUMENTS = [
    ("", "application", "Өтініш", "Заявление", "Application"),
    ("issue", "qualification-evidence", "Біліктілік талаптарына сәйкестікті растайтын құжаттар",
     "Документы, подтверждающие соответствие квалификационным требованиям", "Evidence of meeting the qualification requirements"),
    ("reissue", "change-evidence", "Өзгерісті растайтын құжат", "Документ, подтверждающий изменение", "Evidence of the change"),
]

# (code, requirement kk/ru/en, refusal reason kk/ru/en): the qualification checklist.
QUALIFICATION = [
    ("technical-base", "Техникалық база бар", "Наличие технической базы", "The applicant has the technical base",
     "Техникалық база жоқ", "Отсутствует техническая база", "The applicant lacks the technical base"),
    ("staff", "Білікті мамандар бар", "Наличие квалифицированных специалистов", "The applicant has qualified staff",
     "Білікті мамандар жоқ", "Отсутствуют квалифицированные специалисты", "The applicant lacks qualified staff"),
]

# The sub-types of communication services a licence lists in its appendix.
LICENCE_SUBTYPES = [
    ("long-distance-telephony", "Қалааралық және (немесе) халықаралық телефон байланысы",
     "Междугородная и (или) международная телефонная связь", "Long-distance and/or international telephone communication"),
    ("cellular", "Ұялы байланыс", "Сотовая связь", "Cellular communication"),
]


def load():
    """What S1 adds to the common reference data: the licence sub-types."""
    from services.models import LicenceSubtype

    for code, kk, ru, en in LICENCE_SUBTYPES:
        LicenceSubtype.objects.get_or_create(code=code, defaults=dict(name_kk=kk, name_ru=ru, name_en=en))
