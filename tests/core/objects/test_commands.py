"""/commands: what the command palette offers, within the user's rights."""

from __future__ import annotations

from tests.conftest import add_user


def _commands(client) -> list[str]:
    response = client.get("/commands")
    assert response.status_code == 200
    return [f"{c['kind']}:{c['label']}" for c in response.get_json()["commands"]]


def test_an_admin_is_offered_objects_creating_and_settings(client):
    commands = _commands(client)
    assert "Go to:Deals" in commands
    assert "Create:New deal" in commands
    assert "Setting:Users" in commands and "Setting:Billing" in commands


def test_an_admin_finds_the_security_log_in_the_palette(client):
    commands = _commands(client)
    assert "Setting:Security log" in commands
    assert commands.index("Setting:API tokens") < commands.index("Setting:Security log")


def test_a_viewer_is_offered_no_settings_and_nothing_to_create(app, tenant, login_as):
    add_user(app, tenant, email="vic@acme.example.com", role="viewer", password="viewer password 1")
    viewer = login_as(tenant, "vic@acme.example.com", "viewer password 1")
    commands = _commands(viewer)
    assert "Go to:Contacts" in commands
    assert not [c for c in commands if c.startswith(("Setting:", "Create:"))]


def test_the_top_bar_button_links_to_search_without_javascript(client):
    page = client.get("/").get_data(as_text=True)
    assert 'class="palette-button" href="/search"' in page
    assert 'data-commands-url="/commands"' in page
