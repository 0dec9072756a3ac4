"""Languages and time zones: Flask-Babel set up for the app, and how a request's language is
chosen (docs/i18n.md).

The language of a page is, in order: the signed-in user's own choice (``users.locale``), the
choice made with the language switch while signed out (kept in the session), the workspace's
default language (``tenants.default_locale``), the browser's ``Accept-Language`` best match
among :data:`SUPPORTED_LOCALES`, and English. The JSON API reads an ``Accept-Language``
header first, when the client sends one (a script asks for the language it wants; a browser
always sends one, so for pages it comes after the person's and the workspace's choice).

The time zone is the user's (``users.timezone``), else the workspace's
(``settings["timezone"]``), else UTC.

Catalogues live in ``saas/translations/<locale>/LC_MESSAGES/messages.po``; ``make install``
compiles them to ``.mo`` files (not committed), and the app compiles any that are missing or
older than their ``.po`` when it starts, so an editable install never shows a stale catalogue.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from babel import Locale, UnknownLocaleError
from flask import Blueprint, Flask, g, has_request_context, redirect, request, session
from flask_babel import Babel, force_locale, get_locale
from flask_babel import gettext as _gettext
from flask_babel import lazy_gettext as _lazy_gettext
from flask_babel import ngettext as _ngettext
from flask_babel import pgettext as _pgettext

log = logging.getLogger(__name__)

# The Babel identifiers of the languages Trellis speaks. Simplified Chinese is ``zh_Hans``
# (language and script, no territory): Babel parses it, its CLDR data has every format for
# it, gettext finds ``translations/zh_Hans`` (falling back to ``zh``), and the same catalogue
# serves readers in mainland China and Singapore alike.
DEFAULT_LOCALE = "en"
SUPPORTED_LOCALES = ("en", "zh_Hans")
# Each language named in itself, as a language switch shows it.
LOCALE_NAMES = {"en": "English", "zh_Hans": "简体中文"}
SESSION_KEY = "locale"

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"

babel = Babel()

# What the code calls: ``_`` for a string shown now, ``_l`` for one defined at import time
# (form labels, validator messages, module constants) and turned into text when shown.
_ = _gettext
_l = _lazy_gettext
ngettext = _ngettext


pgettext = _pgettext
gettext = _gettext


def NP_(context: str, message: str) -> str:
    """Marks ``message`` in ``context`` for extraction only (shown with ``pgettext``)."""
    return message


def N_(message: str) -> str:
    """Marks ``message`` for extraction only: the caller translates it when it shows it."""
    return message


def normalize_locale(value: str | None) -> str | None:
    """The supported identifier ``value`` names (``zh-CN``, ``zh_Hans``, ``en-GB``…), or
    None. Traditional Chinese (``zh-TW``, ``zh-Hant``, ``zh-HK``) is not Simplified: no match."""
    if not value or not isinstance(value, str):
        return None
    text = value.strip().replace("-", "_")
    if text in SUPPORTED_LOCALES:
        return text
    try:
        parsed = Locale.parse(text)
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    if parsed.language == "en":
        return "en"
    if parsed.language == "zh":
        script = parsed.script
        if script is None and parsed.territory is None:
            return "zh_Hans"  # plain "zh": Babel's likely script for Chinese is Hans
        return "zh_Hans" if script == "Hans" else None
    return None


def browser_locale() -> str | None:
    """The best supported match for the request's ``Accept-Language``, by its q-values."""
    for value, _quality in request.accept_languages:
        found = normalize_locale(value)
        if found:
            return found
    return None


def _current_person():
    """The signed-in user of a page, or the API token's user; None otherwise."""
    user = g.get("api_user")
    if user is not None:
        return user
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user
    return None


def select_locale() -> str:
    """The request's language (see the module's docstring for the order)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    is_api = request.path.startswith("/api/")
    if is_api and request.headers.get("Accept-Language"):
        found = browser_locale()
        if found:
            return found
    person = _current_person()
    for candidate in (
        getattr(person, "locale", None),
        None if is_api else session.get(SESSION_KEY),
        getattr(g.get("tenant"), "default_locale", None),
        browser_locale(),
    ):
        found = normalize_locale(candidate)
        if found:
            return found
    return DEFAULT_LOCALE


def recipient_locale(user=None, tenant=None) -> str:
    """The language to write to ``user`` in when no browser asks (e-mails, jobs): their own,
    else their workspace's default (``tenant``, else the current one), else English."""
    if tenant is None:
        tenant = g.get("tenant") if has_request_context() else None
    if tenant is None:
        from tenants.scoping import current_tenant_id

        tenant_id = current_tenant_id()
        if tenant_id is not None:
            from saas.db import db
            from tenants.models import Tenant

            tenant = db.session.get(Tenant, tenant_id)
    for candidate in (getattr(user, "locale", None), getattr(tenant, "default_locale", None)):
        found = normalize_locale(candidate)
        if found:
            return found
    return DEFAULT_LOCALE


