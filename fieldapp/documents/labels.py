"""The words printed on documents, Chinese and English, kept apart from the drawing.

Chinese terms are the ones the users themselves use (see REQUIREMENTS.md). Data (names,
fault texts) is printed as typed; only labels switch language. The labels are a catalogue
(``resources/i18n/{zh,en}.json``, docs/i18n.md); coded values (channels, results, fee
kinds, …) are the core's (zh, en) tables, put into words with `term`.
"""

from __future__ import annotations

from fieldapp.base.device_classes import DEVICE_CLASS_LABELS
from fieldapp.base.i18n import Catalogue, Language
from fieldapp.base.i18n import term as term  # slip_blocks, workflow_pdf, kit.blocks use it
from fieldapp.rules.validation import FEE_KIND_LABELS

CATALOGUE = Catalogue("fieldapp.documents", "resources/i18n")

CONDITIONS: dict[str, tuple[str, str]] = {
    "good": ("完好", "Good"),
    "damaged": ("损坏", "Damaged"),
    "incomplete": ("配件不全", "Incomplete"),
}

VIA: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "letter": ("信件", "Letter"),
    "email": ("电子邮件", "E-mail"),
    "portal": ("客户门户", "Portal"),
    "in_person": ("当面", "In person"),
}

DEVICE_CLASSES: dict[str, tuple[str, str]] = DEVICE_CLASS_LABELS

CHANNELS: dict[str, tuple[str, str]] = {
    "phone": ("电话", "Phone"),
    "onsite": ("现场", "On site"),
    "remote": ("远程", "Remote"),
    "sendin": ("送修", "Sent in for repair"),
    "letter": ("信件", "Letter"),
    "portal": ("网页", "Web portal"),
}

RESULTS: dict[str, tuple[str, str]] = {
    "solved": ("已解决", "Solved"),
    "unsolved": ("未解决", "Not solved"),
    "escalated": ("已升级", "Escalated"),
}

CLOCK_STATES: dict[str, tuple[str, str]] = {
    "on_track": ("进行中", "On track"),
    "at_risk": ("即将超时", "At risk"),
    "met": ("达标", "Met"),
    "met_within_tolerance": ("达标（交通延误容许）", "Met (traffic tolerance)"),
    "breached": ("超时", "Breached"),
    "not_applicable": ("不适用", "n/a"),
}

# One name per fee kind, on screen and on paper: the core's own labels.
FEE_KINDS: dict[str, tuple[str, str]] = FEE_KIND_LABELS


def label(key: str, language: Language, **values: str) -> str:
    """A document's label in `language`, placeholders ({page}, {hotline}, …) filled in."""
    return CATALOGUE.text(key, language, **values)
