"""Rights on quotes, orders and products apply to lines, conversion and the lines editor,
in the API and in the web pages; and the OpenAPI document describes the lines."""

from __future__ import annotations

import jsonschema

from tests.conftest import add_user
from tests.core.objects.conftest import Api, token_for
from tests.core.objects.test_views import MEMBER
from tests.core.orders.conftest import ORDERS, PRODUCTS, QUOTES, created


def _member(app, tenant, login_as) -> tuple[Api, object]:
    user_id = add_user(app, tenant, email=MEMBER["email"], password=MEMBER["password"])
    api = Api(app, token_for(app, tenant, user_id))
    return api, login_as(tenant, MEMBER["email"], MEMBER["password"])


def test_object_rights_on_orders_cover_the_api_the_pages_and_conversion(
    app, tenant, api, widget, login_as
):
    member_api, member_web = _member(app, tenant, login_as)
    api.put("/api/v1/permissions/member/orders", json={"create": False})
    refused = member_api.post(ORDERS, json={"name": "Nope"})
    assert refused.status_code == 403
    assert member_web.get("/o/orders/new").status_code == 403
    quote = created(
        member_api.post(
            QUOTES,
            json={
                "name": "Member quote",
                "status": "accepted",
                "lines": [{"product_id": widget["id"], "quantity": 1}],
            },
        )
    )
    assert member_api.post(f"{QUOTES}/{quote['id']}/convert").status_code == 403
    assert member_web.post(f"/o/quotes/{quote['id']}/convert").status_code == 403
    assert api.get(ORDERS).get_json()["data"] == []
    assert api.get(f"{QUOTES}/{quote['id']}").get_json()["order_id"] is None

    api.put("/api/v1/permissions/member/quotes", json={"update": False})
    page = member_web.get(f"/o/quotes/{quote['id']}").get_data(as_text=True)
    assert "Save lines" not in page and "Convert to order" not in page
    lines = {"line_count": "1", "line-0-description": "Extra", "line-0-quantity": "1"}
    assert member_web.post(f"/o/quotes/{quote['id']}/lines", data=lines).status_code == 403
    assert member_api.patch(f"{QUOTES}/{quote['id']}", json={"lines": []}).status_code == 403
    assert len(api.get(f"{QUOTES}/{quote['id']}").get_json()["lines"]) == 1


def test_record_visibility_hides_other_peoples_quotes_and_their_lines(
    app, tenant, api, widget, login_as
):
    member_api, member_web = _member(app, tenant, login_as)
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Admin quote",
                "status": "accepted",
                "lines": [{"product_id": widget["id"], "quantity": 2}],
            },
        )
    )
    api.put("/api/v1/permissions/member/quotes", json={"visibility": "own"})
    assert member_api.get(f"{QUOTES}/{quote['id']}").status_code == 404
    assert member_api.get(QUOTES).get_json()["data"] == []
    assert member_api.post(f"{QUOTES}/{quote['id']}/convert").status_code == 404
    lines = {"line_count": "1", "line-0-description": "Extra", "line-0-quantity": "1"}
    assert member_web.post(f"/o/quotes/{quote['id']}/lines", data=lines).status_code == 404
    assert member_web.get(f"/o/quotes/{quote['id']}").status_code == 404
    assert api.get(ORDERS).get_json()["data"] == []


def test_someone_who_cannot_read_products_cannot_add_product_lines(app, tenant, api, widget):
    user_id = add_user(app, tenant, email="seller@acme.example.com")
    member_api = Api(app, token_for(app, tenant, user_id))
    api.put("/api/v1/permissions/member/products", json={"read": False})
    assert member_api.get(PRODUCTS).status_code == 403
    refused = member_api.post(
        QUOTES, json={"name": "Q", "lines": [{"product_id": widget["id"], "quantity": 1}]}
    )
    assert refused.status_code == 403
    free_text = member_api.post(
        QUOTES,
        json={
            "name": "Q",
            "lines": [{"description": "Consulting", "quantity": 1, "unit_price": "100"}],
        },
    )
    assert free_text.status_code == 201


def test_the_openapi_document_describes_lines_and_responses_match_it(api, widget):
    document = api.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for name in ("quotes", "orders"):
        assert schemas[name]["properties"]["lines"]["type"] == "array"
        assert "lines" in schemas[f"{name}_input"]["properties"]
        assert "total" not in schemas[f"{name}_input"]["properties"]
    quote = created(
        api.post(
            QUOTES,
            json={
                "name": "Contract",
                "lines": [{"product_id": widget["id"], "quantity": 2, "discount_percent": 5}],
            },
        )
    )
    resolver_schema = {**schemas["quotes"], "components": document["components"]}
    jsonschema.validate(quote, resolver_schema)
    order = api.get(ORDERS).get_json()["data"]
    assert order == []
    body = {"name": "Input check", "lines": quote["lines"]}
    jsonschema.validate(body, {**schemas["orders_input"], "components": document["components"]})
