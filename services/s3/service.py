"""S3: permit to use the radio-frequency spectrum of the Republic of Kazakhstan (Order No. 809 of 2012)."""
from django.utils.translation import gettext_lazy as _

from services.registry import AFTER_CHECK, INSPECTION, Service, SubKind
from services.s3 import forms


def scope_text(scope: dict) -> str:
    """The bands, radio service and station, as the public registry shows them."""
    from documents.context import decimal, mhz

    bands = "; ".join(f"{decimal(b.get('low_mhz'))}–{mhz(b.get('high_mhz'))}" for b in scope.get("bands", []))
    service = dict(forms.SpectrumForm.RADIO_SERVICES).get(scope.get("radio_service"), scope.get("radio_service", ""))
    return ", ".join(str(p) for p in (bands, service, scope.get("station_address", "")) if p)


SERVICE = Service(
    code="S3",
    name=_("Permit to use radio-frequency spectrum"),
    title=_("Permit to use the radio-frequency spectrum of the Republic of Kazakhstan"),
    official_name=("Қазақстан Республикасының радиожиілік спектрін пайдалануға рұқсат беру",
                   "Выдача разрешения на использование радиочастотного спектра Республики Казахстан"),
    provider=INSPECTION,
    payment=AFTER_CHECK,  # regulation §3: the fee is paid after the Inspection's check
    sub_kinds=(SubKind("assignment", _("spectrum assignment"), forms.SpectrumForm),),
    result_kind="permit",
    result_label=_("S3 spectrum permit"),
    registry_scope=("radio_service", "bands", "station_address", "latitude", "longitude"),
    public_scope=("radio_service", "bands", "station_address"),
    scope_text=scope_text,
    package="services.s3",
)
