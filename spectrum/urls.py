from django.urls import path

from spectrum import views

app_name = "spectrum"
urlpatterns = [
    path("spectrum/", views.assignments, name="assignments"),
    path("spectrum/export.csv", views.export_csv, name="export"),
    path("spectrum/devices/", views.devices, name="devices"),
    path("spectrum/devices/export.csv", views.devices_csv, name="devices-export"),
]
