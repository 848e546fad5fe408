"""The legal ground of every refusal and the route of its appeal, as each service's ``refusals.py`` declares
them (docs/refusals.md).

A service's ``refusals.py`` holds ``GROUNDS`` (the refusal codes its process definitions name — the
``reason`` of their ``refuse`` operations — each with its ground: the regulation's paragraph and the
sentence a person reads, in kk/ru/en) and ``APPEAL`` (to whom, how and within what term a refusal is
appealed). The texts below are the parts the services share; a service names its own paragraphs.
Nothing here is read from the spec at run time: the facts are copied in as data.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation

from services import registry


@dataclass(frozen=True)
class Text:
    """A sentence in the three languages of the interface (Kazakh, Russian, English)."""

    kk: str
    ru: str
    en: str

    def __str__(self) -> str:
        language = (translation.get_language() or "kk")[:2]
        return {"kk": self.kk, "ru": self.ru}.get(language, self.en)


@dataclass(frozen=True)
class Ground:
    """Why a request is refused: the legal basis (``basis``: the act and its paragraph) and the fact."""

    code: str
    basis: Text  # the act and its paragraph, e.g. "Order No. 809, appendix 1, item 6, condition 4"
    text: Text  # what the applicant does not meet, as a sentence
    substantive: bool = False  # a refusal on the substance (the officer's): preceded by the hearing


@dataclass(frozen=True)
class AppealStep:
    """One way to appeal a refusal: to whom, how, within what term (and how long the answer takes)."""

    to: Text
    how: Text
    term: Text


# -- the parts every service shares ------------------------------------------------------------------
LAW_PUBLIC_SERVICES = Text("«Мемлекеттік көрсетілетін қызметтер туралы» 2013 жылғы 15 сәуірдегі № 88-V ҚР Заңы",
                           "Закон РК от 15 апреля 2013 года № 88-V «О государственных услугах»",
                           "Law of the Republic of Kazakhstan No. 88-V of 15 April 2013 on public services")
APC = Text("ҚР Әкімшілік рәсімдік-процестік кодексі (2020 жылғы 29 маусымдағы № 350-VI)",
           "Административный процедурно-процессуальный кодекс РК (от 29 июня 2020 года № 350-VI)",
           "Administrative Procedural Code of the Republic of Kazakhstan (No. 350-VI of 29 June 2020)")


COMMITTEE = Text("Байланыс және ақпараттандыру комитеті", "Комитет связи и информатизации",
                 "the Committee of Communications and Informatization")
INSPECTION = Text("Байланыс және ақпараттандыру инспекциясы", "Инспекция связи и информатизации",
                  "the Inspection of Communications and Informatization")
MINISTRY = Text("Көлік және коммуникация министрлігі", "Министерство транспорта и коммуникаций",
                "the Ministry of Transport and Communications")


def order_809(item: str) -> Text:
    """The 2012 regulation (Order No. 809 of 26.11.2012) and a paragraph of it."""
    return Text(f"ҚР Көлік және коммуникация министрінің 2012 жылғы 26 қарашадағы № 809 бұйрығы, {item[0]}",
                f"Приказ Министра транспорта и коммуникаций РК от 26 ноября 2012 года № 809, {item[1]}",
                f"Order No. 809 of the Minister of Transport and Communications of 26.11.2012, {item[2]}")


COMMON_TEXTS = {
    "authorisation_refused": Text("Көрсетілетін қызметті алушының деректерінде бұзушылықтар бар: порталда авторизация расталмады",
                                  "Нарушения в данных услугополучателя: авторизация на портале не подтверждена",
                                  "The applicant's data are in breach: the log-in to the portal was not confirmed"),
    "not_paid": Text("Қызмет үшін алым белгіленген мерзімде төленбеді",
                     "Сбор за услугу не оплачен в установленный срок",
                     "The fee for the service was not paid within the set term"),
    "signature_not_confirmed": Text(
        "Көрсетілетін қызметті алушының ЭЦҚ-сы расталмады (мерзімі, кері қайтарып алу тізімі немесе ЖСН/БСН сәйкестігі)",
        "ЭЦП услугополучателя не подтверждена (срок действия, список отозванных сертификатов или соответствие ИИН/БИН)",
        "The applicant's EDS was not confirmed (validity, revocation list or the IIN/BIN match)"),
    "registry_data_unavailable": Text(
        "Көрсетілетін қызметті алушының деректері мемлекеттік дерекқордан расталмады",
        "Данные услугополучателя не подтверждены государственной базой данных",
        "The applicant's data were not confirmed by the state database"),
    "incomplete_document_set": Text("Өтінішке қажетті құжаттардың толық топтамасы берілмеді",
                                    "Не представлен полный пакет документов, необходимых для оказания услуги",
                                    "The full set of documents the service requires was not presented"),
}


def order_809_grounds(appendix: int, conditions: dict[str, int], substantive: Text) -> dict[str, Ground]:
    """The grounds of a service of Order No. 809 (its appendix ``appendix``): each refusal code in
    ``conditions`` with the condition of item 6 that names it, the common sentence (``COMMON_TEXTS``; the
    officer's refusal on the substance, ``qualification_failed``, with ``substantive``), and the state
    database's query of diagram 2 (the staff channel)."""
    def basis(kk: str, ru: str, en: str) -> Text:
        return order_809((f"{appendix}-қосымша, {kk}", f"приложение {appendix}, {ru}", f"appendix {appendix}, {en}"))

    made = {code: Ground(code, basis(f"6-тармақ, {n}-шарт", f"пункт 6, условие {n}", f"item 6, condition {n}"),
                         substantive if code == "qualification_failed" else COMMON_TEXTS[code],
                         substantive=code == "qualification_failed")
            for code, n in conditions.items()}
    made["registry_data_unavailable"] = Ground(
        "registry_data_unavailable",
        basis("2-диаграмма, мемлекеттік дерекқорға сұрау", "диаграмма 2, запрос в ГБД", "diagram 2, the state database query"),
        COMMON_TEXTS["registry_data_unavailable"])
    return made


def appeal_route(provider: Text, higher: Text) -> tuple[AppealStep, ...]:
    """The appeal of a refusal (a public service's adverse administrative act): a complaint to the provider's
    head (Law on public services, art. 25: answered within 5 working days), to the higher administrative body
    (APC, art. 91) or to the authorised body for the quality of public services (answered within 15 working
    days), within three months of learning of the refusal; then, or after the pre-trial appeal, the court
    (APC, section 3)."""
    return (
        AppealStep(
            to=Text(f"Көрсетілетін қызметті берушінің басшысына ({provider.kk})",
                    f"Руководителю услугодателя ({provider.ru})", f"The head of the provider ({provider.en})"),
            how=Text("Қағаз түрінде немесе портал арқылы электрондық шағым (Заң, 25-бап)",
                     "Жалоба на бумаге или в электронной форме через портал (Закон, ст. 25)",
                     "A complaint on paper or electronically through the portal (the Law, art. 25)"),
            term=Text("Шешім туралы білген күннен бастап үш ай ішінде; шағым 5 жұмыс күнінде қаралады",
                      "В течение трёх месяцев со дня, когда стало известно о решении; жалоба рассматривается 5 рабочих дней",
                      "Within three months of learning of the decision; the complaint is answered within 5 working days"),
        ),
        AppealStep(
            to=Text(f"Жоғары тұрған органға: {higher.kk}; немесе мемлекеттік қызметтер сапасын бағалау және бақылау "
                    "жөніндегі уәкілетті органға",
                    f"Вышестоящему органу: {higher.ru}; или в уполномоченный орган по оценке и контролю за "
                    "качеством оказания государственных услуг",
                    f"The higher body: {higher.en}; or the authorised body for assessing and controlling the quality "
                    "of public services"),
            how=Text("Әкімшілік шағым (ӘРПК, 91-бап)", "Административная жалоба (АППК, ст. 91)",
                     "An administrative complaint (APC, art. 91)"),
            term=Text("Шешім туралы білген күннен бастап үш ай ішінде; уәкілетті орган 15 жұмыс күнінде қарайды",
                      "В течение трёх месяцев со дня, когда стало известно о решении; уполномоченный орган "
                      "рассматривает 15 рабочих дней",
                      "Within three months of learning of the decision; the authorised body answers within 15 "
                      "working days"),
        ),
        AppealStep(
            to=Text("Сотқа", "В суд", "The court"),
            how=Text("Әкімшілік іс жүргізу тәртібімен талап арыз (ӘРПК, 3-бөлім), сотқа дейінгі шағымнан кейін",
                     "Иск в порядке административного судопроизводства (АППК, раздел 3), после досудебного обжалования",
                     "A claim under administrative justice (APC, section 3), after the pre-trial complaint"),
            term=Text("ӘРПК белгілеген мерзімде: шағым бойынша шешімді алған күннен бастап",
                      "В сроки, установленные АППК: со дня получения решения по жалобе",
                      "Within the APC's terms, from the day the decision on the complaint is received"),
        ),
    )


# The preliminary hearing (APC, art. 73): before an adverse decision the applicant is told of the intended
# refusal and its ground and may state a position within a term. The term itself is the `term` of the hearing
# task in each service's process definition (a change of term is a new version of the definition).
HEARING_BASIS = Text("ӘРПК, 73-бап (тыңдау)", "АППК, ст. 73 (заслушивание)", "APC, art. 73 (hearing)")


# -- reading a service's refusals -----------------------------------------------------------------------
def _module(service_code: str):
    return registry.get(service_code).module("refusals")


def grounds(service_code: str) -> dict[str, Ground]:
    """The service's refusal grounds by code ({} for a service without a refusals module)."""
    module = _module(service_code)
    return dict(getattr(module, "GROUNDS", {})) if module else {}


def ground(service_code: str, code: str) -> Ground | None:
    return grounds(service_code).get(code)


def appeal(service_code: str) -> tuple[AppealStep, ...]:
    module = _module(service_code)
    return tuple(getattr(module, "APPEAL", ())) if module else ()
