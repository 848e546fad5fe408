"""S1: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 1 to Order No. 809 of 26.11.2012."""
from hearings.grounds import COMMON_TEXTS, Ground, Text, appeal_route, order_809

APPENDIX = ("1-қосымша", "приложение 1", "appendix 1")


def _basis(kk: str, ru: str, en: str) -> Text:
    return order_809((f"{APPENDIX[0]}, {kk}", f"{APPENDIX[1]}, {ru}", f"{APPENDIX[2]}, {en}"))


GROUNDS = {
    "authorisation_refused": Ground("authorisation_refused", _basis("6-тармақ, 1-шарт", "пункт 6, условие 1", "item 6, condition 1"),
                                    COMMON_TEXTS["authorisation_refused"]),
    "not_paid": Ground("not_paid", _basis("6-тармақ, 2-шарт", "пункт 6, условие 2", "item 6, condition 2"),
                       COMMON_TEXTS["not_paid"]),
    "signature_not_confirmed": Ground("signature_not_confirmed",
                                      _basis("6-тармақ, 3-шарт", "пункт 6, условие 3", "item 6, condition 3"),
                                      COMMON_TEXTS["signature_not_confirmed"]),
    "registry_data_unavailable": Ground("registry_data_unavailable",
                                        _basis("2-диаграмма, мемлекеттік дерекқорға сұрау", "диаграмма 2, запрос в ГБД",
                                               "diagram 2, the state database query"),
                                        COMMON_TEXTS["registry_data_unavailable"]),
    "qualification_failed": Ground(
        "qualification_failed", _basis("6-тармақ, 4-шарт", "пункт 6, условие 4", "item 6, condition 4"),
        Text("Өтініш беруші біліктілік талаптарына және лицензия беру негіздеріне сәйкес келмейді",
             "Заявитель не соответствует квалификационным требованиям и основаниям для выдачи лицензии",
             "The applicant does not meet the qualification requirements and the grounds for issuing the licence"),
        substantive=True),
}

PROVIDER = Text("Байланыс және ақпараттандыру комитеті", "Комитет связи и информатизации",
                "Committee of Communications and Informatization")
HIGHER = Text("Көлік және коммуникация министрлігі", "Министерство транспорта и коммуникаций",
              "the Ministry of Transport and Communications")
APPEAL = appeal_route(PROVIDER, HIGHER)
