"""Test-wide defaults: Qt offscreen (no display on CI) and Chinese as the core language."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
