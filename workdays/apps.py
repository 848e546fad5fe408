from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "workdays"

    def ready(self):
        from workdays import signals  # noqa: F401 - connects the override cache's receivers
