"""The records that travel between a laptop and the archive, as JSON (docs/sync-protocol.md).

A record on the wire is ``{"table", "id", "row", "hash"}``; a slip also carries its
``fee_lines`` and ``signatures``, because a slip is signed and sealed as a whole. Rows
are the lossless JSON of `fieldapp.tools.exchange.row_to_dict`. The hash is SHA-256 over the
canonical JSON of everything but the hash: the same content always gives the same hash,
on either side, which is what makes a push idempotent.

Both sides store a record with `write_record` (Core statements, so no ORM default or
change listener touches what was sent): a slip goes in unsealed, then its fee lines and
signatures, then its seal — the order the database's sealing triggers require.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from fieldapp.seal.sealing import canonical_bytes
from fieldapp.seal.signatures import json_value
from fieldapp.store.models import Base, Slip
from fieldapp.store.tables import CHILD_MODELS, SYNC_MODELS, WRITE_ONCE_TABLES
from fieldapp.tools.exchange import dict_to_values, row_to_dict

# A record or a row as it travels: a JSON object.
Values = dict[str, Any]

SEAL_COLUMNS = ("seal", "seal_document", "sealed_at", "status")

KIB, MIB = 1024, 1024 * 1024
# What the archive reads of a request body here (fieldapp/archive/limits.py takes these):
# the laptop sizes its requests by them, with a margin, rather than be refused.
PUSH_BODY_CAP = 16 * MIB
CHECK_BODY_CAP = 4 * MIB
PUSH_MARGIN = MIB  # a push body stays this far under the cap (the envelope, a proxy's count)
# Items (records and request views) in one page of a check: ~110 bytes each, 2.2 MB.
CHECK_PAGE = 20_000


def content_hash(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "hash"}
    return hashlib.sha256(_canonical(body)).hexdigest()


_PLAIN = frozenset((str, int, bool, type(None)))  # what orjson writes as json.dumps does


def _canonical(record: dict[str, Any]) -> bytes:
    """`canonical_bytes(record)`, the same bytes, ~2x faster for a wire record (a dict of
    rows: dicts of plain values, and lists of such rows): orjson with sorted keys writes
    strings (any character, escaped or not), integers within 64 bits (else it refuses),
    booleans and null exactly as `canonical_bytes` does (tests/archive/test_wire_canonical.
    py); a float or any other type (json's refusal, or another spelling) goes to json."""
    if _plain_record(record):
        try:
            return orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # beyond 64 bits, a lone surrogate
            pass
    return canonical_bytes(record)


def _plain_row(row: Any) -> bool:
    return type(row) is dict and all(type(k) is str for k in row) and set(
        map(type, row.values())) <= _PLAIN


def _plain_record(record: dict[str, Any]) -> bool:
    """A dict whose values are plain values, rows, or lists of rows (nothing deeper)."""
    if not all(type(k) is str for k in record):
        return False
    for value in record.values():
        kind = type(value)
        if kind in _PLAIN or (kind is dict and _plain_row(value)):
            continue
        if kind is not list or not all(map(_plain_row, value)):
            return False
    return True


def encode_records(records: list[dict[str, Any]]) -> bytes:
    """A batch of records as the JSON array a push carries (UTF-8, not escaped)."""
    return json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def encode_record(record: dict[str, Any]) -> bytes:
    """One record as `encode_records` writes it inside the array."""
    return encode_records([record])[1:-1]


def join_encoded(pieces: list[bytes]) -> bytes:
    """`encode_records` of the records these `encode_record` pieces stand for."""
    return b"[" + b",".join(pieces) + b"]"


# A sealed slip's seal document repeats each signature's strokes (~a quarter of the
# record's bytes). A push sends them once: in the document, `"strokes":[...]` becomes
# `"strokes":"@signatures[i].strokes"`, i the signature's place in the record's
# `signatures`, whose `strokes` text is exactly what was cut out. The record's hash is
# the full record's; the archive puts the strokes back before anything else
# (`expand_strokes`), so it stores, hashes and verifies the document as sealed. A
# document without such a reference (an older laptop's push) is taken as it is.
STROKES_REF = "@signatures[{}].strokes"
_STROKES_KEY = '"strokes":'


def compact_strokes(record: dict[str, Any]) -> dict[str, Any]:
    """`record` with its seal document's strokes by reference, when each signature's
    strokes text is in the document exactly once (else the record as it is)."""
    row, signatures = record.get("row"), record.get("signatures")
    if record.get("table") != "slips" or not isinstance(row, dict) or not signatures:
        return record
    document = row.get("seal_document")
    if not isinstance(document, str) or "@signatures[" in document:
        return record
    for index, signature in enumerate(signatures):
        strokes = signature.get("strokes") if isinstance(signature, dict) else None
        if not isinstance(strokes, str) or not strokes:
            return record
        cut = _STROKES_KEY + strokes
        if document.count(cut) != 1:
            return record
        document = document.replace(cut, _STROKES_KEY + '"' + STROKES_REF.format(index) + '"')
    return {**record, "row": {**row, "seal_document": document}}


def expand_strokes(record: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The record as sealed: each `"strokes":"@signatures[i].strokes"` of its seal
    document replaced by signature i's strokes text; and the document as it came (None if
    it had no reference or not one per signature: then nothing is parsed from it here).
    A reference without its signature stays as it is (the seal check refuses it)."""
    row, signatures = record.get("row"), record.get("signatures")
    if record.get("table") != "slips" or not isinstance(row, dict):
        return record, None
    document = row.get("seal_document")
    if not isinstance(document, str) or "@signatures[" not in document:
        return record, None
    expanded, whole = document, isinstance(signatures, list) and bool(signatures)
    for index, signature in enumerate(signatures if isinstance(signatures, list) else ()):
        strokes = signature.get("strokes") if isinstance(signature, dict) else None
        ref = _STROKES_KEY + '"' + STROKES_REF.format(index) + '"'
        if not isinstance(strokes, str) or expanded.count(ref) != 1:
            whole = False
            continue
        expanded = expanded.replace(ref, _STROKES_KEY + strokes)
    record = {**record, "row": {**row, "seal_document": expanded}}
    return record, document if whole else None


def compact_document_value(compact: str, strokes: list[Any]) -> dict[str, Any] | None:
    """`json.loads` of the expanded document, from the short one and the signatures'
    parsed strokes, without parsing the strokes again; None where that cannot be shown
    equal (then the caller parses the expanded text). Equal because: the short text is
    its own orjson encoding (one way to write each value, no repeated key), each
    reference occurs in it once, as the `strokes` of signature entry i, and a JSON value
    put in place of a value gives the same document as parsing the text with it."""
    if any(s is None for s in strokes):
        return None
    try:
        document = json_value(compact)
        if not isinstance(document, dict) or orjson.dumps(
                document, option=orjson.OPT_SORT_KEYS) != compact.encode("utf-8"):
            return None
    except (ValueError, TypeError, orjson.JSONEncodeError):
        return None
    entries = document.get("signatures")
    if not isinstance(entries, list):
        return None
    refs = {STROKES_REF.format(i): value for i, value in enumerate(strokes)}
    found = 0
    for entry in entries:
        ref = entry.get("strokes") if isinstance(entry, dict) else None
        if isinstance(ref, str) and ref in refs:
            if compact.count(ref) != 1:
                return None
            entry["strokes"] = refs[ref]
            found += 1
    return document if found == len(refs) else None


def push_body_limit(cap: int = PUSH_BODY_CAP) -> int:
    """The most a push's array of records may take: the cap less the margin (a small
    cap, a proxy's say, keeps a sixteenth of it)."""
    return cap - min(PUSH_MARGIN, cap // 16)


def _rows(session: Session, model: type[Base], ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    table = model.__table__
    found: dict[uuid.UUID, Any] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for row in session.execute(select(table).where(table.c.id.in_(chunk))):
            found[row.id] = row
    return found


def _children(session: Session, slip_ids: list[uuid.UUID]
              ) -> dict[str, dict[uuid.UUID, list[Values]]]:
    out: dict[str, dict[uuid.UUID, list[Values]]] = {"fee_lines": {}, "signatures": {}}
    for name, model in CHILD_MODELS.items():
        table = model.__table__
        order = table.c.position if name == "fee_lines" else table.c.role
        for start in range(0, len(slip_ids), 500):
            chunk = slip_ids[start:start + 500]
            query = select(table).where(table.c.slip_id.in_(chunk)).order_by(order, table.c.id)
            for row in session.execute(query):
                out[name].setdefault(row.slip_id, []).append(row_to_dict(row, model))
    return out


def read_records(session: Session, table: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, Values]:
    """The wire form of the records of `table` with these ids (missing ids are left out)."""
    model = SYNC_MODELS[table]
    rows = _rows(session, model, ids)
    children = _children(session, list(rows)) if model is Slip else None
    out: dict[uuid.UUID, Values] = {}
    for record_id, row in rows.items():
        record: dict[str, Any] = {"table": table, "id": str(record_id),
                                  "row": row_to_dict(row, model)}
        if children is not None:
            record["fee_lines"] = children["fee_lines"].get(record_id, [])
            record["signatures"] = children["signatures"].get(record_id, [])
        record["hash"] = content_hash(record)
        out[record_id] = record
    return out


def read_record(session: Session, table: str, record_id: uuid.UUID) -> Values | None:
    return read_records(session, table, [record_id]).get(record_id)


def _record_values(model: type[Base], record: dict[str, Any]) -> tuple[uuid.UUID, Values]:
    record_id = uuid.UUID(str(record["id"]))
    row = record["row"]
    if not isinstance(row, dict):
        raise TypeError("row must be an object")
    values = dict_to_values(model, row)
    if values.get("id") != record_id:
        raise ValueError("the row's id differs from the record's id")
    return record_id, values


@dataclass
class RecordValues:
    """A wire record's row, and a slip's fee lines and signatures, as Python values:
    converted once, then read by every check of the record and by the write."""

    record_id: uuid.UUID
    values: dict[str, Any]
    children: dict[str, list[Values]]  # fee_lines, signatures; empty unless a slip
    _strokes: dict[int, Any] = field(default_factory=dict, repr=False)
    # a slip's seal document as parsed from its text, when known without parsing that
    # text again (it came with its strokes by reference: `compact_document_value`)
    document: dict[str, Any] | None = None

    def strokes(self, index: int) -> Any:
        """Signature `index`'s strokes, parsed from their JSON once (None: not JSON)."""
        if index not in self._strokes:
            try:
                self._strokes[index] = json_value(self.children["signatures"][index]["strokes"])
            except (ValueError, TypeError):
                self._strokes[index] = None
        return self._strokes[index]


def record_values(record: dict[str, Any]) -> RecordValues:
    """Raises ValueError/TypeError/KeyError for a malformed record (as `write_record`)."""
    model = SYNC_MODELS[record["table"]]
    record_id, values = _record_values(model, record)
    children = _child_values(record, record_id) if model is Slip else {}
    return RecordValues(record_id, values, children)


def _split_seal(values: dict[str, Any]) -> dict[str, Any]:
    """Take the seal columns out of a slip's values: the slip goes in unsealed and is
    sealed after its children, as the sealing triggers require. Returns what seals it
    (empty for an unsealed slip)."""
    seal_values = {k: values.pop(k) for k in SEAL_COLUMNS if k in values}
    status = seal_values.pop("status", "draft")
    if seal_values.get("seal") is None:
        values["status"] = status
        return {}
    values["status"] = "draft"
    seal_values["status"] = status
    if "updated_at" in values:
        seal_values["updated_at"] = values["updated_at"]
    return seal_values


def _child_values(record: dict[str, Any], record_id: uuid.UUID) -> dict[str, list[Values]]:
    out: dict[str, list[Values]] = {}
    for name, child_model in CHILD_MODELS.items():
        rows = record.get(name) or []
        if not isinstance(rows, list):
            raise TypeError(f"{name} must be a list")
        out[name] = []
        for child in rows:
            if not isinstance(child, dict):
                raise TypeError(f"{name} entries must be objects")
            child_values = dict_to_values(child_model, child)
            if child_values.get("slip_id") != record_id:
                raise ValueError(f"a {name} entry belongs to another slip")
            out[name].append(child_values)
    return out


def write_record(session: Session, record: dict[str, Any]) -> None:
    """Insert or overwrite one record (and a slip's children) exactly as given.

    Raises ValueError/TypeError/KeyError for a malformed record; the caller decides
    whether the record may be written (ownership, sealing) before calling this.
    """
    table_name = record["table"]
    model = SYNC_MODELS[table_name]
    table = model.__table__
    converted = record_values(record)
    record_id, values, children = converted.record_id, converted.values, converted.children
    exists = session.scalar(select(table.c.id).where(table.c.id == record_id)) is not None
    if exists and table_name in WRITE_ONCE_TABLES:
        return  # written once; the callers refuse different content before this
    seal_values = _split_seal(values) if model is Slip else {}
    if exists:
        session.execute(update(table).where(table.c.id == record_id).values(**values))
    else:
        session.execute(insert(table).values(**values))
    for name, rows in children.items():
        child_table = CHILD_MODELS[name].__table__
        session.execute(delete(child_table).where(child_table.c.slip_id == record_id))
        for child_values in rows:
            session.execute(insert(child_table).values(**child_values))
    if seal_values:
        session.execute(update(table).where(table.c.id == record_id).values(**seal_values))


def insert_new_records(session: Session, table_name: str,
                       records: list[dict[str, Any] | RecordValues]) -> None:
    """Insert records of one table that are not stored yet, in a few executemany
    statements: the same rows `write_record` would write one by one, in the same order
    (rows, then a slip's fee lines and signatures, then its seal). Records may come
    converted already (`record_values`)."""
    model = SYNC_MODELS[table_name]
    table = model.__table__
    rows: list[Values] = []
    seals: list[Values] = []
    children: dict[str, list[Values]] = {name: [] for name in CHILD_MODELS}
    for record in records:
        converted = record if isinstance(record, RecordValues) else record_values(record)
        values = dict(converted.values)  # _split_seal takes the seal columns out
        if model is Slip:
            seal_values = _split_seal(values)
            if seal_values:
                seals.append({"b_id": converted.record_id,
                              **{f"b_{k}": v for k, v in seal_values.items()}})
            for name, child_rows in converted.children.items():
                children[name] += child_rows
        rows.append(values)
    _insert_many(session, table, rows)
    for name, child_rows in children.items():
        _insert_many(session, CHILD_MODELS[name].__table__, child_rows)
    for keys, group in _by_keys(seals).items():
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            {k[2:]: bindparam(k) for k in keys if k != "b_id"}), group)


def _by_keys(rows: list[Values]) -> dict[tuple[str, ...], list[Values]]:
    """Rows grouped by their set of keys (one executemany needs the same keys in each)."""
    groups: dict[tuple[str, ...], list[Values]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return groups


def _insert_many(session: Session, table: Any, rows: list[Values]) -> None:
    for group in _by_keys(rows).values():
        session.execute(insert(table), group)
