"""The OpenAPI document lists the errors any operation can give, with the error body: 400
(refused at the request boundary), 401, 429, and 413 where a body is sent."""

from __future__ import annotations

from openapi_spec_validator import validate as validate_spec

ERROR_REF = {"$ref": "#/components/schemas/Error"}


def test_every_operation_documents_the_common_errors(api):
    document = api.get("/api/v1/openapi.json").get_json()
    validate_spec(document)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses, where = operation["responses"], f"{method.upper()} {path}"
            expected = {"400", "401", "429"} | ({"413"} if "requestBody" in operation else set())
            assert expected <= set(responses), f"{where}: {sorted(expected - set(responses))}"
            for code in expected:
                schema = responses[code]["content"]["application/json"]["schema"]
                assert schema == ERROR_REF, where
            assert list(responses) == sorted(responses), f"{where}: statuses in order"


def test_the_documented_400_is_what_a_nul_gets(api):
    document = api.get("/api/v1/openapi.json").get_json()
    assert "400" in document["paths"]["/api/v1/me"]["get"]["responses"]
    response = api.get("/api/v1/me?x=%00")
    assert response.status_code == 400 and set(response.get_json()) >= {"error", "message"}
