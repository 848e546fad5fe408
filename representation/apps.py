from django.apps import AppConfig


class RepresentationConfig(AppConfig):
    name = "representation"
    verbose_name = "representation"
