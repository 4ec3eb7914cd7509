"""How the app's forms are put together: captioned rows named from the catalogue, a field
with its error below, the bottom row of buttons, and a choice list refilled in a new
language with the choice kept. Used as `forms.button_row(...)` and so on."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from ui.kit import i18n


def with_error(field: QWidget, error: QLabel) -> QVBoxLayout:
    """`field` with its inline error label just below it."""
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(error)
    return column


def captioned_rows(form: QFormLayout,
                   rows: Iterable[tuple[str, QWidget | QLayout]]) -> dict[str, QLabel]:
    """Adds a row to `form` for each (key, field), under a caption of its own; the captions
    by key, named in the current language by `name_captions`."""
    captions: dict[str, QLabel] = {}
    for key, field in rows:
        captions[key] = QLabel()
        form.addRow(captions[key], field)
    return captions


def name_captions(captions: Mapping[str, QLabel], prefix: str) -> None:
    """Each caption's text in the current language: the catalogue's `{prefix}.{key}`."""
    for key, caption in captions.items():
        caption.setText(i18n.tr(f"{prefix}.{key}"))


def button_row(*right: QWidget, left: Sequence[QWidget] = (),
               error: QLabel | None = None) -> QHBoxLayout:
    """A dialog's bottom row: its error line (taking the room it needs), the `left`
    buttons, a stretch, then the `right` ones (cancel before OK, as everywhere)."""
    row = QHBoxLayout()
    if error is not None:
        row.addWidget(error, 1)
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    return row


def refill(combo: QComboBox, items: Iterable[tuple[str, object]], quiet: bool = False) -> None:
    """`combo`'s (text, value) items anew, e.g. in a new language, the chosen value kept
    (else the first); `quiet`: no change signals while refilling."""
    current = combo.currentData()
    blocked = combo.blockSignals(True) if quiet else None
    combo.clear()
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    if blocked is not None:
        combo.blockSignals(blocked)
