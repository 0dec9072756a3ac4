"""Admin endpoints for teams: /api/v1/teams and a user's team (the role rights on objects
are the object engine's: core/objects/access_api.py)."""

from __future__ import annotations

from flask import g, jsonify, request

from saas.api import bp
from saas.auth import services as accounts
from saas.auth import teams
from saas.auth.roles import ADMIN
from saas.errors import Forbidden, ValidationFailed


def _require_admin() -> None:
    if g.api_user.role != ADMIN:
        raise Forbidden("Only admins can change teams and rights.")


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValidationFailed("Send a JSON object with Content-Type: application/json.")
    return body


@bp.route("/teams", methods=["GET"])
def list_teams():
    return jsonify(data=[{"id": str(t.id), "name": t.name} for t in teams.list_teams()])


@bp.route("/teams", methods=["POST"])
def create_team():
    _require_admin()
    team = teams.create_team(name=_json_body().get("name"))
    return jsonify(id=str(team.id), name=team.name), 201


@bp.route("/users/<user_id>/team", methods=["PUT"])
def set_user_team(user_id: str):
    _require_admin()
    user = accounts.get_user(user_id)
    teams.set_team(user=user, team_id=_json_body().get("team_id"))
    team_id = teams.team_of(user)
    return jsonify(user_id=str(user.id), team_id=str(team_id) if team_id else None)
