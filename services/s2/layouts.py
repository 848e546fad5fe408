"""S2: the Committee's order allocating, assigning or withdrawing numbering resource."""
from documents.layouts import Field, Layout, Section, common_tail, holder, request_fields

TITLE = ("БҰЙРЫҚ", "ПРИКАЗ")
SUBJECT = {
    "allocate": ("Нөмірлеу ресурсын бөлу туралы", "О выделении номерного ресурса"),
    "assign": ("Нөмірлерді беру туралы", "О присвоении номеров"),
    "withdraw": ("Нөмірлеу ресурсын алып қою туралы", "Об изъятии номерного ресурса"),
}
ACTION = {
    "allocate": ("Бөлінген ауқым", "Выделенный диапазон"),
    "assign": ("Берілген нөмірлер", "Присвоенные номера"),
    "withdraw": ("Алып қойылған ауқым", "Изъятый диапазон"),
}


def build(ctx) -> Layout:
    app, form = ctx.app, ctx.form
    rows = holder(ctx) + request_fields(ctx)
    if form.get("resource_kind"):
        rows.append(Field("Ресурс түрі", "Вид ресурса", form["resource_kind"]))
    if app.sub_kind == "assign":
        numbers = ", ".join(str(n.get("number", "")) for n in form.get("numbers", []))
        rows.append(Field(*ACTION["assign"], numbers))
    else:
        rows.append(Field(*ACTION.get(app.sub_kind, ACTION["allocate"]),
                          f"{form.get('range_start', '')} – {form.get('range_end', '')}"))
    if form.get("order_number"):
        rows.append(Field("Бұрынғы бұйрық", "Прежний приказ", form["order_number"]))
    rows.append(Field("Мақсаты", "Назначение", form.get("purpose", "")))
    rows.append(Field("Қолданылу мерзімі", "Срок действия", value_kk="мерзімсіз", value_ru="бессрочно")
                if app.sub_kind != "withdraw" else
                Field("Күшіне енуі", "Вступает в силу", ctx.date(ctx.document.issued_at)))
    return Layout(title=TITLE, subtitle=SUBJECT.get(app.sub_kind), sections=[Section(("", ""), rows + common_tail(ctx))])


LAYOUTS = {"order": build}
