"""A touch-sized question before something that cannot be undone, in the user's language.

`ConfirmDialog.ask(parent, "confirm.clear_signatures", on_yes)` shows the catalogue's
`<key>.title`, `<key>.text` and `<key>.yes` with 按钮.取消 / Cancel as the default (Enter
and Esc keep things as they are); `on_yes` runs only after the yes button. The buttons
are the app's 44 px buttons; it opens without blocking (`open()`, not `exec()`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from ui.kit import i18n


class ConfirmDialog(QMessageBox):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirm_dialog")
        self.key = key
        self.setIcon(QMessageBox.Icon.Warning)
        self.yes_button: QPushButton = self.addButton("", QMessageBox.ButtonRole.AcceptRole)
        self.no_button: QPushButton = self.addButton("", QMessageBox.ButtonRole.RejectRole)
        self.setDefaultButton(self.no_button)
        self.setEscapeButton(self.no_button)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr(f"{self.key}.title"))
        self.setText(tr(f"{self.key}.text"))
        self.yes_button.setText(tr(f"{self.key}.yes"))
        self.no_button.setText(tr("button.cancel"))

    def confirmed(self) -> bool:
        return self.clickedButton() is self.yes_button

    @classmethod
    def ask(cls, parent: QWidget, key: str, on_yes: Callable[[], object]) -> ConfirmDialog:
        dialog = cls(key, parent)
        dialog.finished.connect(lambda _r: dialog.confirmed() and on_yes())
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        dialog.open()
        return dialog
