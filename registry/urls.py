from django.urls import path

from registry import views

app_name = "registry"
urlpatterns = [
    path("registry/", views.search, name="search"),
    path("registry/export.csv", views.export_csv, name="export"),
    path("registry/<str:number>/", views.record, name="record"),
    path("verify/", views.verify_lookup, name="verify-lookup"),
    path("verify/<str:number>.json", views.verify_json, name="verify-json"),
    path("verify/<str:number>/", views.verify, name="verify"),
]
