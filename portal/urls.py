from django.urls import path

from hearings import views as hearings
from portal import views
from portal.views import representation as powers

app_name = "portal"
urlpatterns = [
    path("", views.my_requests, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("services/", views.services, name="services"),
    path("services/<str:code>/", views.service, name="service"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/new", views.new_request, name="new"),
    path("requests/<int:application_id>/", views.request_detail, name="request"),
    path("requests/<int:application_id>/form", views.fill, name="fill"),
    path("requests/<int:application_id>/autosave", views.autosave, name="autosave"),
    path("requests/<int:application_id>/payment", views.payment, name="payment"),
    path("requests/<int:application_id>/sign", views.sign, name="sign"),
    path("requests/<int:application_id>/survey", views.survey, name="survey"),
    path("requests/<int:application_id>/withdrawal", views.withdraw, name="withdraw"),
    path("requests/<int:application_id>/hearing", hearings.answer, name="hearing-answer"),
    path("requests/<int:application_id>/copy", views.start_again, name="start-again"),
    path("requests/<int:application_id>/attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("powers-of-attorney/", powers.powers, name="powers"),
    path("powers-of-attorney/new", powers.new_power, name="power-new"),
    path("powers-of-attorney/<int:poa_id>/revocation", powers.revoke_power, name="power-revoke"),
    path("powers-of-attorney/<int:poa_id>/scan", powers.power_scan, name="power-scan"),
]
