"""S4: permit to operate radio-electronic and high-frequency devices (devices, place, frequencies, validity)."""
from documents.layouts import Field, Layout, Section, common_tail, holder, request_fields

TITLE = ("РАДИОЭЛЕКТРОНДЫҚ ҚҰРАЛДАР МЕН ЖОҒАРЫ ЖИІЛІКТІ ҚҰРЫЛҒЫЛАРДЫ ПАЙДАЛАНУҒА РҰҚСАТ",
         "РАЗРЕШЕНИЕ НА ЭКСПЛУАТАЦИЮ РАДИОЭЛЕКТРОННЫХ СРЕДСТВ И ВЫСОКОЧАСТОТНЫХ УСТРОЙСТВ")


def build(ctx) -> Layout:
    form = ctx.form
    rows = holder(ctx) + request_fields(ctx)
    for i, d in enumerate(form.get("devices", []), 1):
        rows.append(Field(f"Құрылғы {i}", f"Устройство {i}",
                          f"{d.get('device_type', '')}, {d.get('model', '')}, № {d.get('serial', '')}"))
        rows.append(Field(f"Жиілігі {i}", f"Частота {i}", f"{d.get('frequency_mhz', '')} MHz"))
    rows += [
        Field("Пайдалану орны", "Место эксплуатации", form.get("location_address", "")),
        Field("Өңір", "Регион", value_kk=ctx.region[0], value_ru=ctx.region[1]),
        Field("Қолданылу мерзімі", "Срок действия", value_kk=f"{ctx.valid_until} дейін",
              value_ru=f"до {ctx.valid_until}"),
    ]
    return Layout(title=TITLE, sections=[Section(("", ""), rows + common_tail(ctx))])


LAYOUTS = {"permit": build}
