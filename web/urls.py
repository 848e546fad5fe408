from django.urls import path

from web import health, views

app_name = "web"
urlpatterns = [
    path("web/validate/<str:kind>", views.validate_identifier, name="validate-identifier"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
