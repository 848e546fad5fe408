"""S2: numbering resource — allocate, assign, withdraw (Order No. 809 of 2012; the 2015 regulation with the
public service centre and the provider's office steps)."""
from django.utils.translation import gettext_lazy as _

from services.registry import COMMITTEE, Service, SubKind
from services.s2 import forms


def scope_text(scope: dict) -> str:
    """The numbers or the range, as the public registry shows them."""
    if scope.get("numbers"):
        return ", ".join(str(n.get("number", "")) for n in scope["numbers"])
    kind = dict(forms.NumberRangeForm.RESOURCE_KINDS).get(scope.get("resource_kind"), scope.get("resource_kind", ""))
    return f"{kind} {scope.get('range_start', '')}–{scope.get('range_end', '')}".strip()


SERVICE = Service(
    code="S2",
    name=_("Numbering resource"),
    title=_("Allocating numbering resource and assigning numbers, and withdrawing them"),
    official_name=("Нөмірлеу ресурсын бөлу және нөмірлерді беру, сондай-ақ оларды алып қою",
                   "Выделение номерного ресурса, а также присвоение номеров и их изъятие"),
    provider=COMMITTEE,
    sub_kinds=(
        SubKind("allocate", _("allocate numbering resource"), forms.NumberRangeForm),
        SubKind("assign", _("assign numbers"), forms.NumbersForm),
        SubKind("withdraw", _("withdraw"), forms.WithdrawForm, record_action="withdraw"),
    ),
    result_kind="order",
    result_label=_("S2 numbering order"),
    registry_scope=("resource_kind", "range_start", "range_end", "numbers", "purpose", "order_number"),
    public_scope=("resource_kind", "range_start", "range_end", "numbers", "purpose"),
    scope_text=scope_text,
    drafted_in_office=("staff", "psc"),  # the 2015 regulation's office chain: the executor drafts the order
    package="services.s2",
)
