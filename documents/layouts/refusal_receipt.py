"""The PSC refusal receipt (appendix 4 of the standard): the documents missing."""
from documents.layouts import Field, Section, common_tail, document, holder, request_fields

TITLE = ("ҚОЛХАТ", "РАСПИСКА")
SUBTITLE = ("Құжаттарды қабылдаудан бас тарту туралы", "Об отказе в приеме документов")


def build(ctx):
    content = ctx.document.content
    rows = holder(ctx) + request_fields(ctx) + [
        Field("Жүгінген күн", "Дата обращения", ctx.iso_date(content.get("accepted_on"))),
    ]
    for i, (kk, ru) in enumerate(ctx.document_names(content.get("documents_missing") or []), 1):
        rows.append(Field(f"Жетіспейтін құжат {i}", f"Недостающий документ {i}", value_kk=kk, value_ru=ru))
    return document(ctx, TITLE, subtitle=SUBTITLE, sections=[Section(("", ""), rows + common_tail(ctx))])
