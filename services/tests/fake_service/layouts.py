"""S6 (fake): the club radio station permit."""
from documents.layouts import Field, Layout, Section, common_tail, holder

TITLE = ("ТЕСТ РҰҚСАТЫ", "ТЕСТОВОЕ РАЗРЕШЕНИЕ")


def build(ctx) -> Layout:
    form = ctx.form
    rows = holder(ctx) + [
        Field("Шақыру белгісі", "Позывной", form.get("call_sign", "")),
        Field("Станцияның орны", "Место станции", form.get("place", "")),
    ]
    return Layout(title=TITLE, sections=[Section(("", ""), rows + common_tail(ctx))])


LAYOUTS = {"permit": build}
