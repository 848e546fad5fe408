from django.urls import path

from web import views

app_name = "web"
urlpatterns = [
    path("web/validate/<str:kind>", views.validate_identifier, name="validate-identifier"),
]
