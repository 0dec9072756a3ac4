"""What `make run` prints (it runs `trellis db upgrade` then `trellis demo`) and the icon
every page asks for."""

from __future__ import annotations

from saas.app import create_app
from saas.db import db
from tests.conftest import test_config


def test_db_upgrade_says_it_created_the_schema_then_that_it_is_up_to_date(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = create_app(test_config(url, url))
    runner = fresh.test_cli_runner()

    first = runner.invoke(args=["db", "upgrade"])
    second = runner.invoke(args=["db", "upgrade"])

    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"Created the database schema in {url} (revision ")
    assert "up to date" not in first.output
    assert second.output.startswith(f"Database is up to date ({url}, revision ")
    with fresh.app_context():
        db.engine.dispose()


def test_demo_says_what_it_did_and_where_to_sign_in(app):
    runner = app.test_cli_runner()

    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])

    assert first.exit_code == 0, first.output
    assert first.output.splitlines()[0] == (
        "Created the demo workspace 'Northwind Trading (demo)', with a team and sample work."
    )
    assert "Sign in to it at http://demo.localhost/login" in first.output
    assert "e-mail:   admin@demo.example" in first.output
    assert "password: trellis-demo" in first.output
    assert "New companies sign up at http://localhost/signup" in first.output
    assert second.output.splitlines()[0] == (
        "The demo workspace 'Northwind Trading (demo)' is ready (it was created earlier)."
    )


def test_the_icon_is_answered_on_every_host_and_linked_from_every_page(app, tenant):
    client = app.test_client()
    for host in ("http://localhost", tenant["host"], "http://nobody.localhost"):
        with client.get("/favicon.ico", base_url=host) as response:
            assert response.status_code == 200, host
            assert response.mimetype == "image/svg+xml"
            assert response.get_data(as_text=True).startswith("<svg")
    page = client.get("/", base_url="http://localhost").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    with client.get("/static/favicon.svg") as response:
        assert response.status_code == 200
