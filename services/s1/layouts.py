"""S1: the state licence (spec §7; appendix 4 of the 2012 regulation, the form "МЕМЛЕКЕТТІК ЛИЦЕНЗИЯ")
and its appendix (the licensed sub-types)."""
from documents.layouts import Field, Section, document
from hearings.layouts import build as refusal
from hearings.layouts import notice as hearing_notice
from services.s1.forms import LicenceReissueForm

TITLE = ("МЕМЛЕКЕТТІК ЛИЦЕНЗИЯ", "ГОСУДАРСТВЕННАЯ ЛИЦЕНЗИЯ")
APPENDIX = ("МЕМЛЕКЕТТІК ЛИЦЕНЗИЯҒА ҚОСЫМША", "ПРИЛОЖЕНИЕ К ГОСУДАРСТВЕННОЙ ЛИЦЕНЗИИ")
# The type of activity as the Law on Licensing names it, and the special conditions (art. 9 of that law).
ACTIVITY = ("Байланыс саласындағы қызметтерді көрсету", "Предоставление услуг в области связи")
CONDITIONS = ("Иеліктен шығарылмайтын, 1-сынып", "Неотчуждаемая, класс 1")
SUBKIND = {
    "issue": None,
    "reissue": ("Қайта ресімделген", "Переоформленная"),
    "duplicate": ("ТЕЛНҰСҚА", "ДУБЛИКАТ"),
}


def issued_to(ctx) -> str:
    """Legal entity: full name, location, requisites; individual: surname, name, patronymic (and IIN)."""
    app = ctx.app
    if app.applicant_bin:
        parts = [ctx.holder_name, ctx.address, f"БСН/БИН {app.applicant_bin}"]
    else:
        parts = [ctx.holder_name, ctx.address if ctx.variant == "reissue" else "", f"ЖСН/ИИН {app.applicant_iin}"]
    return ", ".join(p for p in parts if p)


def build(ctx):
    form = ctx.form
    body = (f"{ctx.ministry[0]}. {ctx.body[0]}", f"{ctx.ministry[1]}. {ctx.body[1]}")
    territory = form.get("territory") or ""
    conditions = (f"{CONDITIONS[0]}; аумағы: {territory}" if territory else CONDITIONS[0],
                  f"{CONDITIONS[1]}; территория: {territory}" if territory else CONDITIONS[1])
    main = [
        Field("Берілді", "Выдана", issued_to(ctx)),
        Field("Қызмет түрі", "Вид деятельности", value_kk=ACTIVITY[0], value_ru=ACTIVITY[1]),
        Field("Лицензия қолданылуының айрықша жағдайлары", "Особые условия действия лицензии",
              value_kk=conditions[0], value_ru=conditions[1]),
        Field("Лицензияны берген орган", "Орган, выдавший лицензию", value_kk=body[0], value_ru=body[1]),
        Field("Басшы (уәкілетті тұлға)", "Руководитель (уполномоченное лицо)",
              value_kk=ctx.signer_line[0], value_ru=ctx.signer_line[1]),
        Field("Лицензияның берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)),
        Field("Лицензияның нөмірі", "Номер лицензии", ctx.licence_number),
        Field("Қала", "Город", value_kk=ctx.city[0], value_ru=ctx.city[1]),
    ]
    if ctx.variant == "reissue" and form.get("reason") and ctx.app.sub_kind == "reissue":
        kk, ru = ctx.choice("reason", form["reason"], LicenceReissueForm)
        main.append(Field("Қайта ресімдеу себебі", "Причина переоформления", value_kk=kk, value_ru=ru))
    if ctx.document.number != ctx.licence_number:
        main.append(Field("Құжаттың нөмірі", "Номер документа", ctx.document.number))
    appendix = [Field("Лицензияның нөмірі", "Номер лицензии", ctx.licence_number),
                Field("Лицензиат", "Лицензиат", issued_to(ctx)),
                Field("Лицензияланатын қызмет түрі", "Лицензируемый вид деятельности",
                      value_kk=ACTIVITY[0], value_ru=ACTIVITY[1])]
    for i, (kk, ru, _code) in enumerate(ctx.subtypes(), 1):
        appendix.append(Field(f"Кіші түрі {i}", f"Подвид {i}", value_kk=kk, value_ru=ru))
    appendix += [Field("Лицензиар", "Лицензиар", value_kk=body[0], value_ru=body[1]),
                 Field("Берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)),
                 Field("Берілген жері", "Место выдачи", value_kk=ctx.city[0], value_ru=ctx.city[1])]
    return document(ctx, TITLE, mark=SUBKIND.get(ctx.variant), sections=[
        Section(("", ""), main),
        Section(APPENDIX, appendix, new_page=True),
    ])


# The reasoned refusal (ground, hearing, appeal route: refusals.py) and the notice of an intended refusal.
LAYOUTS = {"licence": build, "refusal": refusal, "hearing_notice": hearing_notice}
