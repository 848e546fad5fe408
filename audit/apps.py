from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self):
        from audit import chain, signals
        from audit.models import AuditEntry

        chain.cover(AuditEntry, time_field="at")
        signals.connect()
