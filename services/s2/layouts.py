"""S2: the Committee's order allocating, assigning or withdrawing numbering resource, with the structure of an
order: the issuing body, ORDER, date, number and city, its subject, the legal basis, "БҰЙЫРАМЫН: /
ПРИКАЗЫВАЮ:", numbered items, the signer's position and name."""
from documents.layouts import Section, Text, document
from hearings.layouts import build as refusal
from hearings.layouts import notice as hearing_notice

TITLE = ("БҰЙРЫҚ", "ПРИКАЗ")
COMMAND = ("БҰЙЫРАМЫН:", "ПРИКАЗЫВАЮ:")
SUBJECT = {
    "allocate": ("Нөмірлеу ресурсын бөлу туралы", "О выделении номерного ресурса"),
    "assign": ("Нөмірлерді беру туралы", "О присвоении номеров"),
    "withdraw": ("Нөмірлеу ресурсын алып қою туралы", "Об изъятии номерного ресурса"),
}
# The legal basis: the Law on Communications and the service standard the request was filed under (the
# 2012 regulations rest on Government Decree No. 1152 of 05.09.2012, the 2015 one on Order No. 531 of
# 30.04.2015 of the Minister for Investment and Development; spec §10).
LAW = ("«Байланыс туралы» Қазақстан Республикасының 2004 жылғы 5 шілдедегі Заңына",
       "Законом Республики Казахстан от 5 июля 2004 года «О связи»")
STANDARD = {
    "2012": ("Қазақстан Республикасы Үкіметінің 2012 жылғы 5 қыркүйектегі № 1152 қаулысымен бекітілген «{kk}» "
             "мемлекеттік қызмет стандартына",
             "стандартом государственной услуги «{ru}», утвержденным постановлением Правительства Республики "
             "Казахстан от 5 сентября 2012 года № 1152"),
    "2015": ("Қазақстан Республикасы Инвестициялар және даму министрінің 2015 жылғы 30 сәуірдегі № 531 бұйрығымен "
             "бекітілген «{kk}» мемлекеттік көрсетілетін қызмет стандартына",
             "стандартом государственной услуги «{ru}», утвержденным приказом Министра по инвестициям и развитию "
             "Республики Казахстан от 30 апреля 2015 года № 531"),
}


def _holder(ctx) -> tuple[str, str]:
    app = ctx.app
    if app.applicant_bin:
        return f"{ctx.holder_name} (БСН {app.applicant_bin})", f"{ctx.holder_name} (БИН {app.applicant_bin})"
    return f"{ctx.holder_name} (ЖСН {app.applicant_iin})", f"{ctx.holder_name} (ИИН {app.applicant_iin})"


def _range(ctx, form) -> tuple[str, str]:
    start, end = form.get("range_start", ""), form.get("range_end", "")
    kind_kk, kind_ru = ctx.choice("resource_kind", form.get("resource_kind"))
    try:
        count = ctx.grouped(int(end) - int(start) + 1)
    except ValueError:
        count = ""
    return (f"{kind_kk}, {start}–{end} ауқымы (нөмірлер саны: {count})",
            f"{kind_ru}, диапазон {start}–{end} (количество номеров: {count})")


def _items(ctx, sub_kind, form) -> list[tuple[str, str]]:
    holder_kk, holder_ru = _holder(ctx)
    purpose = form.get("purpose", "")
    if sub_kind == "assign":
        numbers = ", ".join(str(n.get("number", "")) for n in form.get("numbers", []))
        return [
            (f"Көрсетілетін қызметті алушыға – {holder_kk} – мына нөмірлер берілсін: {numbers}.",
             f"Присвоить услугополучателю – {holder_ru} – номера: {numbers}."),
            (f"Нөмірлерді пайдалану мақсаты: {purpose}.", f"Назначение использования номеров: {purpose}."),
            ("Нөмірлер мерзімсіз беріледі.", "Номера присваиваются бессрочно."),
        ]
    what_kk, what_ru = _range(ctx, form)
    if sub_kind == "withdraw":
        order = form.get("order_number", "")
        return [
            (f"Көрсетілетін қызметті алушыдан – {holder_kk} – № {order} бұйрықпен бөлінген нөмірлеу ресурсы алып "
             f"қойылсын: {what_kk}.",
             f"Изъять у услугополучателя – {holder_ru} – номерной ресурс, выделенный приказом № {order}: {what_ru}."),
            (f"Алып қою негізі: {purpose}.", f"Основание изъятия: {purpose}."),
            (f"№ {order} бұйрықпен бөлінген нөмірлеу ресурсы осы бұйрық күшіне енген күннен бастап алып қойылған "
             "болып есептеледі.",
             f"Номерной ресурс, выделенный приказом № {order}, считается изъятым со дня вступления в силу "
             "настоящего приказа."),
        ]
    return [
        (f"Көрсетілетін қызметті алушыға – {holder_kk} – нөмірлеу ресурсы бөлінсін: {what_kk}.",
         f"Выделить услугополучателю – {holder_ru} – номерной ресурс: {what_ru}."),
        (f"Нөмірлеу ресурсын пайдалану мақсаты: {purpose}.", f"Назначение использования номерного ресурса: {purpose}."),
        ("Нөмірлеу ресурсы мерзімсіз бөлінеді.", "Номерной ресурс выделяется бессрочно."),
    ]


def build(ctx):
    app, form = ctx.app, ctx.form
    sub_kind = app.sub_kind
    issued = ctx.date(ctx.document.issued_at)
    number = ctx.document.number
    standard_kk, standard_ru = STANDARD.get(ctx.regulation, STANDARD["2012"])
    service_kk, service_ru = ctx.service_name
    request = app.number or ""
    filed = ctx.date(app.registered_at) if getattr(app, "registered_at", None) else ""
    holder_kk, holder_ru = _holder(ctx)
    filed_kk = " ".join(p for p in (filed, f"№ {request}" if request else "") if p)
    filed_ru = " ".join(p for p in (f"от {filed}" if filed else "", f"№ {request}" if request else "") if p)
    basis = (
        f"{LAW[0]}, {standard_kk.format(kk=service_kk)} сәйкес, көрсетілетін қызметті алушының – {holder_kk} – "
        f"{filed_kk} сұрау салуын қарап,".replace("  ", " "),
        f"В соответствии с {LAW[1]}, {standard_ru.format(ru=service_ru)}, рассмотрев запрос услугополучателя – "
        f"{holder_ru} – {filed_ru},".replace(" ,", ","),
    )
    items = _items(ctx, sub_kind, form)
    items.append(("Осы бұйрық қол қойылған күнінен бастап күшіне енеді.",
                  "Настоящий приказ вступает в силу со дня его подписания."))
    texts = [Text(*basis), Text(*COMMAND, style="centre")]
    texts += [Text(f"{i}. {kk}", f"{i}. {ru}", style="item") for i, (kk, ru) in enumerate(items, 1)]
    return document(
        ctx, TITLE, subtitle=SUBJECT.get(sub_kind),
        heading=(f"{issued} № {number}\n{ctx.city[0]}", f"{issued} № {number}\n{ctx.city[1]}"),
        sections=[Section(("", ""), texts=texts)],
    )


# The reasoned refusal (ground, hearing, appeal route: refusals.py) and the notice of an intended refusal.
LAYOUTS = {"order": build, "refusal": refusal, "hearing_notice": hearing_notice}
