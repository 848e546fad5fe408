"""S4: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 4 to Order No. 809 of 26.11.2012."""
from hearings.grounds import COMMITTEE, INSPECTION, Text, appeal_route, order_809_grounds

GROUNDS = order_809_grounds(4, {"authorisation_refused": 1, "signature_not_confirmed": 2, "qualification_failed": 3}, Text(
    "Сұрау салу радиоэлектрондық құралдарды пайдалануға рұқсат беру талаптарына сәйкес келмейді",
    "Запрос не соответствует требованиям для выдачи разрешения на эксплуатацию радиоэлектронных средств",
    "The request does not meet the requirements for a permit to operate the radio-electronic devices"))

# The Inspection of the region of use decides; the Committee is the higher body.
APPEAL = appeal_route(INSPECTION, COMMITTEE)
