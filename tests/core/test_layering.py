"""The core never imports Qt: the command line and the server use it headless."""

from __future__ import annotations

import subprocess
import sys


def test_core_modules_import_without_qt():
    code = (
        "import sys, fieldapp.cli, fieldapp.records.slips, fieldapp.records.sla_records, "
        "fieldapp.tools.exchange, fieldapp.tools.demo, fieldapp.reads.queries, fieldapp.store\n"
        "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
