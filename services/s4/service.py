"""S4: permit to operate radio-electronic and high-frequency devices (Order No. 809 of 2012)."""
from django.utils.translation import gettext_lazy as _

from services.registry import INSPECTION, Service, SubKind
from services.s4 import forms


def scope_text(scope: dict) -> str:
    """The devices and their place, as the public registry shows them."""
    from documents.context import mhz

    devices = "; ".join(" ".join(p for p in (d.get("device_type", ""), d.get("model", ""),
                                             mhz(d["frequency_mhz"]) if d.get("frequency_mhz") else "") if p)
                        for d in scope.get("devices", []))
    return ", ".join(p for p in (devices, scope.get("location_address", "")) if p)


SERVICE = Service(
    code="S4",
    name=_("Permit to operate radio-electronic and high-frequency devices"),
    title=_("Permit to operate radio-electronic devices and high-frequency devices"),
    official_name=("Радиоэлектрондық құралдар мен жоғары жиілікті құрылғыларды пайдалануға рұқсат беру",
                   "Выдача разрешения на эксплуатацию радиоэлектронных средств и высокочастотных устройств"),
    provider=INSPECTION,
    sub_kinds=(
        SubKind("device", _("radio-electronic device"), forms.DevicesForm),
        SubKind("hf_device", _("high-frequency device"), forms.DevicesForm),
    ),
    result_kind="permit",
    result_label=_("S4 device permit"),
    registry_scope=("devices", "location_address"),
    scope_text=scope_text,
    package="services.s4",
)
