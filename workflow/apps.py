from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "workflow"

    def ready(self):
        # A released definition is immutable: a file changed after requests were filed under it is refused.
        from django.core import checks

        from workflow.checks import check_released_definitions

        checks.register(check_released_definitions)
        # The history is covered by the audit chain (docs/audit.md): every row hashed, in order.
        from audit import chain
        from workflow.models import Event

        chain.cover(Event, time_field="at")
