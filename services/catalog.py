"""The four services and their sub-kinds (spec §2)."""
from django.utils.translation import gettext_lazy as _

SUB_KINDS = {
    "S1": {"issue": _("issue"), "reissue": _("re-issue"), "duplicate": _("duplicate")},
    "S2": {"allocate": _("allocate numbering resource"), "assign": _("assign numbers"), "withdraw": _("withdraw")},
    "S3": {"assignment": _("spectrum assignment")},
    "S4": {"device": _("radio-electronic device"), "hf_device": _("high-frequency device")},
}
# S3 and S4 go to the Inspection of the region where the resource is used.
REGIONAL_SERVICES = {"S3", "S4"}

TITLES = {
    "S1": _("Issuing, re-issuing and issuing a duplicate of a licence to provide communication services"),
    "S2": _("Allocating numbering resource and assigning numbers, and withdrawing them"),
    "S3": _("Permit to use the radio-frequency spectrum of the Republic of Kazakhstan"),
    "S4": _("Permit to operate radio-electronic devices and high-frequency devices"),
}
