"""What a user reads on the record form and the list page is labels, never technical API
names such as ``close_date`` (issue 11: "technical API names in forms")."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from core.objects.registry import object_for_tenant
from tests.conftest import run_as_admin

STANDARD = ("companies", "contacts", "leads", "deals", "tickets", "activities")


class _Text(HTMLParser):
    """The visible text of a page: not scripts, styles, attributes or <option value>s."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def _visible_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    return set(re.findall(r"[a-z0-9]+(?:_[a-z0-9]+)+", " ".join(parser.parts)))


@pytest.mark.parametrize("object_name", STANDARD)
def test_the_form_and_the_list_show_labels(app, tenant, client, object_name):
    api_names = run_as_admin(app, tenant, lambda admin: set(object_for_tenant(object_name).fields))
    technical = {name for name in api_names if "_" in name}
    assert technical  # every standard object has some (first_name, close_date, owner_id…)
    for path in (f"/o/{object_name}/new", f"/o/{object_name}"):
        response = client.get(path)
        assert response.status_code == 200, path
        shown = _visible_words(response.get_data(as_text=True)) & technical
        assert not shown, f"{path} shows API names {sorted(shown)}"