@contextlib.contextmanager
def in_language_of(user=None, tenant=None):
    """Write what is composed inside in ``user``'s language (see :func:`recipient_locale`):
    an e-mail's subject and body are the recipient's, not the language of whoever caused it."""
    with force_locale(recipient_locale(user, tenant)):
        yield


def valid_time_zone(name: str | None) -> str | None:
    """``name`` when it is an IANA time zone this machine knows, else None."""
    if not name or not isinstance(name, str):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def select_timezone() -> str:
    """The user's time zone, else the workspace's, else UTC."""
    if not has_request_context():
        return "UTC"
    person = _current_person()
    tenant = g.get("tenant")
    return (
        valid_time_zone(getattr(person, "timezone", None))
        or valid_time_zone((getattr(tenant, "settings", None) or {}).get("timezone"))
        or "UTC"
    )


def current_locale() -> str:
    """The identifier of the language in force (``en`` outside a request)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    return str(get_locale() or DEFAULT_LOCALE)


def html_lang() -> str:
    """The BCP 47 tag of the language in force, for ``<html lang>`` (``zh-Hans``)."""
    return current_locale().replace("_", "-")


def remember_choice(locale: str) -> None:
    """Keep a language chosen in this browser (the switch) for the session."""
    session[SESSION_KEY] = locale


def forget_choice() -> None:
    session.pop(SESSION_KEY, None)


def refresh() -> None:
    """Choose the request's language and time zone again (after a change of preference)."""
    from flask_babel import refresh as _refresh

    _refresh()


@functools.cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone this machine knows, sorted, for a form's suggestions."""
    import zoneinfo

    return tuple(sorted(zoneinfo.available_timezones()))


def language_choices() -> list[tuple[str, str]]:
    """(identifier, name in itself) of every supported language, for selects and switches."""
    return [(code, LOCALE_NAMES[code]) for code in SUPPORTED_LOCALES]


def role_label(role: str) -> str:
    """A role's name in the reader's language (Admin, 管理员)."""
    from saas.auth.roles import ROLE_LABELS

    return str(ROLE_LABELS.get(role, role))


# --- the preferences (services) ------------------------------------------------------------


def clean_locale_choice(value: str | None, *, field: str) -> str | None:
    """A language chosen in a form: None for "follow the default", else a supported one."""
    from saas.errors import ValidationFailed

    if value in (None, ""):
        return None
    found = value if value in SUPPORTED_LOCALES else None
    if found is None:
        raise ValidationFailed(_("Choose one of the languages offered."), field=field)
    return found


def clean_time_zone_choice(value: str | None, *, field: str, required: bool = False) -> str | None:
    """A time zone typed in a form: None when empty (unless required), else an IANA name."""
    from saas.errors import ValidationFailed

    value = (value or "").strip()
    if not value:
        if required:
            raise ValidationFailed(_("Enter a time zone, such as Asia/Shanghai."), field=field)
        return None
    if len(value) > 64 or valid_time_zone(value) is None:
        raise ValidationFailed(
            _("Unknown time zone; use an IANA name such as Asia/Shanghai or Europe/Berlin."),
            field=field,
        )
    return value


def set_user_preferences(user, *, locale: str | None, timezone: str | None) -> None:
    """Set a user's own language and time zone (None: the workspace's). Flushes."""
    from saas.db import db
    from saas.errors import ValidationFailed

    errors = {}
    try:
        locale = clean_locale_choice(locale, field="locale")
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        timezone = clean_time_zone_choice(timezone, field="timezone")
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    user.locale = locale
    user.timezone = timezone
    db.session.flush()


def set_workspace_language(*, default_locale: str | None, timezone: str | None) -> None:
    """Set the workspace's default language (None: each browser's) and time zone (required),
    logged in the security log with what changed. Flushes."""
    from saas import security_log
    from saas.db import db
    from saas.errors import ValidationFailed
    from tenants.settings import current_tenant, update_settings

    errors = {}
    try:
        default_locale = clean_locale_choice(default_locale, field="default_locale")
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        timezone = clean_time_zone_choice(timezone, field="timezone", required=True)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Check the highlighted fields."), errors=errors)
    tenant = current_tenant()
    before = tenant.default_locale
    tenant.default_locale = default_locale
    db.session.flush()
    changes = security_log.changes({"default_locale": before}, {"default_locale": default_locale})
    old_zone = (tenant.settings or {}).get("timezone")
    if old_zone != timezone:
        changes.update(security_log.changes({"timezone": old_zone}, {"timezone": timezone}))
        update_settings({"timezone": timezone}, logged_as=None)
    if changes:
        security_log.record("settings.workspace_language_changed", details={"changes": changes})


