"""Settings that the data folder refuses to keep are said in the form, which stays open."""

from __future__ import annotations

import errno

import pytest

from fieldapp.base.errors import PathError
from fieldapp.base.settings import Settings
from ui.shell.setup_dialog import SetupDialog


def test_a_refused_save_is_said_in_the_form_and_it_stays_open(
        qtbot, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    settings = Settings.in_dir(tmp_path)
    dialog = SetupDialog(settings, first_start=True)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.edits["operator_name"].setText("张三")
    dialog.edits["operator_code"].setText("E09")
    full = OSError(errno.ENOSPC, "No space left on device")

    def refuse() -> None:
        raise PathError.from_os_error(full, tmp_path / "settings.json")

    monkeypatch.setattr(settings, "save", refuse)
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.result() == 0
    said = dialog.save_error.text()
    assert dialog.save_error.isVisibleTo(dialog) and str(tmp_path / "settings.json") in said
    assert "Traceback" not in said and "Errno" not in said
