"""Document layouts (data, not drawing code): the parts every layout uses, and here one module per
common kind of document (receipt, refusal, refusal receipt). A service's own results (licence, order,
permit) are laid out in its package (``services/<service>/layouts.py``, its ``LAYOUTS``).

Each layout module defines ``TITLE`` (Kazakh, Russian) and ``build(ctx) -> Layout``;
``documents.pdf`` draws any layout the same way: the letterhead (the issuing body), Kazakh on the left
and Russian on the right, a row per field or a paragraph per text, the signer's position and name, the
legal statement, the QR code and number on every page and the signature stamp. ``ctx`` is a
:class:`documents.context.Context`; every value a layout prints is already a person's text (a code is
printed through its kk/ru label, a date as dd.mm.yyyy in Almaty time, an amount as "21 625 ₸").
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Field:
    kk: str
    ru: str
    value: str = ""
    value_kk: str | None = None
    value_ru: str | None = None

    def values(self) -> tuple[str, str]:
        return (self.value_kk if self.value_kk is not None else self.value,
                self.value_ru if self.value_ru is not None else self.value)


@dataclass
class Text:
    """A paragraph in both languages: ``body`` (justified), ``centre`` (bold, centred: "БҰЙЫРАМЫН:"),
    ``item`` (a numbered item of an order: the number is part of the text)."""

    kk: str
    ru: str
    style: str = "body"


@dataclass
class Section:
    title: tuple[str, str]
    fields: list[Field] = field(default_factory=list)
    new_page: bool = False
    texts: list[Text] = field(default_factory=list)  # drawn before the fields


@dataclass
class Signature:
    """Who signs, as printed at the end of the document: position (kk, ru) and name."""

    position: tuple[str, str]
    name: str


@dataclass
class Layout:
    title: tuple[str, str]
    subtitle: tuple[str, str] | None = None
    mark: tuple[str, str] | None = None  # e.g. DUPLICATE
    sections: list[Section] = field(default_factory=list)
    # The issuing body, one line per level (Ministry, Committee, Inspection), each (kk, ru).
    letterhead: list[tuple[str, str]] = field(default_factory=list)
    # A line under the title: an order's date, number and city (kk, ru).
    heading: tuple[str, str] | None = None
    signature: Signature | None = None


LEGAL_STATEMENT = (
    "Осы құжат «Электрондық құжат және электрондық цифрлық қолтаңба туралы» Қазақстан Республикасының "
    "2003 жылғы 7 қаңтардағы Заңының 7-бабының 1-тармағына сәйкес қағаз жеткізгіштегі құжатқа тең.",
    "Данный документ согласно пункту 1 статьи 7 Закона Республики Казахстан от 7 января 2003 года "
    "«Об электронном документе и электронной цифровой подписи» равнозначен документу на бумажном носителе.",
)


def common_tail(ctx) -> list[Field]:
    """Number, date and issuing body (the signer signs below: :class:`Signature`)."""
    return [
        Field("Құжаттың нөмірі", "Номер документа", ctx.document.number),
        Field("Берілген күні", "Дата выдачи", ctx.date(ctx.document.issued_at)),
        Field("Берген орган", "Орган, выдавший документ", value_kk=ctx.body[0], value_ru=ctx.body[1]),
    ]


def holder(ctx) -> list[Field]:
    app = ctx.app
    rows = [Field("Иесі", "Владелец", ctx.holder_name)]
    if app.applicant_bin:
        rows.append(Field("БСН", "БИН", app.applicant_bin))
        address = ctx.address
        if address:
            rows.append(Field("Орналасқан жері", "Местонахождение", address))
    else:
        rows.append(Field("ЖСН", "ИИН", app.applicant_iin))
    return rows


def request_fields(ctx) -> list[Field]:
    rows = [Field("Сұрау салудың нөмірі", "Номер запроса", ctx.app.number)] if ctx.app.number else []
    return rows + [Field("Мемлекеттік қызмет", "Государственная услуга", value_kk=ctx.service_name[0],
                         value_ru=ctx.service_name[1])]


def document(ctx, title, sections, **kw) -> Layout:
    """A layout with the issuing body's letterhead and the signer's signature block."""
    name = ctx.signer_name if ctx.signer is not None else ""  # the seal: the system's name, no person's
    return Layout(title=title, sections=sections, letterhead=ctx.letterhead,
                  signature=Signature(ctx.signer_position, name), **kw)
