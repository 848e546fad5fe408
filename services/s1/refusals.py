"""S1: the legal ground of each refusal its process definitions name, and the appeal route
(docs/refusals.md). The paragraphs are those of appendix 1 to Order No. 809 of 26.11.2012."""
from hearings.grounds import COMMITTEE, MINISTRY, Text, appeal_route, order_809_grounds

GROUNDS = order_809_grounds(1, {"authorisation_refused": 1, "not_paid": 2, "signature_not_confirmed": 3, "qualification_failed": 4}, Text(
    "Көрсетілетін қызметті алушы біліктілік талаптарына және лицензия беру негіздеріне сәйкес келмейді",
    "Услугополучатель не соответствует квалификационным требованиям и основаниям для выдачи лицензии",
    "The applicant does not meet the qualification requirements and the grounds for issuing the licence"))

APPEAL = appeal_route(COMMITTEE, MINISTRY)
