"""S6 (fake, tests only): permit for a club radio station, given by the Committee, free of charge."""
from services.registry import COMMITTEE, Service, SubKind
from services.tests.fake_service import forms


def scope_text(scope: dict) -> str:
    return f"{scope.get('call_sign', '')}, {scope.get('place', '')}"


SERVICE = Service(
    code="S6",
    name="Club radio station permit (test)",
    title="Permit for a club radio station (test service)",
    official_name=("Клубтық радиостанцияға рұқсат беру (тест)", "Выдача разрешения на клубную радиостанцию (тест)"),
    provider=COMMITTEE,
    sub_kinds=(SubKind("club", "club radio station", forms.ClubStationForm),),
    result_kind="permit",
    result_label="S6 club station permit (test)",
    registry_scope=("call_sign", "place"),
    scope_text=scope_text,
    package="services.tests.fake_service",
)
