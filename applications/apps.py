from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "applications"

    def ready(self):
        # The request's service-task operations and the engine's view of a request (applications.operations).
        from applications import operations
        from workflow import engine

        engine.configure(operations.RequestHost())
