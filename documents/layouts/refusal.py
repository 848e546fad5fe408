"""The reasoned refusal (any service): why, on which request, each reason as a sentence."""
from documents.layouts import Field, Section, common_tail, document, holder, request_fields

TITLE = ("ДӘЛЕЛДІ БАС ТАРТУ", "МОТИВИРОВАННЫЙ ОТКАЗ")
# The refusal grounds the process definitions name (the `reason` of their refuse operations).
REASONS = {
    "authorisation_refused": ("Көрсетілетін қызметті алушы порталда авторизациядан өтпеген",
                              "Услугополучатель не прошел авторизацию на портале"),
    "not_paid": ("Төлем жасалмаған", "Оплата не произведена"),
    "signature_not_confirmed": ("ЭЦҚ расталмады", "ЭЦП не подтверждена"),
    "qualification_failed": ("Біліктілік талаптарына сәйкес келмейді", "Несоответствие квалификационным требованиям"),
    "registry_data_unavailable": ("Көрсетілетін қызметті алушының деректерін мемлекеттік дерекқордан алу мүмкін болмады",
                                  "Не удалось получить данные услугополучателя из государственной базы данных"),
    "incomplete_document_set": ("Құжаттар топтамасы толық емес", "Неполный пакет документов"),
    "refused": ("Сұрау салу қабылданбады", "Запрос отклонён"),
}
UNKNOWN = ("Сұрау салу қабылданбады", "Запрос отклонён")


def code_of(ctx) -> str:
    return ctx.document.content.get("reason") or ctx.app.refusal_reason


def rows(ctx, ground_rows=()) -> list[Field]:
    """Holder, request, the ground (then ``ground_rows``: its legal basis, hearings/layouts.py), the fee due,
    each reason."""
    code = code_of(ctx)
    kk, ru = REASONS.get(code, UNKNOWN)
    made = holder(ctx) + request_fields(ctx) + [
        Field("Бас тарту негізі", "Основание отказа", value_kk=kk, value_ru=ru), *ground_rows]
    if code == "not_paid" and ctx.fee:
        made.append(Field("Төленуге тиіс алым", "Сбор к оплате", ctx.fee))
    for i, (r_kk, r_ru) in enumerate(ctx.reason_texts(ctx.document.content.get("reasons") or []), 1):
        made.append(Field(f"Себеп {i}", f"Причина {i}", value_kk=r_kk, value_ru=r_ru))
    return made


def build(ctx):
    return document(ctx, TITLE, sections=[Section(("", ""), rows(ctx) + common_tail(ctx))])
