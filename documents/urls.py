from django.urls import path

from documents import views

urlpatterns = [
    path("tsa/", views.tsa_view, name="tsa"),
    path("pki/crl/<str:name>.crl", views.crl_view, name="crl"),
]
