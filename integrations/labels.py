"""The exchange log's codes (integrations.models.ExchangeLog: system, operation, direction) as the back office
shows them: every code an adapter or the callback endpoint writes has its label here (web_tags.exchange_label)."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SYSTEMS = {
    "registry": _("the state registries (individuals, legal entities)"),
    "payments": _("the e-government payment gateway"),
    "documents": _("the document management system"),
}

OPERATIONS = {
    "individual": _("look up an individual by IIN"),
    "legal_entity": _("look up a legal entity by BIN"),
    "create_payment": _("create the payment"),
    "payment_status": _("ask the payment's status"),
    "find_payment": _("find a payment by its reference"),
    "cancel_payment": _("cancel the payment"),
    "refund_payment": _("refund the payment"),
    "payment_callback": _("the gateway's notice of the payment"),
    "register_incoming": _("register the incoming application"),
}

DIRECTIONS = {
    "out": _("we called"),
    "in": _("the system called us"),
}

EXCHANGE = {"system": SYSTEMS, "operation": OPERATIONS, "direction": DIRECTIONS}

# The state registries' answers (integrations.registry): the fields' names and the coded values, as the back
# office's request page shows the applicant's registry data.
REGISTRY_FIELDS = {
    "iin": _("IIN"), "bin": _("BIN"), "last_name": _("surname"), "first_name": _("given name"),
    "patronymic": _("patronymic"), "birth_date": _("date of birth"), "status": _("status in the registry"),
    "name": _("name"), "legal_form": _("legal form"), "address": _("address"), "head_iin": _("head's IIN"),
    "head_name": _("head"), "registered_on": _("registered on"), "oked": _("activity code (OKED)"),
    "head_office_bin": _("BIN of the head office"),
}
REGISTRY_VALUES = {
    "status": {"alive": pgettext_lazy("registry status", "alive"),
               "deceased": pgettext_lazy("registry status", "deceased"),
               "active": pgettext_lazy("registry status", "active"),
               "liquidated": pgettext_lazy("registry status", "liquidated")},
    "legal_form": {"LLP": _("limited liability partnership"), "JSC": _("joint-stock company"),
                   "branch": _("branch"), "IE": _("individual entrepreneur")},
}
