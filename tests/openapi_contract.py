"""Checking answers against the OpenAPI document: the status must be one the document lists
for the operation, and the body valid against the schema it gives for that status and
content type ($refs resolved in the document)."""

from __future__ import annotations

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:trellis:openapi"


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


class Contract:
    def __init__(self, document: dict) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)
        self.seen: set[tuple[str, str, str]] = set()  # (path, method, status) checked

    def validator(self, pointer: str) -> jsonschema.Draft202012Validator:
        return jsonschema.Draft202012Validator(
            {"$ref": f"{DOC_URI}#/{pointer}"},
            registry=self.registry,
            format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
        )

    def check(self, path: str, method: str, response):
        """``response`` has a status documented for the operation and a body valid against
        the schema documented for that status; returns the response."""
        operation = self.document["paths"][path][method]
        documented = operation["responses"]
        status = str(response.status_code)
        body = response.get_data(as_text=True)
        where = f"{method.upper()} {path}"
        assert status in documented, f"{where}: {status} is not documented: {body[:300]}"
        self.seen.add((path, method, status))
        content = documented[status].get("content")
        if content is None:
            assert not body.strip(), f"{where}: {status} has a body"
            return response
        assert response.mimetype in content, f"{where}: {status} answered {response.mimetype}"
        pointer = _pointer("paths", path, method, "responses", status, "content")
        pointer += "/" + _pointer(response.mimetype) + "/schema"
        instance = body if response.mimetype != "application/json" else response.get_json()
        errors = sorted(self.validator(pointer).iter_errors(instance), key=str)
        assert not errors, f"{where} {status}: {errors[0].message} at {list(errors[0].path)}"
        return response

    def accepts(self, path: str, method: str, body) -> bool:
        """Whether ``body`` is valid against the operation's documented request body."""
        pointer = _pointer("paths", path, method, "requestBody", "content")
        pointer += "/application~1json/schema"
        return self.validator(pointer).is_valid(body)

    def succeeded(self) -> set[tuple[str, str]]:
        return {(path, method) for path, method, status in self.seen if status.startswith("2")}
