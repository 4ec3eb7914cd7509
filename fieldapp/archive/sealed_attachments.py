"""A sealed slip's pictures stay as sealed (issue 21): the archive's ingest refuses an
attachment row that would add to, remove from or change the pictures and files of a slip
whose seal (format 4, `fieldapp.seal.sealing.sealed_attachments`) lists them by hash,
size, type, kind, caption and capture time. The laptop freezes them once anyone signs; a
picture added later belongs to an amendment (a new slip, which carries its own rows).

A slip is judged sealed as the archive holds it, else as the same batch brings it
(attachments travel before their slips, `fieldapp.store.tables.SYNC_MODELS`):

- held sealed: a stored row never changes (nor is it removed); a new row is accepted
  only while the seal lists more of its kind than the archive holds (the archive keeps
  all a seal lists as a rule: the slip's own seal check at ingest compared them), never
  a removed one;
- sealed in this batch: a row not removed is accepted while the seal lists one more
  like it than the slip's other pictures take; a removal (done on the draft before
  signing) unless the seal still needs that picture.

An identical re-push never gets here: it is a duplicate (`fieldapp.archive.ingest`). A
slip sealed in a later batch cannot be known when its pictures come; its own seal check
then compares the seal with the rows the archive holds and refuses a mismatch
(`seal_mismatch`). Read once a batch; a batch naming no sealed slip costs one query.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import orjson
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from fieldapp.archive.rules import Reason, uuid_or_none
from fieldapp.seal.sealing import sealed_attachments
from fieldapp.seal.signatures import json_value
from fieldapp.store.attachment_models import Attachment, OwnerKind
from fieldapp.store.models import Slip
from fieldapp.tools.exchange import dict_to_values

_CHUNK = 500
_COLUMNS = ("id", "position", "sha256", "size", "media_type", "kind", "caption",
            "captured_at", "removed_at")
CODE = "attachment_sealed"


@dataclass
class _Sealed:
    """One sealed slip a batch's attachment rows name."""

    number: str
    document: Any  # the seal document's text
    held: bool  # sealed in the archive (else: sealed as this batch brings it)
    stored: dict[uuid.UUID, Any] = field(default_factory=dict)  # its rows in the archive
    pushed: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)  # this batch's
    verdicts: dict[uuid.UUID, Reason | None] | None = None  # judged at the first ask


class SealedAttachments:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.slips: dict[uuid.UUID, _Sealed] = {}

    def load(self, rows: Iterable[tuple[str, Any]]) -> None:
        """The batch's (table, row) pairs: the slips its attachment rows name that are
        sealed, as the archive holds them or as the batch brings them, and their rows."""
        pushed: dict[uuid.UUID, dict[uuid.UUID, dict[str, Any]]] = {}
        brought: dict[uuid.UUID, dict[str, Any]] = {}
        for table, row in rows:
            if table not in ("attachments", "slips") or not isinstance(row, dict) or (
                    row_id := uuid_or_none(row.get("id"))) is None:
                continue
            if table == "slips":
                brought[row_id] = row
            elif row.get("owner_kind") == OwnerKind.SLIP and (
                    owner := uuid_or_none(row.get("owner_id"))) is not None:
                pushed.setdefault(owner, {})[row_id] = row
        if not pushed:
            return
        slips = _table(Slip)
        ordered = sorted(pushed)
        for start in range(0, len(ordered), _CHUNK):
            for found in self.session.execute(select(
                    slips.c.id, slips.c.number, slips.c.seal_document).where(
                    slips.c.id.in_(ordered[start:start + _CHUNK]), slips.c.seal.is_not(None))):
                self.slips[found.id] = _Sealed(found.number, found.seal_document, held=True)
        for slip_id in ordered:
            row = brought.get(slip_id)
            if slip_id not in self.slips and row is not None and row.get("seal"):
                self.slips[slip_id] = _Sealed(str(row.get("number")), row.get("seal_document"),
                                              held=False)
        if not self.slips:
            return
        attachments = _table(Attachment)
        columns = [attachments.c[name] for name in ("owner_id", *_COLUMNS)]
        sealed = sorted(self.slips)
        for start in range(0, len(sealed), _CHUNK):
            for picture in self.session.execute(select(*columns).where(
                    attachments.c.owner_kind == OwnerKind.SLIP,
                    attachments.c.owner_id.in_(sealed[start:start + _CHUNK]))).mappings():
                self.slips[picture["owner_id"]].stored[picture["id"]] = SimpleNamespace(
                    **{name: picture[name] for name in _COLUMNS})
        for slip_id, slip in self.slips.items():
            slip.pushed = pushed[slip_id]

    def refusal(self, row: dict[str, Any]) -> Reason | None:
        """None unless this attachment row names a sealed slip and is not what its seal
        lists; then why (one line in zh and en, naming the slip)."""
        owner, row_id = uuid_or_none(row.get("owner_id")), uuid_or_none(row.get("id"))
        slip = self.slips.get(owner) if row.get("owner_kind") == OwnerKind.SLIP and (
            owner is not None) else None
        if slip is None or row_id is None:
            return None
        if slip.verdicts is None:
            slip.verdicts = _judge(slip)
        return slip.verdicts.get(row_id)


