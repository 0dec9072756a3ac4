"""A text field's format rule (an admin's regular expression) runs with RE2: linear time,
so a pattern that makes a backtracking engine run for seconds (``(a+)+$``) costs nothing.
Patterns RE2 cannot run are refused when saved; one stored before stays harmless."""

from __future__ import annotations

import pytest
import re2
from sqlalchemy import select

from core.objects import patterns
from core.objects.models import FieldDefinition
from core.objects.types import FIELD_TYPES, FieldValueError
from saas.db import db
from tenants.scoping import tenant_scope

FIELDS = "/api/v1/schema/objects/companies/fields"
EVIL = "(a+)+$"


def test_patterns_are_compiled_by_re2():
    compiled = patterns.compile_pattern(EVIL)
    assert isinstance(compiled, re2._Regexp)
    assert type(compiled).__module__.startswith("re2")


def test_a_catastrophic_pattern_gives_the_right_answer_through_re2():
    text = FIELD_TYPES["text"]
    options = {"regex": EVIL, "regex_message": "Only a's."}
    # Python's re backtracks 2**n times on this input; RE2 answers at once.
    with pytest.raises(FieldValueError, match="Only a's."):
        text.clean("a" * 40 + "!", options)
    assert text.clean("a" * 40, options) == "a" * 40


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(a)\1", "back-references"),
        (r"(?=a)a", "look-ahead"),
        (r"(?<!x)y", "look-ahead and look-behind"),
        (r"(?P<x>a)(?P=x)", "not supported"),
        (r"end\Z", r"\z"),
        ("([a-z", "not a valid pattern"),
    ],
)
def test_patterns_re2_cannot_run_are_refused_with_the_reason(pattern, reason):
    problem = patterns.pattern_problem(pattern)
    assert problem and reason in problem
    with pytest.raises(FieldValueError, match="regex"):
        FIELD_TYPES["text"].check_options({"regex": pattern})


def test_the_api_refuses_a_lookaround_pattern_with_422(api):
    body = {"name": "code", "label": "Code", "type": "text", "options": {"regex": "(?=A)A+"}}
    response = api.post(FIELDS, json=body)
    assert response.status_code == 422
    assert "look-ahead" in response.get_json()["message"]
    fine = api.post(FIELDS, json=body | {"options": {"regex": "A+"}})
    assert fine.status_code == 201


def test_the_admin_form_shows_the_refusal_on_the_field(client):
    form = {"name": "code", "label": "Code", "type": "text", "opt_regex": r"(\d)\1"}
    page = client.post("/admin/objects/companies/fields", data=form)
    assert page.status_code == 422
    assert "back-references" in page.get_data(as_text=True)


def test_a_stored_pattern_re2_refuses_is_a_validation_error_not_a_crash(app, tenant, api):
    body = {"name": "code", "label": "Code", "type": "text", "options": {"regex": "A+"}}
    assert api.post(FIELDS, json=body).status_code == 201
    with app.app_context(), tenant_scope(tenant["id"]):
        definition = db.session.scalar(
            select(FieldDefinition).where(FieldDefinition.api_name == "code")
        )
        definition.options = {"regex": r"(A)\1"}  # accepted by Python's re, in the past
        db.session.commit()
    response = api.post("/api/v1/objects/companies", json={"name": "Acme", "code": "AA"})
    assert response.status_code == 422
    assert "Ask an admin" in response.get_json()["fields"]["code"][0]
    assert api.post("/api/v1/objects/companies", json={"name": "Acme"}).status_code == 201
