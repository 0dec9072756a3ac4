"""Why an e-mail address is refused, in words a person can act on.

email-validator checks the syntax (no DNS lookup) and refuses the special-use domain names
of RFC 6761 and later (``.test``, ``.localhost``, ``.invalid``, ``.local``, ``.onion``,
``.arpa``), which can never receive mail. Its own messages speak of "the part after the
@-sign"; ``email_problem`` says which part is wrong and why, and names the reserved name.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from saas.i18n import _, _l

MAX_LENGTH = 254

# What each special-use top-level name is for (email-validator's SPECIAL_USE_DOMAIN_NAMES).
_SPECIAL_USE = {
    "test": _l("is reserved for testing"),
    "localhost": _l("means this computer"),
    "invalid": _l("is reserved for names that must never work"),
    "local": _l("is for devices on a local network"),
    "onion": _l("is for Tor onion services"),
    "arpa": _l("is for the internet's own infrastructure"),
}


def normalized_email(email: str, *, public: bool = False) -> str:
    """The address email-validator would store (lower-cased), or EmailNotValidError.

    ``public``: the domain must be one the internet can reach (``ana@intranet`` is refused),
    as for an address typed into a form; the services also accept such internal names."""
    return validate_email(
        email, check_deliverability=False, globally_deliverable=public
    ).normalized.lower()


def email_problem(email: str | None, *, public: bool = True) -> str | None:
    """Why ``email`` cannot be an account's address, or None when it can."""
    email = (email or "").strip()
    if not email:
        return _("Enter an e-mail address.")
    if len(email) > MAX_LENGTH:
        return _("That e-mail address is too long.")
    if "@" not in email:
        return _(
            "That e-mail address is not valid: it needs an @ and a domain, "
            "such as ana@yourcompany.com."
        )
    try:
        normalized_email(email, public=public)
    except EmailNotValidError as exc:
        return _explain(email, str(exc))
    return None


def _explain(email: str, reason: str) -> str:
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    top = domain.rpartition(".")[2]
    if "special-use or reserved" in reason and top in _SPECIAL_USE:
        return _(
            "%(domain)s cannot receive mail: .%(top)s %(why)s. "
            "Use an address where you receive mail.",
            domain=domain,
            top=top,
            why=_SPECIAL_USE[top],
        )
    if "should have a period" in reason:
        return _(
            "The domain %(domain)s is incomplete: add its ending, such as .com or .org.",
            domain=domain or _("(none)"),
        )
    reason = reason.replace("The part after the @-sign", "The domain (after the @)")
    reason = reason.replace("the part after the @-sign", "the domain (after the @)")
    reason = reason.replace("The part before the @-sign", "The name before the @")
    reason = reason.replace("before the @-sign", "before the @").replace("the @-sign", "the @")
    return _("That e-mail address is not valid: %(reason)s", reason=reason)
