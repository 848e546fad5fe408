from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PscdeskConfig(AppConfig):
    name = "pscdesk"
    verbose_name = _("PSC desk")
