"""The OpenAPI document is served, and it is true: every operation the API
routes is in it, and every step action of the process definitions has its
endpoint."""
import re

from django.urls import reverse

from workflow.definitions import all_definitions

ACTION_ENDPOINTS = {
    "fill": ("post", "/api/v1/applications/{application_id}/fill"),
    "pay": ("post", "/api/v1/applications/{application_id}/payment"),
    "choose_certificate": ("post", "/api/v1/applications/{application_id}/certificate"),
    "sign": ("post", "/api/v1/applications/{application_id}/signature"),
    "enter_application": ("post", "/api/v1/applications/{application_id}/applicant"),
    "attach_scans": ("post", "/api/v1/applications/{application_id}/scans"),
    "decide": ("post", "/api/v1/applications/{application_id}/decision"),
    "psc_intake": ("post", "/api/v1/applications/{application_id}/intake"),
    "register_incoming": ("post", "/api/v1/applications/{application_id}/incoming-registration"),
    "put_on_portal": ("post", "/api/v1/applications/{application_id}/put-on-portal"),
    "assign_unit": ("post", "/api/v1/applications/{application_id}/unit-assignment"),
    "assign_executor": ("post", "/api/v1/applications/{application_id}/executor-assignment"),
    "sign_result": ("post", "/api/v1/applications/{application_id}/result-signature"),
    "answer_hearing": ("post", "/api/v1/applications/{application_id}/hearing-answer"),
}


def _schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_lists_every_routed_operation(client):
    from api.urls import api

    schema = _schema(client)
    assert schema["info"]["version"] == "1"
    documented = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    routed = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    full = re.sub(r"{(\w+:)?(\w+)}", r"{\2}", f"/api/{prefix.strip('/')}/{path.lstrip('/')}".rstrip("/"))
                    routed.add((method.lower(), full.replace("/api//", "/api/")))
    routed = {(m, p) for m, p in routed if p != "/api"}
    assert routed <= documented, routed - documented


def test_every_action_kind_of_every_definition_has_its_endpoint(client):
    paths = _schema(client)["paths"]
    kinds = {n.action_kind for d in all_definitions() for n in d.nodes.values() if n.tag == "userTask"}
    assert kinds and kinds <= set(ACTION_ENDPOINTS), kinds - set(ACTION_ENDPOINTS)
    for kind in kinds:
        method, path = ACTION_ENDPOINTS[kind]
        assert method in paths.get(path, {}), (kind, path)


def test_api_docs_page_is_served_without_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def test_landing_page_lists_the_services(client, db):
    response = client.get(reverse("index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    for code in ("S1", "S2", "S3", "S4"):
        assert code.encode() in response.content


def test_step_table_endpoint_serves_the_generated_table(client):
    rows = client.get("/api/v1/process-definitions/S1_portal_2012/step-table").json()
    assert [r["step"] for r in rows] == [str(n) for n in range(1, 12)]
    payment = next(r for r in rows if r["step"] == "4")
    assert payment["norm"] == "1.5 min" and "5" in payment["next"] and "6" in payment["next"]
