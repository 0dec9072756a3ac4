"""Errors a user can cause. Services raise them; views turn them into a 4xx and a message."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the caller's input or request, never a bug; ``status`` is the HTTP code."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, field: str | None = None, errors: dict | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Field-level messages, {field: [message, ...]}, when several fields are wrong.
        self.errors = errors or ({field: [message]} if field else {})


class ValidationFailed(UserError):
    status = 422
    code = "validation_failed"


class NotFound(UserError):
    status = 404
    code = "not_found"


class Forbidden(UserError):
    status = 403
    code = "forbidden"


class Conflict(UserError):
    status = 409
    code = "conflict"


class TooManyAttempts(UserError):
    status = 429
    code = "too_many_attempts"


class PreconditionFailed(UserError):
    """The record changed since the caller read it (optimistic concurrency)."""

    status = 412
    code = "precondition_failed"
