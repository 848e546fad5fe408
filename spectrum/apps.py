from django.apps import AppConfig


class SpectrumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "spectrum"
    verbose_name = "Spectrum and devices"
