"""What the API takes and gives (separate input and output models)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.store.tables import SYNC_MODELS
from fieldapp.sync.wire import CHECK_PAGE

API_VERSION = "v1"


class ErrorBody(BaseModel):
    code: str
    zh: str
    en: str


class ErrorOut(BaseModel):
    error: ErrorBody


class HealthOut(BaseModel):
    status: Literal["ok"]
    version: str
    api: str
    database: str
    server_time: datetime


class LoginIn(BaseModel):
    user: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)
    device_label: str = Field(default="", max_length=100)


class UserOut(BaseModel):
    name: str
    role: str
    engineer_code: str
    customer_code: str


class LoginOut(BaseModel):
    token: str
    device_id: str
    user: UserOut
    server_time: datetime
    number_block: int = 0  # which hundred of each day's numbers the laptop hands out


class MeOut(BaseModel):
    user: UserOut
    device_id: str
    device_label: str


class RecordIn(BaseModel):
    """One record on the wire; `fee_lines`/`signatures` only for slips (docs/sync-protocol.md)."""

    model_config = ConfigDict(extra="forbid")

    table: str = Field(max_length=40)
    id: str = Field(max_length=64)
    hash: str | None = Field(default=None, max_length=64)
    row: dict[str, Any]
    fee_lines: list[dict[str, Any]] | None = Field(default=None, max_length=200)
    signatures: list[dict[str, Any]] | None = Field(default=None, max_length=10)


class PushIn(BaseModel):
    client_time: datetime | None = None
    records: list[RecordIn] = Field(max_length=500)


class ReceiptOut(BaseModel):
    """The archive's countersignature of a sealed slip (fieldapp.seal.receipts)."""

    body: str
    signature: str


class RecordResult(BaseModel):
    table: str
    id: str
    status: Literal["accepted", "duplicate", "refused"]
    hash: str
    code: str = ""
    reason_zh: str = ""
    reason_en: str = ""
    receipt: ReceiptOut | None = None  # a sealed slip the archive holds


class TamperedSlipIn(BaseModel):
    slip_id: str = Field(max_length=36)
    number: str = Field(max_length=32)
    problems: list[Annotated[str, Field(max_length=300)]] = Field(max_length=20)


class TamperedIn(BaseModel):
    """Sealed slips whose seal check fails on the laptop (fieldapp.sync.tamper_report)."""

    reports: list[TamperedSlipIn] = Field(max_length=200)


class SealKeyIn(BaseModel):
    public_key: str = Field(min_length=1, max_length=60)  # base64 Ed25519


class SealKeyOut(BaseModel):
    key_id: str
    archive_key_id: str
    archive_public_key: str  # the laptop checks receipts with it
    revoked_keys: dict[str, str]  # key id → when revoked (ISO UTC)


class PushOut(BaseModel):
    server_time: datetime
    clock_skew_seconds: int
    clock_skew_flagged: bool
    results: list[RecordResult]


class RecordOut(BaseModel):
    table: str
    id: str
    hash: str
    row: dict[str, Any]
    fee_lines: list[dict[str, Any]] | None = None
    signatures: list[dict[str, Any]] | None = None
    receipt: ReceiptOut | None = None  # a sealed slip's, from the archive (docs/seal.md)


class PullOut(BaseModel):
    server_time: datetime
    cursor: int
    more: bool
    records: list[RecordOut]
    number_block: int = 0  # as at login; repeated so a laptop always knows its block


class SlipOut(BaseModel):
    record: RecordOut
    sealed: bool
    seal_ok: bool
    problems_en: list[str]
    problems_zh: list[str]


Id = Annotated[str, Field(max_length=64)]


class CheckRecordIn(BaseModel):
    table: str = Field(max_length=40)
    id: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class RequestViewIn(BaseModel):
    """How the laptop shows a request: derived status and assignee (engineer code)."""

    id: str = Field(max_length=64)
    status: str = Field(max_length=20)
    assignee: str = Field(default="", max_length=20)


class CheckIn(BaseModel):
    """A whole check in one request, as laptops before the paged check send it (API v1
    only grows): within the check's 4 MiB cap, about 28,000 records."""

    records: list[CheckRecordIn] = Field(max_length=CHECK_PAGE * 2)
    requests: list[RequestViewIn] = Field(default_factory=list, max_length=CHECK_PAGE * 2)


class CheckPageIn(BaseModel):
    """One page of a laptop's check: every record of `table` it holds with `after` < id
    <= `through` (no `after`: from the first id; no `through`: to the last) as (id, hash),
    and (service requests) how it shows each request there as (id, status, assignee).
    Pairs, not objects: validating 20,000 objects held the event loop ten times as long."""

    table: str = Field(pattern=f"^({'|'.join(SYNC_MODELS)})$")
    after: Id | None = None
    through: Id | None = None
    records: list[tuple[Id, Id]] = Field(max_length=CHECK_PAGE)
    requests: list[tuple[Id, Annotated[str, Field(max_length=20)],
                         Annotated[str, Field(max_length=20)]]] = Field(
        default_factory=list, max_length=CHECK_PAGE)
    complete: bool = False  # name every record the archive lacks (a full re-sync)


class TableCheckOut(BaseModel):
    table: str
    laptop: int
    archive: int
    same: int


class RecordRef(BaseModel):
    table: str
    id: str
    label_zh: str = ""  # its number or code, as people name it (no personal data)
    label_en: str = ""


class ShownDifferently(BaseModel):
    """A request the laptop shows otherwise than the archive: status or assignee."""

    id: str
    number: str
    laptop_status: str
    laptop_assignee: str
    archive_status: str
    archive_assignee: str


class CheckOut(BaseModel):
    server_time: datetime
    agree: bool
    disagreements: int
    tables: list[TableCheckOut]
    different: list[RecordRef]
    not_in_archive: list[RecordRef]
    not_on_laptop: list[RecordRef]
    shown_differently: list[ShownDifferently] = []
    through: str | None = None  # the last id answered for (None: to the table's end)
