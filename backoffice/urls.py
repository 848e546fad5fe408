from django.urls import path

from backoffice import views
from backoffice.views import admin as admin_views
from backoffice.views import indicators as indicator_views
from backoffice.views import representation as powers
from hearings import views as hearings

app_name = "backoffice"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("certificate/", views.certificate, name="certificate"),
    path("requests/", views.requests_list, name="requests"),
    path("requests/new/", views.new_paper, name="new"),
    path("requests/<int:application_id>/", views.request_detail, name="request"),
    path("requests/<int:application_id>/act", views.act, name="act"),
    path("requests/<int:application_id>/hearing-close", hearings.close, name="hearing-close"),
    path("requests/<int:application_id>/enter", views.enter, name="enter"),
    path("requests/<int:application_id>/scans", views.scans, name="scans"),
    path("requests/<int:application_id>/attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("requests/<int:application_id>/draft-order.pdf", views.draft_order, name="draft-order"),
    path("requests/<int:application_id>/documents/<str:number>/sign", views.sign_document, name="sign-document"),
    path("requests/<int:application_id>/documents/<str:number>/to-sign", views.document_to_sign,
         name="document-to-sign"),
    path("indicators/", indicator_views.indicators, name="indicators"),
    path("powers-of-attorney/", powers.powers, name="powers"),
    path("powers-of-attorney/new", powers.power_new, name="power-new"),
    path("powers-of-attorney/<int:poa_id>/revocation", powers.power_revoke, name="power-revoke"),
    path("powers-of-attorney/<int:poa_id>/scan", powers.power_scan, name="power-scan"),
    path("admin/", admin_views.home, name="admin"),
    path("admin/users/", admin_views.users, name="admin-users"),
    path("admin/users/new/", admin_views.user_new, name="admin-user-new"),
    path("admin/users/<int:user_id>/", admin_views.user_edit, name="admin-user"),
    path("admin/calendar/", admin_views.calendar, name="admin-calendar"),
    path("admin/fees/", admin_views.fees, name="admin-fees"),
    path("admin/fees/<int:fee_id>/", admin_views.fee_edit, name="admin-fee"),
    path("admin/fees/payment-terms/", admin_views.payment_terms, name="admin-payment-terms"),
    path("admin/trust/", admin_views.trust, name="admin-trust"),
]