# --- formatting -----------------------------------------------------------------------------


def format_moment(value) -> str:
    """A moment as the reader's language writes it, in their time zone: "Dec 4, 2026,
    4:30 PM", "2026年12月4日 16:30" (CLDR's own order and separators for each language)."""
    if value is None or value == "":
        return ""
    import datetime as dt

    from babel.dates import format_skeleton, format_time
    from flask_babel import get_timezone

    if isinstance(value, str):  # an API row's ISO 8601 date-time ("…Z" is UTC)
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if not isinstance(value, dt.datetime):  # a date: no time to show
        return format_day(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    locale, zone = get_locale() or Locale.parse(DEFAULT_LOCALE), get_timezone()
    day = format_skeleton("yMMMd", value, tzinfo=zone, locale=locale)
    time = format_time(value, "short", tzinfo=zone, locale=locale)
    pattern = str(locale.datetime_formats["medium"])
    return pattern.replace("{1}", day).replace("{0}", time)


def format_day(value) -> str:
    """A calendar date as the reader's language writes it: "Dec 4, 2026", "2026年12月4日"."""
    if value is None or value == "":
        return ""
    import datetime as dt

    from babel.dates import format_skeleton
    from flask_babel import get_timezone

    locale = get_locale() or Locale.parse(DEFAULT_LOCALE)
    if isinstance(value, str):  # an API row's ISO 8601 date ("2026-12-04") or date-time
        value = (
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if "T" in value
            else dt.date.fromisoformat(value)
        )
    if isinstance(value, dt.datetime):
        zone = get_timezone()
        return format_skeleton("yMMMd", value, tzinfo=zone, locale=locale)
    return format_skeleton("yMMMd", value, locale=locale)


def weekday_names(days) -> dict:
    """Each weekday key (``"mon"``…``"sun"``, in ``days``' order, Monday first) named in the
    reader's language: "Monday", "星期一" (CLDR's names)."""
    locale = get_locale() or Locale.parse(DEFAULT_LOCALE)
    wide = locale.days["format"]["wide"]
    return {day: wide[index] for index, day in enumerate(days)}


def first_weekday() -> int:
    """The day a week starts on for the reader (0 Monday … 6 Sunday): CLDR's for the locale's
    territory, and the world's default, Monday, for a locale that names none (``en``,
    ``zh_Hans``); ``en_US`` would start on Sunday."""
    locale = get_locale() or Locale.parse(DEFAULT_LOCALE)
    return locale.first_week_day


# --- catalogues ---------------------------------------------------------------------------


def catalogue_paths(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    return sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def compile_catalogues(directory: Path = TRANSLATIONS_DIR, *, force: bool = False) -> list[Path]:
    """Write the ``.mo`` of every ``.po`` that has none or an older one; the ones written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in catalogue_paths(directory):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        # Written aside, then renamed: another process (a test worker) never reads half a file.
        partial = mo.with_name(f".{mo.name}.{os.getpid()}")
        with partial.open("wb") as target:
            write_mo(target, catalog, use_fuzzy=False)
        os.replace(partial, mo)
        written.append(mo)
    return written


def _compile_if_stale() -> None:
    try:
        compile_catalogues()
    except OSError as error:  # an installed, read-only package: compiled at build time
        log.warning("Could not compile the translation catalogues: %s", error)


# --- the language switch ------------------------------------------------------------------

bp = Blueprint("i18n", __name__)


@bp.route("/language", methods=["POST"])
def switch_language():
    """The language switch: stored on the user when signed in, else in the session.

    Without a CSRF token (``init_app`` exempts it): it changes nothing but the language
    pages are shown in, and the session cookie is SameSite=Lax, so another site's form
    cannot change a signed-in user's language. Pages then need no session just to render
    the switch (the landing page and the find-workspace answer stay the same for everyone).
    """
    from flask_login import current_user

    from saas.db import db
    from saas.redirects import safe_redirect_target

    choice = normalize_locale(request.form.get("locale"))
    back = safe_redirect_target(request.form.get("next"), "/")
    if choice is None:
        return redirect(back, 303)
    if current_user.is_authenticated and g.get("tenant") is not None:
        current_user.locale = choice
        db.session.flush()
    remember_choice(choice)
    return redirect(back, 303)


# --- the scripts' catalogue ------------------------------------------------------------------

STATIC_DIR = Path(__file__).resolve().parent / "static"


@functools.cache
def script_messages() -> tuple[str, ...]:
    """The strings the page scripts (``saas/static/*.js``) mark with ``_("…")``, read once
    with Babel's JavaScript extractor (the same one ``trellis i18n extract`` runs)."""
    from babel.messages.extract import extract_from_file

    found = set()
    for path in sorted(STATIC_DIR.glob("*.js")):
        for _line, message, _comments, _context in extract_from_file(
            "javascript", str(path), keywords={"_": None}
        ):
            if isinstance(message, str):
                found.add(message)
    return tuple(sorted(found))


@functools.cache
def _script_catalogue_cached(locale: str, mtime: float) -> tuple[str, str]:
    import hashlib
    import json

    with force_locale(locale):
        messages = {text: _gettext(text) for text in script_messages()}
    # A message the catalogue leaves untranslated stays out: the script shows its own text.
    body = json.dumps(
        {text: shown for text, shown in messages.items() if shown != text},
        ensure_ascii=False,
        sort_keys=True,
    )
    source = f"window.trellisMessages = {body};\n"
    return source, hashlib.sha256(source.encode()).hexdigest()[:12]


def script_catalogue(locale: str) -> tuple[str, str]:
    """The JavaScript that gives the page scripts ``locale``'s translations
    (``window.trellisMessages``), and a short hash of it for the cache-busting URL."""
    mo = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo"
    return _script_catalogue_cached(locale, mo.stat().st_mtime if mo.exists() else 0.0)


def script_catalogue_url() -> str | None:
    """Where the page loads its scripts' catalogue from; None in English (nothing to load)."""
    from flask import url_for

    locale = current_locale()
    if locale == DEFAULT_LOCALE:
        return None
    return url_for("i18n.script_catalogue_js", locale=locale, v=script_catalogue(locale)[1])


@bp.get("/i18n/<locale>.js")
def script_catalogue_js(locale: str):
    """The scripts' catalogue: a script file (the page's CSP allows only its own scripts, no
    inline one), cached for a year under its hash (a new catalogue has a new address)."""
    from flask import Response, abort

    if locale not in SUPPORTED_LOCALES or locale == DEFAULT_LOCALE:
        abort(404)
    source, version = script_catalogue(locale)
    response = Response(source, mimetype="text/javascript")
    if request.args.get("v") == version:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response


# --- translators' commands ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
POT_FILE = TRANSLATIONS_DIR / f"{DOMAIN}.pot"


def extract_messages(output: Path = POT_FILE) -> None:
    """Extract every marked string of the source tree (``babel.cfg``) into ``output``."""
    from babel.messages.frontend import CommandLineInterface

    cfg = ROOT / "babel.cfg"
    if not cfg.exists():
        raise click.ClickException("babel.cfg not found: run this from a source checkout.")
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(cfg),
            "-k",
            "_l",
            # A menu item's label (its second argument) is translated where it is shown.
            "-k",
            "MenuItem:2",
            # A standard field's label (FieldSpec's second argument) and the label given to
            # description_field are lazy strings of the object registry (core/objects).
            "-k",
            "FieldSpec:2",
            "-k",
            "NP_:1c,2",
            "-k",
            "description_field",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(output),
            "saas",
            "tenants",
            "core",
            "admin",
            "plugins",
        ]
    )


def update_catalogues() -> None:
    from babel.messages.frontend import CommandLineInterface

    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "update",
            "-i",
            str(POT_FILE),
            "-d",
            str(TRANSLATIONS_DIR),
            "--no-fuzzy-matching",
            "--ignore-obsolete",
        ]
    )


@click.group("i18n")
def i18n_group() -> None:
    """Translation catalogues: extract, update, compile (docs/i18n.md)."""


@i18n_group.command("extract")
def i18n_extract() -> None:
    """Collect the marked strings into saas/translations/messages.pot."""
    extract_messages()
    click.echo(f"Wrote {POT_FILE.relative_to(ROOT)}")


@i18n_group.command("update")
def i18n_update() -> None:
    """Extract, then merge new and changed strings into every language's messages.po."""
    extract_messages()
    update_catalogues()
    click.echo("Updated " + ", ".join(str(p.relative_to(ROOT)) for p in catalogue_paths()))


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile every messages.po into the messages.mo the app reads."""
    written = compile_catalogues(force=True)
    click.echo("Compiled " + ", ".join(str(p.relative_to(ROOT)) for p in written))


# --- the app ------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "UTC")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    _compile_if_stale()
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from saas.extensions import csrf

    csrf.exempt(switch_language)
    app.cli.add_command(i18n_group)
    app.add_template_filter(format_moment, "moment")
    app.add_template_filter(format_day, "day")

    @app.context_processor
    def _i18n_context():
        return {
            "html_lang": html_lang,
            "current_locale": current_locale,
            "language_choices": language_choices,
            "role_label": role_label,
            "script_catalogue_url": script_catalogue_url,
        }
