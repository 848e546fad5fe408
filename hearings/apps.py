from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = "hearings"

    def ready(self):
        # The hearing's service-task operations (notify_intended_refusal, record_hearing_outcome).
        from hearings import operations  # noqa: F401
