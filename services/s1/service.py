"""S1: licence to provide communication services — issue, re-issue, duplicate (Order No. 809 of 2012)."""
from django.utils.translation import gettext_lazy as _

from services.registry import BEFORE_SIGNING, COMMITTEE, Service, SubKind
from services.s1 import forms


def scope_text(scope: dict) -> str:
    """The licensed sub-types and territory, as the public registry shows them."""
    from services.models import LicenceSubtype

    codes = scope.get("subtypes", [])
    names = dict(LicenceSubtype.objects.filter(code__in=codes).values_list("code", "name_ru"))
    territory = f" — {scope['territory']}" if scope.get("territory") else ""
    return "; ".join(names.get(c, c) for c in codes) + territory


SERVICE = Service(
    code="S1",
    name=_("Licence to provide communication services"),
    title=_("Issuing, re-issuing and issuing a duplicate of a licence to provide communication services"),
    official_name=("Байланыс саласындағы қызметтерді көрсетуге лицензия беру, қайта ресімдеу, лицензияның телнұсқасын беру",
                   "Выдача, переоформление, выдача дубликатов лицензии на предоставление услуг в области связи"),
    provider=COMMITTEE,
    payment=BEFORE_SIGNING,  # regulation §3: the applicant pays before signing
    sub_kinds=(
        SubKind("issue", _("issue"), forms.LicenceIssueForm),
        SubKind("reissue", _("re-issue"), forms.LicenceReissueForm, record_action="reissue"),
        SubKind("duplicate", _("duplicate"), forms.LicenceDuplicateForm, record_action="duplicate"),
    ),
    result_kind="licence",
    result_label=_("S1 licence"),
    registry_scope=("subtypes", "territory"),
    scope_text=scope_text,
    package="services.s1",
)
