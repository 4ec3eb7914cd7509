"""Figures of the reliability tests (kills survived, cut points tried, records checked…).

Tests call `note(test, **figures)`; the figures are printed (visible with `pytest -s`
or `-rP`) and, when FIELDAPP_FIGURES names a file, appended to it as JSON lines, which is
where docs/reliability.md's "last run" numbers come from. Figures are never asserted on
timing: a busy CI machine must not fail a test.
"""

from __future__ import annotations

import json
import os
import time


def note(test: str, **figures: object) -> None:
    line = {"test": test, "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **figures}
    print(f"figures {json.dumps(line, ensure_ascii=False)}")
    target = os.environ.get("FIELDAPP_FIGURES")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
