"""Record visibility "their team's" holds everywhere, not only in the API: the web list, the
record page, global search, CSV export and the related lists of a record."""

from __future__ import annotations

import csv
import io

import pytest

from saas.auth import teams as team_service
from saas.auth.models import User
from saas.db import db
from tests.conftest import add_user
from tests.core.objects.test_views import make, rows, run, set_rights, text

PASSWORD = "member password 1"


@pytest.fixture
def team_world(app, tenant, login_as):
    """Ann and Bob in team North, Cid in no team; each owns a company (Zeta...) with a
    contact of each of them on Ann's company."""
    ids = {
        name: add_user(app, tenant, email=f"{name}@acme.example.com", password=PASSWORD)
        for name in ("ann", "bob", "cid")
    }

    def teams(admin):
        north = team_service.create_team(name="North")
        for name in ("ann", "bob"):
            user = db.session.get(User, (tenant["id"], ids[name]))
            team_service.set_team(user=user, team_id=north.id)

    run(app, tenant, teams)
    companies = {
        name: make(app, tenant, "companies", {"name": f"Zeta {name.title()}"}, owner_id=user_id)
        for name, user_id in ids.items()
    }
    companies["admin"] = make(app, tenant, "companies", {"name": "Zeta Admin"})
    for name, user_id in ids.items():
        make(
            app,
            tenant,
            "contacts",
            {
                "first_name": "Zed",
                "last_name": f"Person{name.title()}",
                "company_id": companies["ann"],
            },
            owner_id=user_id,
        )
    for object_name in ("companies", "contacts"):
        set_rights(app, tenant, object_name, visibility="team")
    clients = {name: login_as(tenant, f"{name}@acme.example.com", PASSWORD) for name in ids}
    return companies, clients


def test_the_web_list_shows_the_teams_records(team_world):
    _, clients = team_world
    assert sorted(rows(text(clients["ann"].get("/o/companies")))) == ["Zeta Ann", "Zeta Bob"]
    assert sorted(rows(text(clients["bob"].get("/o/companies")))) == ["Zeta Ann", "Zeta Bob"]
    assert rows(text(clients["cid"].get("/o/companies"))) == ["Zeta Cid"]  # no team: own


def test_a_record_outside_the_team_is_not_found(team_world):
    companies, clients = team_world
    ann = clients["ann"]
    assert ann.get(f"/o/companies/{companies['bob']}").status_code == 200
    for other in ("cid", "admin"):
        assert ann.get(f"/o/companies/{companies[other]}").status_code == 404
        assert ann.get(f"/o/companies/{companies[other]}/edit").status_code == 404
    assert clients["cid"].get(f"/o/companies/{companies['bob']}").status_code == 404


def test_global_search_finds_only_the_teams_records(team_world, client):
    _, clients = team_world
    found = text(clients["ann"].get("/search?q=zeta"))
    assert "Zeta Ann" in found and "Zeta Bob" in found
    assert "Zeta Cid" not in found and "Zeta Admin" not in found
    suggested = clients["bob"].get("/search/suggest?q=zeta").get_json()["results"]
    titles = " ".join(str(item) for item in suggested)
    assert "Zeta Ann" in titles and "Zeta Cid" not in titles
    assert "Zeta Cid" in text(client.get("/search?q=zeta"))  # the admin sees all


def _names(response) -> list[str]:
    assert response.status_code == 200
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return sorted(row[table[0].index("Name")] for row in table[1:])


def test_csv_export_holds_the_teams_records_only(team_world):
    _, clients = team_world
    assert _names(clients["ann"].get("/o/companies/export.csv")) == ["Zeta Ann", "Zeta Bob"]
    assert _names(clients["cid"].get("/o/companies/export.csv")) == ["Zeta Cid"]


def test_related_lists_show_the_teams_records_only(team_world):
    companies, clients = team_world
    page = text(clients["ann"].get(f"/o/companies/{companies['ann']}"))
    assert "PersonAnn" in page and "PersonBob" in page and "PersonCid" not in page
    page = text(clients["bob"].get(f"/o/companies/{companies['ann']}"))
    assert "PersonAnn" in page and "PersonBob" in page and "PersonCid" not in page


def test_moving_someone_to_another_team_changes_what_they_see_at_once(app, tenant, team_world):
    _, clients = team_world

    def move(admin):
        bob = db.session.scalar(db.select(User).where(User.email == "bob@acme.example.com"))
        team_service.set_team(user=bob, team_id=None)

    run(app, tenant, move)
    assert rows(text(clients["ann"].get("/o/companies"))) == ["Zeta Ann"]
    assert _names(clients["ann"].get("/o/companies/export.csv")) == ["Zeta Ann"]
