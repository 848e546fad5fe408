from django.utils import timezone
from ninja import Router, Schema

from services import registry
from services.models import Fee, QualificationRequirement, RequiredDocument
from workflow import definitions

router = Router(tags=["services"])


class ChannelOut(Schema):
    channel: str
    version: str
    process_id: str
    deadline: str


class SubKindOut(Schema):
    code: str
    name: str
    fee_kzt: int | None


class ServiceDocumentOut(Schema):
    code: str
    name: str
    mandatory: bool
    sub_kind: str


class ChecklistItemOut(Schema):
    code: str
    text: str


class ServiceOut(Schema):
    code: str
    sub_kinds: list[SubKindOut]
    channels: list[ChannelOut]
    documents: list[ServiceDocumentOut]
    checklist: list[ChecklistItemOut]


@router.get("", response=list[ServiceOut], auth=None)
def catalogue(request):
    """The services, with the channels and regulation versions in force today, fees and documents."""
    today = timezone.localdate()
    fees = {}
    for fee in Fee.objects.filter(valid_from__lte=today).exclude(valid_to__lt=today).order_by("valid_from"):
        fees[(fee.service, fee.sub_kind)] = fee.amount_kzt
    lang = getattr(request, "LANGUAGE_CODE", "kk")
    result = []
    for service in registry.all_services():
        code, kinds = service.code, service.sub_kind_labels()
        channels = []
        for channel in ("portal", "staff", "psc"):
            d = definitions.definition_for(code, channel, today)
            if d:
                channels.append({"channel": channel, "version": d.version, "process_id": d.process_id,
                                 "deadline": d.metadata.get("deadline", "")})
        result.append({
            "code": code,
            "sub_kinds": [{"code": k, "name": str(v), "fee_kzt": fees.get((code, k))} for k, v in kinds.items()],
            "channels": channels,
            "documents": [
                {"code": d.code, "name": getattr(d, f"name_{lang}", d.name_en), "mandatory": d.mandatory, "sub_kind": d.sub_kind}
                for d in RequiredDocument.objects.filter(service=code)
            ],
            # The qualification check's items: a decision answers each (POST …/decision, "checklist").
            "checklist": [{"code": r.code, "text": getattr(r, f"text_{lang}", r.text_en)}
                          for r in QualificationRequirement.objects.filter(service=code).order_by("code")],
        })
    return result
