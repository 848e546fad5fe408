from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from django.db.models.signals import post_save

        from core import idempotency

        # A row saved while an idempotency key's call runs marks the key committed, in the same transaction.
        post_save.connect(idempotency.saved, dispatch_uid="core.idempotency.saved")
