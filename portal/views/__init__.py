"""The applicant portal (regulation §3 channel A, §7 screens): log-in with the EDS, service choice,
filling, payment, signing, following the request, the result and the survey.

Every change goes through applications.actions (the same functions the API calls); these views only
read, render and translate the actions' errors into messages on the page. One module per job: access,
login, registration, catalogue, filling, payment, signing, requests and notifications; the names below are re-exported."""
from portal.views.access import _error_message, _mine, applicant_required
from portal.views.catalogue import new_request, service, services
from portal.views.filling import attachment, autosave, fill
from portal.views.login import login_view, logout_view
from portal.views.notifications import inbox_view
from portal.views.payment import payment
from portal.views.registration import register_view
from portal.views.requests import APPLICANT_STEPS, my_requests, request_detail, start_again, survey, withdraw
from portal.views.signing import sign

__all__ = [
    "APPLICANT_STEPS", "_error_message", "_mine", "applicant_required", "attachment", "autosave", "fill",
    "inbox_view", "login_view", "logout_view", "my_requests", "new_request", "payment", "register_view", "request_detail", "service",
    "services", "sign", "start_again", "survey", "withdraw",
]
