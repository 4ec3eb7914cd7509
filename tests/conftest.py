"""Test-wide defaults: Qt offscreen (no display on CI) and Chinese as the core language."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fieldapp.i18n import set_language

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    """Every test starts and ends in Chinese, whatever a test before it switched to (a
    `--lang en` command sets the process's language)."""
    set_language("zh")
    yield
    set_language("zh")
