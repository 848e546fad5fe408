"""S1: the state licence (spec §7, appendix 4 of the regulation) and its appendix."""
from documents.layouts import Field, Layout, Section

TITLE = ("МЕМЛЕКЕТТІК ЛИЦЕНЗИЯ", "ГОСУДАРСТВЕННАЯ ЛИЦЕНЗИЯ")
ACTIVITY = ("Байланыс саласындағы қызметтерді көрсету", "Предоставление услуг в области связи")
CONDITIONS = ("Иеліктен шығарылмайтын, 1-сынып", "Неотчуждаемая, класс 1")
SUBKIND = {
    "issue": None,
    "reissue": ("Қайта ресімделген", "Переоформленная"),
    "duplicate": ("ТЕЛНҰСҚА", "ДУБЛИКАТ"),
}


def build(ctx) -> Layout:
    app, form = ctx.app, ctx.form
    if app.applicant_bin:
        parts = [ctx.holder_name, ctx.address, f"БСН/БИН {app.applicant_bin}"]
    else:
        parts = [ctx.holder_name, ctx.address if ctx.variant == "reissue" else "", f"ЖСН/ИИН {app.applicant_iin}"]
    holder_value = ", ".join(p for p in parts if p)
    territory = form.get("territory") or "Қазақстан Республикасы / Республика Казахстан"
    main = [
        Field("Берілді", "Выдана", holder_value),
        Field("Қызмет түрі", "Вид деятельности", value_kk=ACTIVITY[0], value_ru=ACTIVITY[1]),
        Field("Лицензияның ерекше шарттары", "Особые условия действия лицензии",
              value_kk=f"{CONDITIONS[0]}; аумағы: {territory}", value_ru=f"{CONDITIONS[1]}; территория: {territory}"),
        Field("Лицензиар", "Лицензиар", value_kk=ctx.body[0], value_ru=ctx.body[1]),
        Field("Басшы (уәкілетті тұлға)", "Руководитель (уполномоченное лицо)", ctx.signer_name),
        Field("Берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)),
        Field("Лицензияның нөмірі", "Номер лицензии", ctx.licence_number),
        Field("Берілген жері", "Место выдачи", value_kk=ctx.city[0], value_ru=ctx.city[1]),
    ]
    if ctx.variant == "reissue" and form.get("reason") and app.sub_kind == "reissue":
        main.append(Field("Қайта ресімдеу себебі", "Причина переоформления", form.get("reason", "")))
    if ctx.document.number != ctx.licence_number:
        main.append(Field("Құжаттың нөмірі", "Номер документа", ctx.document.number))
    subtypes = ctx.subtypes()
    appendix = [Field("Лицензияның нөмірі", "Номер лицензии", ctx.licence_number),
                Field("Лицензиат", "Лицензиат", ctx.holder_name)]
    for i, (kk, ru, code) in enumerate(subtypes, 1):
        appendix.append(Field(f"Кіші түрі {i}", f"Подвид {i}", value_kk=f"{kk} ({code})", value_ru=f"{ru} ({code})"))
    appendix.append(Field("Берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)))
    return Layout(
        title=TITLE, mark=SUBKIND.get(ctx.variant),
        sections=[
            Section(("", ""), main),
            Section(("ЛИЦЕНЗИЯҒА ҚОСЫМША", "ПРИЛОЖЕНИЕ К ЛИЦЕНЗИИ"), appendix, new_page=True),
        ],
    )


LAYOUTS = {"licence": build}
