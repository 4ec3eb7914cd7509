"""`fieldapp` alone takes the desktop's short way (`fieldapp.cli.main`: no click, no
commands, no store code before the window's frame); everything else goes through click."""

from __future__ import annotations

import pytest

from fieldapp.cli import desktop_arguments


@pytest.mark.parametrize(("args", "quick"), [
    ([], (None, None)),
    (["--data-dir", "/d"], ("/d", None)),
    (["--lang=en", "--data-dir=/d"], ("/d", "en")),
    (["--lang", "fr"], None),  # click refuses it, in one line
    (["--data-dir"], None),
    (["slips", "list"], None),
    (["--version"], None),
    (["--self-test"], None),
    (["--lang", "zh", "--lang", "en"], None),
])
def test_only_a_plain_desktop_start_takes_the_short_way(args, quick):  # type: ignore[no-untyped-def]
    assert desktop_arguments(args) == quick
