"""报告计划 / Report schedule: the report dialog's second tab (issue 20 item 1). Which
reports the customer's contract promises, to whom, how much data a periodic report needs
and how many days before the end the summary comes — read from the archive and saved
there (`fieldapp.services.reports.schedules` / `save_schedule`, docs/reports.md). Loaded
when the tab is shown, so the report tab never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.settings import Settings
from fieldapp.services import reports
from fieldapp.services.reports import ScheduleView
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.ops import Ops
from ui.workflows.workflow_widgets import button, data_label, message

KINDS = ("quarterly", "half_yearly", "yearly", "contract_end", "proactive")


def _number_edit(width: int = 64) -> QLineEdit:
    edit = QLineEdit()
    edit.setProperty("data", True)
    edit.setFixedWidth(width)
    return edit


class SchedulePanel(QWidget):
    def __init__(self, ops: Ops, settings: Settings, customer: Callable[[], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops, self.settings, self.customer = ops, settings, customer
        self.shown: tuple[ScheduleView, ...] = ()
        self.loaded_for: str | None = None
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.contract = QComboBox()
        self.contract.setProperty("data", True)  # contract numbers and dates
        self.kinds = {kind: QCheckBox() for kind in KINDS}
        kinds = QGridLayout()
        for i, box in enumerate(self.kinds.values()):
            kinds.addWidget(box, i // 3, i % 3)
        self.recipients = QLineEdit()
        self.recipients.setProperty("data", True)
        self.mail = QCheckBox()  # e-mail made reports to those with an address
        to = QHBoxLayout()
        to.addWidget(self.recipients, 1)
        to.addWidget(self.mail)
        self.coverage, self.requests, self.end_days = (_number_edit(), _number_edit(),
                                                       _number_edit())
        self.coverage_suffix, self.requests_suffix, self.end_suffix = QLabel(), QLabel(), QLabel()
        minimum = QHBoxLayout()
        for widget in (self.coverage, self.coverage_suffix, self.requests, self.requests_suffix):
            minimum.addWidget(widget)
        minimum.addStretch(1)
        end = QHBoxLayout()
        end.addWidget(self.end_days)
        end.addWidget(self.end_suffix)
        end.addStretch(1)
        self.updated_by = QLineEdit()
        self.updated_by.setProperty("data", True)
        self.state = data_label()
        self.error = error_label()
        self.save_button = button(primary=True)
        form = QFormLayout()
        self.captions = forms.captioned_rows(form, (
            ("contract", self.contract), ("kinds", kinds), ("recipients", to),
            ("minimum", minimum), ("end_days", end), ("updated_by", self.updated_by)))
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(form)
        layout.addWidget(self.state)
        layout.addStretch(1)
        layout.addLayout(forms.button_row(self.save_button, error=self.error))
        self.contract.currentIndexChanged.connect(self._fill)
        self.save_button.clicked.connect(self.save)
        self.retranslate()

    def retranslate(self) -> None:
        tr = i18n.tr
        self.hint.setText(tr("schedule.hint"))
        forms.name_captions(self.captions, "schedule.field")
        for kind, box in self.kinds.items():
            box.setText(tr(f"schedule.kind.{kind}"))
        self.recipients.setPlaceholderText(tr("schedule.recipients_placeholder"))
        self.mail.setText(tr("schedule.mail"))
        self.coverage_suffix.setText(tr("schedule.coverage_suffix"))
        self.requests_suffix.setText(tr("schedule.requests_suffix"))
        self.end_suffix.setText(tr("schedule.end_days_suffix"))
        self.updated_by.setPlaceholderText(tr("schedule.updated_by_placeholder"))
        self.save_button.setText(tr("schedule.save"))
        self._describe()

    def load(self) -> None:
        """The selected customer's schedules, unless they are shown already."""
        code = self.customer()
        if not code or code == self.loaded_for:
            return
        self.loaded_for = code
        show_error(self.error, None, "")
        self.save_button.setEnabled(False)
        settings = self.settings
        self.ops.run(lambda: reports.schedules(settings, code), self._loaded, self._failed)

    def _loaded(self, shown: tuple[ScheduleView, ...]) -> None:
        self.shown = shown
        self.contract.clear()
        for s in shown:
            self.contract.addItem(f"{s.contract}（{s.starts_on} – {s.ends_on}）", s.contract)
        self.save_button.setEnabled(bool(shown))
        self._fill()

    def _failed(self, exc: Exception) -> None:
        self.loaded_for = None  # try again when asked again
        self.save_button.setEnabled(bool(self.shown))
        show_error(self.error, None, message(exc))

    def _current(self) -> ScheduleView | None:
        index = self.contract.currentIndex()
        return self.shown[index] if 0 <= index < len(self.shown) else None

    def _fill(self) -> None:
        s = self._current()
        if s is None:
            self._describe()
            return
        for kind, box in self.kinds.items():
            box.setChecked(kind in s.kinds)
        self.recipients.setText("; ".join(s.recipients))
        self.mail.setChecked(s.mail)
        self.coverage.setText(str(s.min_coverage_percent))
        self.requests.setText(str(s.min_requests))
        self.end_days.setText(str(s.contract_end_days))
        self._describe()

    def _describe(self) -> None:
        s = self._current()
        if s is None:
            self.state.setText(i18n.tr("schedule.none") if self.loaded_for else "")
            return
        people = i18n.tr("schedule.separator").join(
            i18n.pair(p) for p in s.recipients_in_effect) or "—"
        origin = (i18n.tr("schedule.default") if s.default
                  else i18n.tr("schedule.set_by", who=s.updated_by))
        self.state.setText(f"{origin} {i18n.tr('schedule.in_effect', people=people)}")

    def save(self) -> None:
        show_error(self.error, None, "")
        s = self._current()
        if s is None:
            show_error(self.error, None, i18n.tr("schedule.none"))
            return
        try:
            numbers = (int(self.coverage.text().strip()), int(self.requests.text().strip()),
                       int(self.end_days.text().strip()))
        except ValueError:
            show_error(self.error, None, i18n.tr("schedule.bad_number"))
            return
        kinds = tuple(k for k, box in self.kinds.items() if box.isChecked())
        recipients = tuple(p.strip() for p in self.recipients.text().replace("；", ";")
                           .split(";") if p.strip())
        settings, contract, who = self.settings, s.contract, self.updated_by.text()
        mail = self.mail.isChecked()
        self.save_button.setEnabled(False)
        self.ops.run(lambda: reports.save_schedule(
            settings, contract, kinds=kinds, recipients=recipients,
            min_coverage_percent=numbers[0], min_requests=numbers[1],
            contract_end_days=numbers[2], updated_by=who, mail=mail), self._saved, self._failed)

    def _saved(self, saved: ScheduleView) -> None:
        index = self.contract.currentIndex()
        self.shown = tuple(saved if i == index else s for i, s in enumerate(self.shown))
        self.save_button.setEnabled(True)
        self._fill()
        self.state.setText(f"{i18n.tr('schedule.saved')} {self.state.text()}")
