from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "services"

    def ready(self):
        # The engine reads process definitions from the folders it is given: each service's own.
        from services import registry
        from workflow import definitions

        for directory in registry.definition_dirs():
            definitions.add_directory(directory)
