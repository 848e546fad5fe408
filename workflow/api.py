from django.http import Http404, HttpResponse
from ninja import Router, Schema

from workflow import definitions, steptable

router = Router(tags=["process definitions"])


class DefinitionOut(Schema):
    process_id: str
    service: str
    channel: str
    version: str
    valid_from: str
    deadline: str
    sha256: str


@router.get("", response=list[DefinitionOut], auth=None)
def list_definitions(request):
    return [
        {"process_id": d.process_id, "service": d.service, "channel": d.channel, "version": d.version,
         "valid_from": d.metadata["valid_from"], "deadline": d.metadata.get("deadline", ""), "sha256": d.sha256}
        for d in definitions.all_definitions()
    ]


def _definition(process_id: str, sha256: str | None) -> definitions.Definition:
    try:
        return definitions.definition_by_process_id(process_id, sha256 or None)
    except LookupError:
        raise Http404(process_id) from None


@router.get("/{process_id}/bpmn", auth=None)
def bpmn(request, process_id: str, sha256: str | None = None):
    """The BPMN 2.0 file itself (opens in bpmn.io / Camunda Modeler): the current file, or with ``sha256``
    the exact version a request was filed under (its stored copy if the file has changed since)."""
    d = _definition(process_id, sha256)
    return HttpResponse(d.text, content_type="application/xml")


@router.get("/{process_id}/step-table", response=list[steptable.Row], auth=None)
def step_table(request, process_id: str, sha256: str | None = None):
    """The regulation's appendix-3 step table, generated from the definition itself."""
    return steptable.step_table(_definition(process_id, sha256))
