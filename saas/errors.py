"""Errors a user can cause. Services raise them; views turn them into a 4xx and a message."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the caller's input or request, never a bug; ``status`` is the HTTP code."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ValidationFailed(UserError):
    status = 422


class NotFound(UserError):
    status = 404


class Forbidden(UserError):
    status = 403


class Conflict(UserError):
    status = 409


class TooManyAttempts(UserError):
    status = 429
