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
