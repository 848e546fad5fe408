"""The OpenAPI document is true to the server (issue 12): every operation documents its error answers in the one
error shape, every state-changing one the Idempotency-Key header, no two schemas share a name (a collision
would document one of them as the other), and validation errors come back in the one shape."""
import json

from api.openapi import UNSAFE
from api.urls import api
from applications.models import Application

ERROR = {"$ref": "#/components/schemas/Error"}


def _schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield path, method, operation


def test_every_operation_documents_its_error_answers_in_the_one_shape(client):
    schema = _schema(client)
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "message", "details"]
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        errors = {int(s) for s in responses if int(s) >= 400}
        assert {400, 503} <= errors, (method, path, errors)
        if operation.get("security"):
            assert {401, 403} <= errors, (method, path)
        if "{" in path:
            assert 404 in errors, (method, path)
        if operation.get("parameters") or "requestBody" in operation:
            assert 422 in errors, (method, path)
        if method in UNSAFE:
            assert 409 in errors, (method, path)
        for status in errors:
            assert responses[str(status)]["content"]["application/json"]["schema"] == ERROR, (method, path, status)
    assert "429" in schema["paths"]["/api/v1/auth/token"]["post"]["responses"]


def test_every_state_changing_operation_documents_the_idempotency_key(client):
    for path, method, operation in _operations(_schema(client)):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert (names.count("Idempotency-Key") == 1) == (method in UNSAFE), (method, path, names)


def test_no_two_schemas_share_a_name(client):
    """Each model an operation answers or takes is documented under its name as itself: its own JSON schema's
    definitions have the fields of the component of that name (ninja keeps one of two models with one name)."""
    components = _schema(client)["components"]["schemas"]
    checked = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                models = [m for m in operation.response_models.values() if m is not None and hasattr(m, "model_json_schema")]
                for model, mode in [(m, "serialization") for m in models] + [(m, "validation") for m in operation.models]:
                    definitions = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode).get("$defs", {})
                    for name, definition in definitions.items():
                        assert name in components, name
                        assert set(definition.get("properties", {})) == set(components[name].get("properties", {})), (
                            f"two schemas are named {name}: {operation.view_func.__module__}.{operation.view_func.__name__}")
                        checked += 1
    assert checked > 20


def test_the_documents_operation_ids_are_unique(client):
    ids = [operation["operationId"] for _p, _m, operation in _operations(_schema(client))]
    assert len(ids) == len(set(ids))


def test_validation_errors_come_back_in_the_one_shape(world):
    api_client = world.api["person"]
    for body in ({"service": 1}, {}, "not an object"):
        response = api_client.client.post("/api/v1/applications", data=json.dumps(body), content_type="application/json",
                                          HTTP_ACCEPT_LANGUAGE="ru", **api_client.headers)
        assert response.status_code == 422, response.content
        answer = response.json()
        assert set(answer) == {"code", "message", "details"} and answer["code"] == "invalid_input"
        assert answer["details"]["fields"] and answer["message"] != "The request has errors."
    broken = api_client.client.post("/api/v1/applications", data=b"{not json", content_type="application/json",
                                    **api_client.headers)
    assert broken.status_code in (400, 422) and set(broken.json()) == {"code", "message", "details"}
    wrong_type = api_client.client.get("/api/v1/applications?limit=many", **api_client.headers)
    assert wrong_type.status_code == 422 and wrong_type.json()["code"] == "invalid_input"


def test_what_the_fuzzer_found_is_invalid_input_not_a_server_error(world):
    """scripts/apifuzz found these 500s: a negative or huge offset, a NUL character in the query, path or body
    (the body's: 400, as any body that cannot be read)."""
    api_client = world.api["person"]
    for query in ("offset=-2097", "limit=-705", "offset=85422518176393742778368", "status=%00", "service=S1%00"):
        response = api_client.client.get(f"/api/v1/applications?{query}", **api_client.headers)
        assert response.status_code == 422 and response.json()["code"] == "invalid_input", (query, response.content)
    response = api_client.client.get("/api/v1/registry/public/A%00B")
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    app = api_client.post("/applications", {"service": "S1", "sub_kind": "issue"}, expect=201)
    response = api_client.client.put(f"/api/v1/applications/{app['id']}/form", content_type="application/json",
                                     data=json.dumps({"data": {"territory": "a\u0000b"}, "version": 0}),
                                     **api_client.headers)
    assert response.status_code == 400 and response.json()["code"] == "bad_request"  # an unreadable body
    assert Application.objects.get(pk=app["id"]).form_version == 0
