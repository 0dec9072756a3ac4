"""What a new password must be: long enough and hard to guess (OWASP ASVS 5.0 V6.2).

Every place that sets a password (sign-up, invitation, reset, change of password, the CLI)
calls ``check_new_password``. There are no composition rules (ASVS 6.2.5); instead zxcvbn
estimates how guessable the password is, with its lists of common and breached passwords,
names and words, keyboard patterns, dates and repeats, and with the person's e-mail, name
and workspace as extra words (a password made of them is easy for someone who knows them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from saas.errors import ValidationFailed
from saas.i18n import N_, _

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn's scale: 0 too guessable ... 4 very unguessable; 3 is "safely unguessable"
# (about 10^8 to 10^10 guesses), enough against online guessing with the login throttle.
MIN_SCORE = 3
# zxcvbn's cost grows with the length; past this the rest adds strength it need not measure.
_ESTIMATED_LENGTH = 72

_FALLBACK_ADVICE = N_("Add another word or two. Uncommon words are better.")
_PERSONAL_ADVICE = N_("Avoid your name, your e-mail address and the workspace's name.")
# zxcvbn's own warnings and suggestions (English), marked so that the catalogue carries
# them: the advice is shown in the reader's language.
ZXCVBN_FEEDBACK = (
    N_("A word by itself is easy to guess."),
    N_("Add another word or two. Uncommon words are better."),
    N_("All-uppercase is almost as easy to guess as all-lowercase."),
    N_("Avoid dates and years that are associated with you."),
    N_("Avoid recent years."),
    N_("Avoid repeated words and characters."),
    N_("Avoid sequences."),
    N_("Avoid years that are associated with you."),
    N_("Capitalization doesn't help very much."),
    N_("Common names and surnames are easy to guess."),
    N_("Dates are often easy to guess."),
    N_("Names and surnames by themselves are easy to guess."),
    N_("No need for symbols, digits, or uppercase letters."),
    N_("Predictable substitutions like '@' instead of 'a' don't help very much."),
    N_("Recent years are easy to guess."),
    N_('Repeats like "aaa" are easy to guess.'),
    N_('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    N_("Reversed words aren't much harder to guess."),
    N_('Sequences like "abc" or "6543" are easy to guess.'),
    N_("Short keyboard patterns are easy to guess."),
    N_("Straight rows of keys are easy to guess."),
    N_("This is a top-10 common password."),
    N_("This is a top-100 common password."),
    N_("This is a very common password."),
    N_("This is similar to a commonly used password."),
    N_("Use a few words, avoid common phrases."),
    N_("Use a longer keyboard pattern with more turns."),
)


def user_inputs(*values: str | None) -> list[str]:
    """The words someone who knows the person would try: each value and its parts."""
    words: list[str] = []
    for value in values:
        value = (value or "").strip().lower()
        if not value:
            continue
        parts = [part for part in re.split(r"[\s@.+_()-]+", value) if part]
        words.extend([value, "".join(parts)])
        words.extend(part for part in parts if len(part) >= 3)
    return list(dict.fromkeys(words))


def password_problem(password: str, *, inputs: Iterable[str] = ()) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_LENGTH:
        return _("Use at least %(num)d characters.", num=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(num)d characters.", num=MAX_LENGTH)
    result = zxcvbn(password[:_ESTIMATED_LENGTH], user_inputs=list(inputs))
    if result["score"] >= MIN_SCORE:
        return None
    return _("This password is too easy to guess. %(advice)s", advice=" ".join(_advice(result)))


def _advice(result: dict) -> list[str]:
    feedback = result["feedback"]
    advice = [_sentence(feedback.get("warning"))]
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        advice.append(_(_PERSONAL_ADVICE))
    advice.extend(_sentence(suggestion) for suggestion in feedback.get("suggestions") or ())
    advice = [text for text in dict.fromkeys(advice) if text]
    return advice or [_(_FALLBACK_ADVICE)]


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    text = text if not text or text.endswith((".", "!", "?")) else text + "."
    return _(text) if text else text


def check_new_password(
    password: str | None,
    *,
    email: str | None = None,
    name: str | None = None,
    workspace: Iterable[str | None] = (),
    field: str = "password",
) -> str:
    """``password`` if it may be set, else ValidationFailed on ``field`` saying why."""
    password = password or ""
    problem = password_problem(password, inputs=user_inputs(email, name, *workspace))
    if problem:
        raise ValidationFailed(problem, field=field)
    return password
