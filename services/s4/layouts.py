"""S4: permit to operate radio-electronic and high-frequency devices (spec §7: a form with a front and a back
side). Front: the issuing body (the Inspection of the place of use), number, date, the holder with IIN/BIN,
what is permitted, the place, the validity, the signer. Back: each device (type, model, serial number, frequency)
and the conditions of use."""
from documents.context import NBSP
from documents.layouts import Field, Section, document
from hearings.layouts import build as refusal
from hearings.layouts import notice as hearing_notice
from services.s3.layouts import CONDITION, front

TITLE = ("РАДИОЭЛЕКТРОНДЫҚ ҚҰРАЛДАР МЕН ЖОҒАРЫ ЖИІЛІКТІ ҚҰРЫЛҒЫЛАРДЫ ПАЙДАЛАНУҒА РҰҚСАТ",
         "РАЗРЕШЕНИЕ НА ЭКСПЛУАТАЦИЮ РАДИОЭЛЕКТРОННЫХ СРЕДСТВ И ВЫСОКОЧАСТОТНЫХ УСТРОЙСТВ")
BACK = ("РҰҚСАТТЫҢ АРТҚЫ ЖАҒЫ: ҚҰРЫЛҒЫЛАР", "ОБОРОТНАЯ СТОРОНА РАЗРЕШЕНИЯ: УСТРОЙСТВА")


WORDS = {"kk": ("өндірушісі", "үлгісі", "зауыттық №", "сәйкестік сертификаты №"),
         "ru": ("производитель", "модель", "заводской №", "сертификат соответствия №")}


def _device(d: dict, lang: str) -> str:
    """Type, manufacturer, model, serial number and conformity certificate of one device."""
    maker, model, serial, certificate = WORDS[lang]
    parts = [d.get("device_type", ""), f"{maker} {d['manufacturer']}" if d.get("manufacturer") else "",
             f"{model} {d.get('model', '')}", f"{serial} {d.get('serial', '')}",
             f"{certificate} {d['certificate_number']}" if d.get("certificate_number") else ""]
    return ", ".join(p for p in parts if p)


def build(ctx):
    form = ctx.form
    devices = form.get("devices", [])
    kind_kk, kind_ru = ctx.both(ctx.service.sub_kind_label(ctx.app.sub_kind))
    count = ctx.grouped(len(devices))
    permitted = (f"пайдалану: {kind_kk}, рұқсаттың артқы жағында көрсетілген құрылғылар (саны: {count})",
                 f"эксплуатация: {kind_ru}, устройства, указанные на оборотной стороне разрешения (количество: {count})")
    back = [Field("Рұқсаттың нөмірі", "Номер разрешения", ctx.document.number)]
    for i, d in enumerate(devices, 1):
        back.append(Field(f"Құрылғы {i}", f"Устройство {i}", value_kk=_device(d, "kk"), value_ru=_device(d, "ru")))
        if d.get("frequency_mhz"):
            back.append(Field(f"Жиілігі {i}", f"Частота {i}", ctx.mhz(d["frequency_mhz"])))
        if d.get("low_mhz") and d.get("high_mhz"):
            back.append(Field(f"Жиілік ауқымы {i}", f"Диапазон частот {i}",
                              f"{ctx.decimal(d['low_mhz'])}–{ctx.mhz(d['high_mhz'])}"))
        if d.get("power_w") not in (None, ""):
            back.append(Field(f"Таратқыш қуаты {i}", f"Мощность передатчика {i}", f"{ctx.decimal(d['power_w'])}{NBSP}Вт"))
        if d.get("permit_number"):
            back.append(Field(f"Радиожиілік спектрін пайдалануға рұқсат {i}",
                              f"Разрешение на использование радиочастотного спектра {i}", f"№ {d['permit_number']}"))
    if form.get("installation"):
        kk, ru = ctx.choice("installation", form["installation"])
        back.append(Field("Орнату тәсілі", "Способ установки", value_kk=kk, value_ru=ru))
    back += [
        Field("Пайдалану орны", "Место эксплуатации", form.get("location_address", "")),
        Field("Өңір", "Регион", value_kk=ctx.region[0], value_ru=ctx.region[1]),
        Field("Пайдалану шарттары", "Условия использования", value_kk=CONDITION[0], value_ru=CONDITION[1]),
    ]
    return document(ctx, TITLE, sections=[
        Section(("", ""), front(ctx, permitted, form.get("location_address", ""))),
        Section(BACK, back, new_page=True),
    ])


# The reasoned refusal (ground, hearing, appeal route: refusals.py) and the notice of an intended refusal.
LAYOUTS = {"permit": build, "refusal": refusal, "hearing_notice": hearing_notice}
