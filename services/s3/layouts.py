"""S3: permit to use radio-frequency spectrum (number, date, holder, bands, station, service, validity)."""
from documents.layouts import Field, Layout, Section, common_tail, holder, request_fields

TITLE = ("РАДИОЖИІЛІК СПЕКТРІН ПАЙДАЛАНУҒА РҰҚСАТ", "РАЗРЕШЕНИЕ НА ИСПОЛЬЗОВАНИЕ РАДИОЧАСТОТНОГО СПЕКТРА")


def build(ctx) -> Layout:
    form = ctx.form
    bands = "; ".join(f"{b.get('low_mhz')}–{b.get('high_mhz')} MHz" for b in form.get("bands", []))
    rows = holder(ctx) + request_fields(ctx) + [
        Field("Жиілік жолақтары", "Полосы частот", bands),
        Field("Радиобайланыс қызметі", "Радиослужба", form.get("radio_service", "")),
        Field("Станцияның орналасқан жері", "Место установки станции",
              f"{form.get('station_address', '')} ({form.get('latitude', '')}, {form.get('longitude', '')})"),
        Field("Өңір", "Регион", value_kk=ctx.region[0], value_ru=ctx.region[1]),
        Field("Қолданылу мерзімі", "Срок действия", value_kk=f"{ctx.valid_until} дейін",
              value_ru=f"до {ctx.valid_until}"),
    ]
    return Layout(title=TITLE, sections=[Section(("", ""), rows + common_tail(ctx))])


LAYOUTS = {"permit": build}
