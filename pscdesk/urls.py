from django.urls import path

from pscdesk import views

app_name = "pscdesk"
urlpatterns = [
    path("", views.desk, name="queue"),
    path("tickets/issue", views.issue, name="issue"),
    path("tickets/call-next", views.call_next, name="call-next"),
    path("tickets/<int:ticket_id>/", views.ticket_view, name="ticket"),
    path("tickets/<int:ticket_id>/receipt", views.receipt, name="receipt"),
    path("book/", views.book, name="book"),
    path("results/", views.collection, name="collection"),
]
