"""The layers of the design (saas/ and tenants/ import no core, admin or plugins module; the
object engine imports no CRM area) hold: import-linter checks the contracts of .importlinter.

Its ignore_imports lines are the known debts of issue #12: a new import across a layer fails
here, and so does an ignore line whose import has gone (remove the line).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
