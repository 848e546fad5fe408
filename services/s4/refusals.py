"""S4: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 4 to Order No. 809 of 26.11.2012."""
from hearings.grounds import COMMON_TEXTS, Ground, Text, appeal_route, order_809

APPENDIX = ("4-қосымша", "приложение 4", "appendix 4")


def _basis(kk: str, ru: str, en: str) -> Text:
    return order_809((f"{APPENDIX[0]}, {kk}", f"{APPENDIX[1]}, {ru}", f"{APPENDIX[2]}, {en}"))


GROUNDS = {
    "authorisation_refused": Ground("authorisation_refused", _basis("6-тармақ, 1-шарт", "пункт 6, условие 1", "item 6, condition 1"),
                                    COMMON_TEXTS["authorisation_refused"]),
    "signature_not_confirmed": Ground("signature_not_confirmed",
                                      _basis("6-тармақ, 2-шарт", "пункт 6, условие 2", "item 6, condition 2"),
                                      COMMON_TEXTS["signature_not_confirmed"]),
    "registry_data_unavailable": Ground("registry_data_unavailable",
                                        _basis("2-диаграмма, мемлекеттік дерекқорға сұрау", "диаграмма 2, запрос в ГБД",
                                               "diagram 2, the state database query"),
                                        COMMON_TEXTS["registry_data_unavailable"]),
    "qualification_failed": Ground(
        "qualification_failed", _basis("6-тармақ, 3-шарт", "пункт 6, условие 3", "item 6, condition 3"),
        Text("Өтінім радиоэлектрондық құралдарды пайдалануға рұқсат беру талаптарына сәйкес келмейді",
             "Заявка не соответствует требованиям для выдачи разрешения на эксплуатацию радиоэлектронных средств",
             "The request does not meet the requirements for a permit to operate the radio-electronic devices"),
        substantive=True),
}

# The Inspection of the region of use decides; the Committee is the higher body.
PROVIDER = Text("Байланыс және ақпараттандыру инспекциясы", "Инспекция связи и информатизации",
                "Inspection of Communications and Informatization")
HIGHER = Text("Байланыс және ақпараттандыру комитеті", "Комитет связи и информатизации",
              "the Committee of Communications and Informatization")
APPEAL = appeal_route(PROVIDER, HIGHER)
