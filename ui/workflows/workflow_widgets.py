"""Pieces the workflow screens share: messages, clock cells, a signature dialog.

`PadDialog` is the app's one signature dialog (`ui.visit.sign_view`) over a workflow's rows:
the customer first reads, in Chinese, what they confirm, then signs.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from fieldapp.base.errors import FieldappError
from fieldapp.base.timeutil import format_local
from ui.kit import i18n
from ui.kit.sla_display import COLOURS
from ui.visit.sign_view import RowsSummary, SignView

COLOURS_BY_STATE = {**COLOURS, "open": COLOURS["on_track"], "answered": COLOURS["met"]}


def message(exc: Exception) -> str:
    """What to tell the user about `exc`, in the current language: a known error in its
    own words, a defect plainly (its class and text are in the log, never on screen)."""
    return (exc.message(i18n.current()) if isinstance(exc, FieldappError)
            else i18n.tr("status.unexpected"))


def data_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("data", True)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def coloured(label: QLabel, colour: str) -> None:
    label.setStyleSheet(f"color: {colour}; font-weight: bold;")


def clock_text(state: str, due: datetime | None) -> str:
    """'正常（截止 …）': the clock's state in words, with its deadline."""
    name = i18n.tr(f"sla.state.{state}")
    return i18n.tr("sla.state_deadline", state=name, deadline=format_local(due)) if due else name


def clock_colour(state: str) -> str:
    return COLOURS_BY_STATE.get(state, COLOURS["age"])


def button(primary: bool = False) -> QPushButton:
    b = QPushButton()
    if primary:
        b.setProperty("primary", True)
    return b


class PadDialog(SignView):
    """One signature of a workflow (`ui.visit.sign_view.SignView`): `summary` (zh key, value)
    rows are shown to the customer first, in Chinese, with `statement_key` as what they
    agree to; closes once drawn and emits `signed(SignatureInput)`."""

    def __init__(self, role: str, name: str, summary: list[tuple[str, str]] | None = None,
                 statement_key: str = "", parent: QWidget | None = None) -> None:
        super().__init__(role, name, None if summary is None else RowsSummary(
            summary, statement_key), parent)
