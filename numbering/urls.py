from django.urls import path

from numbering import views

app_name = "numbering"
urlpatterns = [
    path("numbering/utilisation/", views.utilisation, name="utilisation"),
]
