"""Texts of a workflow's steps (an e-mail's subject and body, a task's subject) with the
record's fields: ``{{ record.name }}``, ``{{ record.amount }}``. Rendered by Jinja's sandbox,
so an admin's template can read the values it is given and nothing else."""

from __future__ import annotations

from collections.abc import Mapping

from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from saas.errors import ValidationFailed
from saas.i18n import _

_ENV = SandboxedEnvironment(autoescape=False, keep_trailing_newline=True)
MAX_TEMPLATE = 20_000


def clean_template(text, *, field: str, required: bool = True, max_length: int = MAX_TEMPLATE):
    """The template to store, or ValidationFailed with the place of a syntax error."""
    text = "" if text is None else text
    if not isinstance(text, str):
        raise ValidationFailed(_("Give a text."), field=field)
    text = text.strip()
    if required and not text:
        raise ValidationFailed(_("This field cannot be empty."), field=field)
    if len(text) > max_length:
        raise ValidationFailed(_("Use at most %(num)d characters.", num=max_length), field=field)
    try:
        _ENV.parse(text)
    except TemplateError as exc:
        raise ValidationFailed(
            _("The text has a template error: %(problem)s", problem=str(exc)), field=field
        ) from None
    return text


def render(text: str, *, record: Mapping | None, **values) -> str:
    """The text with the record's fields filled in (a missing field is left empty)."""
    try:
        return _ENV.from_string(text).render(record=dict(record or {}), **values)
    except TemplateError as exc:
        raise ValidationFailed(
            _("The text has a template error: %(problem)s", problem=str(exc))
        ) from None
