"""S3: permit to use the radio-frequency spectrum (spec §7: a form with a front and a back side).

Front: the issuing body (the Inspection of the place of use), number, date, the holder with IIN/BIN, what is
permitted, the place, the validity, the signer. Back: the technical particulars (radio service, each band,
the station's place and coordinates), the fee paid and the conditions of use."""
from documents.context import NBSP
from documents.layouts import Field, Section, document
from hearings.layouts import build as refusal
from hearings.layouts import notice as hearing_notice

TITLE = ("РАДИОЖИІЛІК СПЕКТРІН ПАЙДАЛАНУҒА РҰҚСАТ", "РАЗРЕШЕНИЕ НА ИСПОЛЬЗОВАНИЕ РАДИОЧАСТОТНОГО СПЕКТРА")
BACK = ("РҰҚСАТТЫҢ АРТҚЫ ЖАҒЫ: ТЕХНИКАЛЫҚ ДЕРЕКТЕР", "ОБОРОТНАЯ СТОРОНА РАЗРЕШЕНИЯ: ТЕХНИЧЕСКИЕ ДАННЫЕ")
# Demo text (the regulation does not reproduce the form, spec §7): the condition every permit states.
CONDITION = ("Радиоэлектрондық құралды осы рұқсатта көрсетілген жиіліктерде, орында және мерзімде ғана пайдалануға "
             "болады.",
             "Использование радиоэлектронного средства допускается только на указанных в настоящем разрешении "
             "частотах, в указанном месте и в указанный срок.")


def holder_value(ctx) -> str:
    app = ctx.app
    if app.applicant_bin:
        parts = [ctx.holder_name, f"БСН/БИН {app.applicant_bin}", ctx.address]
    else:
        parts = [ctx.holder_name, f"ЖСН/ИИН {app.applicant_iin}"]
    return ", ".join(p for p in parts if p)


def front(ctx, permitted: tuple[str, str], place: str) -> list[Field]:
    number = ctx.document.number
    return [
        Field("Рұқсаттың нөмірі", "Номер разрешения", number),
        Field("Берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)),
        Field("Рұқсат берілді", "Разрешение выдано", holder_value(ctx)),
        Field("Рұқсат етіледі", "Разрешается", value_kk=permitted[0], value_ru=permitted[1]),
        Field("Пайдалану орны", "Место использования",
              value_kk=", ".join(p for p in (place, ctx.region[0]) if p),
              value_ru=", ".join(p for p in (place, ctx.region[1]) if p)),
        Field("Қолданылу мерзімі", "Срок действия", value_kk=f"{ctx.valid_until} дейін",
              value_ru=f"до {ctx.valid_until}"),
        Field("Рұқсатты берген орган", "Орган, выдавший разрешение", value_kk=ctx.body[0], value_ru=ctx.body[1]),
        Field("Қол қойған лауазымды тұлға", "Подписавшее должностное лицо",
              value_kk=ctx.signer_line[0], value_ru=ctx.signer_line[1]),
        Field("Сұрау салудың нөмірі", "Номер запроса", ctx.app.number or ""),
    ]


def build(ctx):
    form = ctx.form
    service_kk, service_ru = ctx.choice("radio_service", form.get("radio_service"))
    bands = [f"{ctx.decimal(b.get('low_mhz'))}–{ctx.mhz(b.get('high_mhz'))}" for b in form.get("bands", [])]
    permitted = (f"радиожиілік спектрін пайдалану: {service_kk} радиобайланыс қызметі, {'; '.join(bands)}",
                 f"использование радиочастотного спектра: радиослужба «{service_ru}», {'; '.join(bands)}")
    back = [
        Field("Рұқсаттың нөмірі", "Номер разрешения", ctx.document.number),
        Field("Радиобайланыс қызметі", "Радиослужба", value_kk=service_kk, value_ru=service_ru),
    ]
    back += [Field(f"Жиілік жолағы {i}", f"Полоса частот {i}", band) for i, band in enumerate(bands, 1)]
    lat_kk, lat_ru = ctx.coordinates(form.get("latitude"), form.get("longitude"))
    back += [
        Field("Станцияның орналасқан жері", "Место установки станции", form.get("station_address", "")),
        Field("Географиялық координаттары", "Географические координаты", value_kk=lat_kk, value_ru=lat_ru),
        Field("Өңір", "Регион", value_kk=ctx.region[0], value_ru=ctx.region[1]),
    ]
    if form.get("eirp_dbw") not in (None, ""):
        back.append(Field("Эквивалентті изотропты сәулелену қуаты", "Эквивалентная изотропно излучаемая мощность",
                          f"{ctx.decimal(form['eirp_dbw'])}{NBSP}дБВт"))
    if form.get("antenna_height_m") not in (None, ""):
        back.append(Field("Антеннаның жерден биіктігі", "Высота антенны над землей",
                          f"{ctx.decimal(form['antenna_height_m'])}{NBSP}м"))
    if form.get("polarisation"):
        kk, ru = ctx.choice("polarisation", form["polarisation"])
        back.append(Field("Поляризация", "Поляризация", value_kk=kk, value_ru=ru))
    if ctx.paid:
        back.append(Field("Төленген алым", "Оплаченный сбор", ctx.paid))
    back.append(Field("Пайдалану шарттары", "Условия использования", value_kk=CONDITION[0], value_ru=CONDITION[1]))
    return document(ctx, TITLE, sections=[
        Section(("", ""), front(ctx, permitted, form.get("station_address", ""))),
        Section(BACK, back, new_page=True),
    ])


# The reasoned refusal (ground, hearing, appeal route: refusals.py) and the notice of an intended refusal.
LAYOUTS = {"permit": build, "refusal": refusal, "hearing_notice": hearing_notice}
