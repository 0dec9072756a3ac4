"""CSV cells that a spreadsheet would not run (CSV or formula injection).

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``, ``-`` or
``@`` (and, in some versions, a tab or carriage return before them) as a formula, so a
record named ``=HYPERLINK("http://evil", "Click")`` becomes a live link or worse in the
file someone downloads. Every CSV Trellis writes passes its text cells through
``safe_cell``, which prefixes such a cell with an apostrophe, as OWASP recommends: the
spreadsheet then shows the text as typed. A plain number (``-12.50``) is left as it is,
since no spreadsheet runs it.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def safe_cell(text: str) -> str:
    """``text`` as a CSV cell that no spreadsheet runs as a formula."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text
