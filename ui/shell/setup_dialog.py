"""First start and Settings: who uses this laptop, the company on documents, the archive.

The same form serves both; on first start it also offers demo data. It only edits
`Settings`; creating the engineer record and loading demo data run in the background
afterwards (`ui.shell.app`), so the dialog never waits on the disk. The company the
documents speak for — name, address, hotline and the verify page the QR code opens (the
archive's /portal/verify unless another is typed) — is asked for here; while any is
missing, one line under them says so, as `fieldapp pdf` does (issue 17).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from fieldapp.base.errors import FieldappError
from fieldapp.base.ids import is_valid_operator_code
from fieldapp.base.settings import Settings, verify_address
from fieldapp.services.fee_entry import price_items
from fieldapp.services.setup import identity_warning
from ui.kit import forms, i18n
from ui.kit.fields import error_label, show_error
from ui.kit.fit import scroll_body
from ui.shell.price_list_dialog import PriceListDialog

TEXT_KEYS = ("operator_name", "operator_code", "company_name", "company_hotline",
             "company_address", "complaint_hotline", "archive_url", "verify_url")


class SetupDialog(QDialog):
    def __init__(self, settings: Settings, *, first_start: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup_dialog")
        self.settings, self.first_start = settings, first_start
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.edits = {key: QLineEdit(str(settings.get(key))) for key in TEXT_KEYS}
        self.captions = {key: QLabel() for key in (*TEXT_KEYS, "role", "language")}
        self.code_error = error_label()
        self.name_error = error_label()
        self.save_error = error_label()
        self.role = QComboBox()
        self.language = QComboBox()
        self.demo = QCheckBox()
        self.demo.setVisible(first_start)
        self.ok_button = QPushButton()
        self.ok_button.setProperty("primary", True)
        self.ok_button.setDefault(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setVisible(not first_start)

        form = QFormLayout()
        form.addRow(self.captions["operator_name"],
                    forms.with_error(self.edits["operator_name"], self.name_error))
        form.addRow(self.captions["operator_code"],
                    forms.with_error(self.edits["operator_code"], self.code_error))
        form.addRow(self.captions["role"], self.role)
        form.addRow(self.captions["language"], self.language)
        for key in TEXT_KEYS[2:]:
            form.addRow(self.captions[key], self.edits[key])
        self.identity_note = QLabel()  # what the copies will say is not set up
        self.identity_note.setProperty("role", "notice")
        self.identity_note.setWordWrap(True)
        form.addRow(self.identity_note)
        for key in ("company_name", "company_hotline", "company_address",
                    "complaint_hotline", "archive_url", "verify_url"):
            self.edits[key].textChanged.connect(lambda _t: self._show_identity())
        # the company's common items, one tap each in the visit's fee step
        self.captions["price_list"] = QLabel()
        self.price_list_button = QPushButton()
        self.price_list_button.clicked.connect(self.edit_price_list)
        self.price_list_dialog: PriceListDialog | None = None
        form.addRow(self.captions["price_list"], self.price_list_button)
        # the customer copy's optional pictures page (docs/attachments.md)
        self.copy_pictures = QCheckBox()
        self.copy_pictures.setChecked(bool(settings.get("copy_pictures")))
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.copy_pictures)
        layout.addWidget(self.demo)
        layout.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll_body(body), 1)  # the buttons stay below a scrolling form
        outer.addWidget(self.save_error)
        outer.addLayout(forms.button_row(self.cancel_button, self.ok_button))
        self.ok_button.clicked.connect(self.try_accept)
        self.cancel_button.clicked.connect(self.reject)
        # the language is saved only when chosen here (or on first start): a session
        # started with `fieldapp --lang` does not overwrite the saved one
        self.language_chosen = first_start
        self.language.activated.connect(lambda _i: self._language_chosen())
        self.resize(640, 0)
        self.retranslate()
        i18n.connect(self)

    def retranslate(self) -> None:
        tr = i18n.tr
        self.setWindowTitle(tr("setup.title_first" if self.first_start else "setup.title"))
        self.intro.setText(tr("setup.intro" if self.first_start else "setup.intro_settings"))
        self.intro.setVisible(True)
        forms.name_captions(self.captions, "setup")
        self.edits["operator_code"].setPlaceholderText(tr("setup.code_hint"))
        self.edits["archive_url"].setPlaceholderText(tr("setup.archive_hint"))
        self._show_identity()
        role = self.role.currentData() or self.settings.get("role")
        self.role.clear()
        for value in ("engineer", "staff"):
            self.role.addItem(tr(f"role.{value}"), value)
        self.role.setCurrentIndex(max(0, self.role.findData(role)))
        self.language.clear()
        self.language.addItem("中文（简体）", "zh")
        self.language.addItem("English", "en")
        i18n.produced(i18n.current()).update({"中文（简体）", "English"})  # native names
        self.language.setCurrentIndex(max(0, self.language.findData(i18n.current())))
        self.demo.setText(tr("setup.demo"))
        self.copy_pictures.setText(tr("setup.copy_pictures"))
        self.price_list_button.setText(tr("setup.price_list_button", count=len(
            price_items(self.settings.get("price_list")))))
        self.ok_button.setText(tr("setup.start" if self.first_start else "button.save"))
        self.cancel_button.setText(tr("button.cancel"))

    def _show_identity(self) -> None:
        """The verify page the QR will open (as typed, else the archive's), and the one
        line naming what the copies will say is not set up."""
        values = {key: edit.text() for key, edit in self.edits.items()}
        derived = verify_address("", values["archive_url"])
        self.edits["verify_url"].setPlaceholderText(
            i18n.tr("setup.verify_derived", url=derived) if derived
            else i18n.tr("setup.verify_hint"))
        warning = identity_warning(values, "zh")  # a core pair: through i18n, as all text
        self.identity_note.setText(
            i18n.pair((warning, identity_warning(values, "en"))) if warning else "")
        self.identity_note.setVisible(bool(warning))

    def _language_chosen(self) -> None:
        self.language_chosen = True
        i18n.set_language(self.language.currentData())

    def try_accept(self) -> None:
        code = self.edits["operator_code"].text().strip().upper()
        self.edits["operator_code"].setText(code)
        name = self.edits["operator_name"].text().strip()
        show_error(self.code_error, self.edits["operator_code"],
                   "" if is_valid_operator_code(code) else i18n.tr("setup.code_invalid"))
        show_error(self.name_error, self.edits["operator_name"],
                   "" if name else i18n.tr("setup.name_required"))
        if not is_valid_operator_code(code) or not name:
            return
        for key, edit in self.edits.items():
            self.settings.set(key, edit.text().strip())
        self.settings.set("role", self.role.currentData())
        self.settings.set("copy_pictures", self.copy_pictures.isChecked())
        if self.language_chosen:
            self.settings.set("language", self.language.currentData())
        self.settings.set("setup_done", True)
        try:
            self.settings.save()
        except FieldappError as exc:  # the data folder refused it: said here, the form stays
            show_error(self.save_error, None, exc.message(i18n.current()))
            return
        show_error(self.save_error, None, "")
        self.accept()

    def edit_price_list(self) -> None:
        """The price list has its own Save: it is kept even if this form is cancelled."""
        dialog = PriceListDialog(self.settings, self)
        dialog.accepted.connect(self.retranslate)
        dialog.finished.connect(lambda _r: dialog.deleteLater())
        self.price_list_dialog = dialog
        dialog.open()

    @property
    def wants_demo(self) -> bool:
        return self.first_start and self.demo.isChecked()
