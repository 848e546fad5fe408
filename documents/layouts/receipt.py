"""The PSC receipt (2015 regulation §5): date the documents were accepted, planned date of the result."""
from documents.layouts import Field, Section, common_tail, document, holder, request_fields

TITLE = ("ҚОЛХАТ", "РАСПИСКА")
SUBTITLE = ("Құжаттарды қабылдағаны туралы", "О приеме документов")


def build(ctx):
    content = ctx.document.content
    rows = holder(ctx) + request_fields(ctx) + [
        Field("Құжаттар қабылданған күн", "Дата приема документов", ctx.iso_date(content.get("accepted_on"))),
        Field("Нәтиже берілетін жоспарлы күн", "Планируемая дата выдачи результата",
              ctx.iso_date(content.get("planned_result_date"))),
    ]
    for i, (kk, ru) in enumerate(ctx.document_names(ctx.documents_presented()), 1):
        rows.append(Field(f"Қабылданған құжат {i}", f"Принятый документ {i}", value_kk=kk, value_ru=ru))
    return document(ctx, TITLE, subtitle=SUBTITLE, sections=[Section(("", ""), rows + common_tail(ctx))])
