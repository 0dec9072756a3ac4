"""Format rules (regular expressions) that tenant admins give text fields.

They run on every write, so they run with RE2 (``google-re2``), whose matching time grows
linearly with the text: a pattern such as ``(a+)+$`` that makes Python's backtracking ``re``
take seconds on a few dozen characters costs RE2 nothing. RE2 has no backreferences and no
look-around; a pattern that needs them is refused when the admin saves it, with a message
that says why.
"""

from __future__ import annotations

import functools

import re2

MAX_PATTERN_LENGTH = 1000

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is the admin's input, not a server problem


class PatternError(ValueError):
    """The pattern cannot be used; the message is for the admin who wrote it."""


def _explained(reason: str) -> str | None:
    """What an RE2 refusal means for someone who wrote a Python/PCRE pattern; None when the
    pattern is simply not valid."""
    if "\\Z" in reason:
        return "write \\z (lower case) for the end of the text"
    if "invalid escape sequence: \\" in reason and reason[-1:].isdigit():
        return "back-references (\\1) are not supported"
    if "(?=" in reason or "(?!" in reason or "(?<" in reason:
        return "look-ahead and look-behind are not supported"
    if "invalid perl operator" in reason or "bad repetition operator" in reason:
        return "this construct (back-reference, atomic group or possessive repeat) is not supported"
    return None


@functools.lru_cache(maxsize=512)
def compile_pattern(pattern: str):
    """The compiled RE2 pattern, or PatternError saying what is wrong with it."""
    if not isinstance(pattern, str):
        raise PatternError("Give a regular expression.")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"Use a pattern of at most {MAX_PATTERN_LENGTH} characters.")
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        feature = _explained(str(reason))
        if feature is None:
            raise PatternError(f"This is not a valid pattern: {reason}.") from None
        raise PatternError(
            f"This pattern cannot be used: {feature}. Patterns run with RE2, which has no "
            "back-references or look-around, so that checking a value always stays fast."
        ) from None


def pattern_problem(pattern) -> str | None:
    """What is wrong with ``pattern`` (None when it can be used)."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether the whole of ``text`` matches ``pattern``; PatternError if it cannot run."""
    return compile_pattern(pattern).fullmatch(text) is not None
