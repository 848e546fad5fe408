"""The back office (regulation §4 staff channel, §6 the 2015 office steps): officers' queues, a request's
page, the paper application, the qualification checklist, the office steps, the officer's certificate.

Every change goes through applications.actions (the functions the API calls); these views read,
render and turn the actions' errors into messages. One module per job: access (who may enter), auth
(log-in and the officer's certificate), queues, requests (a request's page and its actions), paper
(the paper application) and admin (the administrator's pages); the names below are re-exported."""
from backoffice.views.access import (
                                     OFFICE_LANES,
                                     STAFF_KINDS,
                                     _message,
                                     admin_required,
                                     is_admin,
                                     is_staff,
                                     staff_required,
)
from backoffice.views.auth import StaffAuthenticationForm, certificate, login_view, logout_view
from backoffice.views.paper import enter, new_paper, scans
from backoffice.views.queues import my_tasks, queue, requests_list
from backoffice.views.requests import (
                                     SIGNING_STEPS,
                                     STATUS_LABELS,
                                     act,
                                     attachment,
                                     document_to_sign,
                                     draft_order,
                                     request_detail,
                                     sign_document,
)

__all__ = [
    "OFFICE_LANES", "SIGNING_STEPS", "STAFF_KINDS", "STATUS_LABELS", "StaffAuthenticationForm", "_message", "act",
    "admin_required", "attachment", "certificate", "document_to_sign", "draft_order", "enter", "is_admin", "is_staff", "login_view", "logout_view",
    "my_tasks", "new_paper", "queue", "request_detail", "requests_list", "scans", "sign_document", "staff_required",
]
