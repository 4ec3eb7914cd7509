"""The core never imports Qt: the command line and the server use it headless."""

from __future__ import annotations

import subprocess
import sys


def test_core_modules_import_without_qt():
    code = (
        "import sys, fieldapp.cli, fieldapp.slips, fieldapp.sla_records, fieldapp.exchange, "
        "fieldapp.demo, fieldapp.queries, fieldapp.store\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
