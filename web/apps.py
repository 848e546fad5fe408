from django.apps import AppConfig
from django.conf import settings


class WebConfig(AppConfig):
    name = "web"
    verbose_name = "Web interface foundation"

    def ready(self):
        from django.core import checks

        from web import production

        # manage.py check --deploy (scripts/serve: --fail-level ERROR); and no process at all in production
        # mode on development settings or demo material (web/production.py, ADR 0011).
        checks.register(production.check_production, checks.Tags.security, deploy=True)
        if settings.ELICENSE_ENV == "production":
            production.refuse_unless_fit_for_production()