def _judge(slip: _Sealed) -> dict[uuid.UUID, Reason | None]:
    """Each of the batch's rows of this slip: None (as sealed) or why not."""
    listed = _listed(slip.document)
    if listed is None:  # a damaged document: a held slip lists nothing; a pushed one is
        if not slip.held:  # refused by its own seal check, leaving the archive's draft
            return {}
        listed = Counter()
    pushed: dict[uuid.UUID, Any] = {}
    for row_id, row in slip.pushed.items():
        try:
            pushed[row_id] = _stand_in(row)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            continue  # malformed: ingest refuses it as such
    verdicts: dict[uuid.UUID, Reason | None] = {}
    # what the rows the batch leaves alone take of what the seal lists
    taken = Counter(key for row_id, stored in slip.stored.items()
                    if (key := _key(stored)) is not None
                    and (slip.held or row_id not in pushed))
    for row_id, row in pushed.items():
        key = _key(row)
        if slip.held and row_id in slip.stored:
            verdicts[row_id] = _frozen(slip.number)
        elif key is None:  # removed: judged below
            continue
        elif taken[key] < listed[key]:
            taken[key] += 1
            verdicts[row_id] = None
        else:
            verdicts[row_id] = _not_listed(slip.number)
    for row_id in pushed:
        if row_id in verdicts:
            continue
        before = slip.stored.get(row_id)
        had = _key(before) if before is not None else None
        if slip.held:
            verdicts[row_id] = _not_listed(slip.number)  # a new row, removed
        elif had is not None and taken[had] < listed[had]:
            taken[had] += 1  # the seal still needs it: it stays
            verdicts[row_id] = _needed(slip.number)
        else:
            verdicts[row_id] = None
    return verdicts


def _listed(document: Any) -> Counter[bytes] | None:
    """The attachments a seal document lists (none before format 4); None if damaged.
    Read as `verify_slip` reads it (`json_value`: the last of a repeated key), through
    orjson first (what it reads differently, a number beyond 64 bits, cannot equal a
    row's entry; what it refuses goes to json_value)."""
    if not isinstance(document, str):
        return None
    try:
        parsed = orjson.loads(document)
    except orjson.JSONDecodeError:
        try:
            parsed = json_value(document)
        except ValueError:
            return None
    if not isinstance(parsed, dict):
        return None
    entries = parsed.get("attachments", [])
    if not isinstance(entries, list):
        return None
    return Counter(_text(entry) for entry in entries)


def _key(row: Any) -> bytes | None:
    """A row as its seal entry (None when removed)."""
    entries = sealed_attachments([row])
    return _text(entries[0]) if entries else None


def _text(entry: Any) -> bytes:
    try:
        return orjson.dumps(entry, option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):  # not an entry a row can equal
        return repr(entry).encode()


def _stand_in(row: dict[str, Any]) -> Any:
    values = dict_to_values(Attachment, row)
    return SimpleNamespace(**{name: values.get(name) for name in _COLUMNS})


def _frozen(number: str) -> Reason:
    return (CODE, f"服务单 {number} 已封存，它的图片和文件不能再修改或删除；请新建更正单。",
            f"Slip {number} is sealed: its pictures and files cannot change or be removed; "
            "start an amendment.")


def _not_listed(number: str) -> Reason:
    return (CODE, f"服务单 {number} 已封存，封存内容中没有这张图片或文件；封存后添加请新建更正单。",
            f"Slip {number} is sealed and its seal does not list this picture or file; "
            "add it to an amendment.")


def _needed(number: str) -> Reason:
    return (CODE, f"服务单 {number} 的封存内容包含这张图片或文件，不能删除。",
            f"Slip {number}'s seal lists this picture or file; it cannot be removed.")


def _table(model: type[Slip] | type[Attachment]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table
