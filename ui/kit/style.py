"""Touch-friendly look: 44 px minimum targets, readable type, calm colours."""

from __future__ import annotations

from pathlib import Path

TOUCH_MIN = 44
ICONS = (Path(__file__).resolve().parent.parent / "resources" / "icons").as_posix()

STYLESHEET = f"""
QWidget {{ font-size: 15px; }}
/* No min-width here: a stylesheet's min-width replaces a widget's own setMinimumWidth;
   ui.kit.touch gives every button at least TOUCH_MIN instead. */
QPushButton, QToolButton {{
    min-height: {TOUCH_MIN}px; padding: 2px 14px;
    border: 1px solid #9aa5b1; border-radius: 6px; background: #f4f6f8;
}}
QPushButton:hover, QToolButton:hover {{ background: #e6ebf0; }}
QPushButton:pressed, QToolButton:pressed {{ background: #d5dde5; }}
QPushButton:focus, QToolButton:focus {{
    border: 2px solid #1565c0; padding: 1px 13px;  /* the same size as without focus */
}}
QPushButton:disabled {{ color: #9aa5b1; background: #f8f9fa; }}
QPushButton[primary="true"] {{
    background: #1565c0; color: white; border-color: #0d47a1; font-weight: bold;
}}
QPushButton[primary="true"]:disabled {{ background: #90a4ae; }}
QLineEdit, QComboBox, QDateEdit, QSpinBox {{
    min-height: {TOUCH_MIN - 2}px; padding: 0 6px; border: 1px solid #9aa5b1;
    border-radius: 4px; background: white;
}}
QComboBox QAbstractItemView::item {{ min-height: {TOUCH_MIN}px; padding: 0 8px; }}
QComboBox QAbstractItemView::item:selected {{ background: #bbdefb; color: black; }}
QSpinBox {{ padding: 0 {TOUCH_MIN + 4}px; }}
QSpinBox::up-button, QSpinBox::down-button {{
    subcontrol-origin: border; width: {TOUCH_MIN}px; height: {TOUCH_MIN}px;
    border: 0 solid #9aa5b1; background: #f4f6f8;
}}
QSpinBox::up-button {{ subcontrol-position: center right; border-left-width: 1px; }}
QSpinBox::down-button {{ subcontrol-position: center left; border-right-width: 1px; }}
QSpinBox::up-button:pressed, QSpinBox::down-button:pressed {{ background: #d5dde5; }}
QSpinBox::up-arrow {{ image: url({ICONS}/plus.svg); width: 18px; height: 18px; }}
QSpinBox::down-arrow {{ image: url({ICONS}/minus.svg); width: 18px; height: 18px; }}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus {{ border: 2px solid #1565c0; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border: 2px solid #c62828; }}
QLineEdit:read-only {{ background: #f1f3f5; }}
QPlainTextEdit {{ border: 1px solid #9aa5b1; border-radius: 4px; background: white; }}
QLabel[role="error"] {{ color: #c62828; font-size: 14px; }}
QLabel[role="heading"] {{ font-size: 18px; font-weight: bold; color: #102a43; }}
QLabel[role="total"] {{ font-size: 20px; font-weight: bold; color: #102a43; }}
QLabel[role="seal"] {{ font-family: monospace; color: #1b5e20; }}
QLabel[role="banner"] {{
    background: #e8f5e9; border: 1px solid #a5d6a7; border-radius: 6px; padding: 8px;
}}
QLabel[role="banner"][state="tampered"] {{ background: #ffebee; border-color: #e57373;
    color: #b71c1c; font-weight: bold; }}
QLabel[role="notice"] {{
    background: #fff8e1; border: 1px solid #ffe082; border-radius: 6px; padding: 8px;
}}
QGroupBox {{ font-weight: bold; border: 1px solid #cfd8dc; border-radius: 6px;
    margin-top: 14px; padding-top: 10px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; }}
QTableView {{ gridline-color: #e0e6eb; selection-background-color: #bbdefb;
    selection-color: black; }}
QTableView[snapshot="true"] {{ color: #6b6b6b; }}  /* the start frame's rows: not live */
QHeaderView::section:horizontal {{ min-height: {TOUCH_MIN - 12}px; }}  /* 44 with padding */
QHeaderView::section {{ padding: 6px; background: #eceff1; border: none;
    border-right: 1px solid #cfd8dc; font-weight: bold; }}
QTabBar::tab {{ min-height: {TOUCH_MIN}px; padding: 0 18px; }}
QCheckBox, QRadioButton {{ min-height: {TOUCH_MIN}px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 26px; height: 26px; }}
"""
