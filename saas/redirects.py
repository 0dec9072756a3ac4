"""Where a ``next`` parameter may send a browser: only to a path of this site.

Every view that follows a user-supplied target (``?next=`` after sign-in, the hidden
``next`` of inline edits and board moves) passes it through :func:`safe_redirect_target`,
so that a link such as ``/login?next=//evil.example`` cannot send someone elsewhere after
they signed in (an open redirect, OWASP ASVS 5.0 V3.7 / CWE-601).

What browsers do with a ``Location`` is more liberal than what it looks like, so the
check refuses rather than repairs:

- only a relative path is accepted: it starts with one ``/`` followed by something other
  than ``/`` or ``\\`` (``//host`` and ``/\\host`` are other hosts to a browser);
- no scheme, no host, no user info (``https://...``, ``javascript:...``);
- no backslash anywhere (browsers read ``\\`` as ``/``);
- no control character or white space: browsers drop tabs and newlines inside a URL, so
  ``/<TAB>/evil.example`` becomes ``//evil.example``; a newline would also break the
  response header (Werkzeug refuses it, which used to be a 500);
- after one round of percent-decoding (in case something on the way, a proxy or a second
  redirect, decodes it) and without tabs and newlines, it still starts with one ``/`` and
  names no host: ``/%2F/evil.example`` and ``/%09/evil.example`` are refused, while an
  encoded query such as ``?q=a%20b`` is kept.

Anything refused gives ``default``: a wrong ``next`` is never an error for the user.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2048


_STRIPPED_BY_BROWSERS = str.maketrans("", "", "\t\n\r")


def _names_another_site(value: str) -> bool:
    if not value.startswith("/") or value[1:2] in ("/", "\\"):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme or parts.netloc)


def is_safe_redirect_target(value: str | None) -> bool:
    """True when ``value`` is a path of this site that a browser cannot read as another."""
    if not value or len(value) > MAX_LENGTH:
        return False
    if any(ord(char) < 0x21 or ord(char) == 0x7F for char in value):
        return False  # control characters, space, tab, CR, LF, NUL
    if "\\" in value or _names_another_site(value):
        return False
    decoded = unquote(value).translate(_STRIPPED_BY_BROWSERS)
    return not _names_another_site(decoded)


def safe_redirect_target(value: str | None, default: str) -> str:
    """``value`` when it is a path of this site (see the module docstring), else ``default``."""
    return value if is_safe_redirect_target(value) else default
