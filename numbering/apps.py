from django.apps import AppConfig


class NumberingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "numbering"
    verbose_name = "Numbering plan and inventory"
