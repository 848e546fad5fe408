from django.apps import AppConfig


class RegistryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registry"
    verbose_name = "E-licensing registry"

    def ready(self):
        # The registry's history is covered by the audit chain, and each record's status must be the one its
        # last chained event says (docs/audit.md): /verify/ reports no status the chain does not back.
        from audit import chain
        from registry import backing
        from registry.models import RecordEvent

        chain.cover(RecordEvent, time_field="created_at")
        chain.add_check(backing.check_statuses)
