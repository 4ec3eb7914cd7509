"""The core's exceptions, and what each tells the user.

    FieldappError                 anything the user should be told about, in zh and en
    ├── ValidationError           input refused; carries one FieldIssue per bad field
    ├── NotFound                  no record with that number or id
    ├── SealedError               a sealed slip cannot change; amend it instead
    ├── WorkflowError             a step not allowed in the record's current state
    └── StorageError              the local database cannot be used (disk full, locked,
                                  corrupt, read-only): a known condition, not a defect

Anything else escaping the core is a bug. Every FieldappError renders itself in the
current language (`str(err)`), or in either explicitly (`err.message("en")`).
"""

from __future__ import annotations

from dataclasses import dataclass

from fieldapp.i18n import Language, pick


class FieldappError(Exception):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en

    def message(self, language: Language | None = None) -> str:
        return pick(self.zh, self.en, language)

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True)
class FieldIssue:
    """One refused field: which field, a stable code for tests and UIs, and the text."""

    field: str
    code: str
    zh: str
    en: str

    def message(self, language: Language | None = None) -> str:
        return pick(self.zh, self.en, language)


class ValidationError(FieldappError):
    def __init__(self, issues: list[FieldIssue]) -> None:
        if not issues:
            raise ValueError("a ValidationError needs at least one issue")
        self.issues = list(issues)
        super().__init__(
            "；".join(i.zh for i in issues),
            "; ".join(i.en for i in issues),
        )

    def for_field(self, field: str) -> list[FieldIssue]:
        return [i for i in self.issues if i.field == field]

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.issues}


class NotFound(FieldappError):
    pass


class SealedError(FieldappError):
    def __init__(self, number: str) -> None:
        super().__init__(
            f"服务单 {number} 已封存，不能修改；如需更正请新建更正单。",
            f"Slip {number} is sealed and cannot change; start an amendment to correct it.",
        )
        self.number = number


class WorkflowError(FieldappError):
    pass


class StorageError(FieldappError):
    pass
