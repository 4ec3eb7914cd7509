"""Attachment files from the laptops: which are missing, how much of one the archive holds,
and its bytes in chunks (docs/sync-protocol.md, "Attachment files"). The user is checked
in a short transaction of its own; the file's bytes are written after it has committed,
so a slow upload never holds the database (on SQLite, its one writer)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from fieldapp.archive.crud import AuthError, device_for_token
from fieldapp.archive.deps import DbDep, get_actor
from fieldapp.archive.errors import BadRequest, Forbidden
from fieldapp.archive.files.access import Named, named_files
from fieldapp.archive.files.store import is_sha256
from fieldapp.archive.files.uploads import Uploads, uploads_of
from fieldapp.archive.models import Role
from fieldapp.archive.rules import actor_for
from fieldapp.archive.schemas import ErrorOut
from fieldapp.base.errors import NotFound
from fieldapp.sync.file_wire import CHUNK_CAP, MISSING_BATCH

router = APIRouter(prefix="/files", tags=["files"])
_bearer = HTTPBearer(auto_error=False, description="The device token from /auth/login")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
UploadsDep = Annotated[Uploads, Depends(uploads_of)]
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (401, 403, 404, 409, 413, 422, 429)}
Sha = Annotated[str, Field(min_length=64, max_length=64)]
NOT_YOURS = NotFound("档案中没有您可上传的、引用此文件的附件记录（请先同步记录）。",
                     "No attachment record of yours in the archive names this file "
                     "(sync the records first).")


class MissingIn(BaseModel):
    hashes: list[Sha] = Field(max_length=MISSING_BATCH)


class FileProgressOut(BaseModel):
    sha256: str
    size: int  # the attachment row's size: the whole file
    received: int  # bytes the archive holds: resume from here
    complete: bool  # verified and stored


class MissingOut(BaseModel):
    missing: list[FileProgressOut]  # to send (received > 0: resume)
    unknown: list[str]  # no attachment of yours names it (yet): push its record first


def _named(db: DbDep, credentials: Credentials, shas: list[str], *,
           uploading: bool = True, touch: bool = False) -> dict[str, Named]:
    """The files of these hashes the user may send (`uploading`) or see. `touch`: note
    the device as seen, in a write transaction (once a round, with /missing); a chunk
    is checked in a read transaction only, so a file of ten chunks is not ten commits."""
    bad = [s for s in shas if not is_sha256(s)]
    if bad:
        raise BadRequest(422, "invalid", "文件名应为小写十六进制的 SHA-256。",
                         "A file is named by its SHA-256 in lower-case hex.")
    with db.write() if touch else db.read() as session:
        if touch:
            actor = get_actor(session, credentials)
        else:
            if credentials is None or not credentials.credentials:
                raise AuthError("请先登录（fieldapp login）。", "Log in first (fieldapp login).")
            device, user = device_for_token(session, token=credentials.credentials)
            actor = actor_for(session, user, device)
        if actor.user.role == Role.CUSTOMER:
            raise Forbidden("客户账号请使用客户门户。",
                            "Customer accounts use the customer portal.")
        return named_files(session, actor, shas, uploading=uploading)


def _one(sha: str, db: DbDep, credentials: Credentials) -> Named:
    named = _named(db, credentials, [sha]).get(sha)
    if named is None:
        raise NOT_YOURS
    return named


def _one_visible(sha: str, db: DbDep, credentials: Credentials) -> Named:
    named = _named(db, credentials, [sha], uploading=False).get(sha)
    if named is None:  # not there, or not yours: the same answer
        raise NotFound("找不到该文件。", "No such file.")
    return named


async def _chunk(request: Request) -> bytes:
    return await request.body()  # BodyLimits read it already, within CHUNK_CAP


def _out(named: Named, received: int, complete: bool) -> FileProgressOut:
    return FileProgressOut(sha256=named.sha256, size=named.size, received=received,
                           complete=complete)


@router.post("/missing", response_model=MissingOut, responses=ERRORS)
def missing(body: MissingIn, db: DbDep, credentials: Credentials,
            uploads: UploadsDep) -> MissingOut:
    """Of these files (at most 1000), those the archive does not hold yet and how much of
    each it has; hashes no attachment of this user names are `unknown`."""
    named = _named(db, credentials, body.hashes, touch=True)
    out = []
    for sha, file in named.items():
        progress = uploads.progress(sha)
        if not progress.complete:
            out.append(_out(file, progress.received, False))
    return MissingOut(missing=out, unknown=[s for s in dict.fromkeys(body.hashes)
                                            if s not in named])


@router.get("/{sha}/upload", response_model=FileProgressOut, responses=ERRORS)
def upload_status(file: Annotated[Named, Depends(_one)], uploads: UploadsDep
                  ) -> FileProgressOut:
    """How many bytes of this file the archive holds (after a cut connection)."""
    progress = uploads.progress(file.sha256)
    return _out(file, progress.received, progress.complete)


@router.put("/{sha}/upload", response_model=FileProgressOut, responses=ERRORS,
            openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})
def upload_chunk(file: Annotated[Named, Depends(_one)], uploads: UploadsDep,
                 data: Annotated[bytes, Depends(_chunk)],
                 offset: Annotated[int, Query(ge=0, le=2**40)]) -> FileProgressOut:
    """The file's bytes from `offset` (at most 1 MiB). The last chunk completes it: the
    archive hashes the whole file and stores it, or refuses it (422 hash_mismatch) and
    keeps nothing. 409 wrong_offset: ask GET …/upload where to resume."""
    if len(data) > CHUNK_CAP:
        raise BadRequest(413, "too_large", "文件片段过大。", "The chunk is too large.")
    progress = uploads.append(file.sha256, offset=offset, size=file.size, data=data)
    return _out(file, progress.received, progress.complete)


@router.get("/{sha}", responses=ERRORS, response_class=StreamingResponse)
def download(file: Annotated[Named, Depends(_one_visible)], uploads: UploadsDep
             ) -> StreamingResponse:
    """The file, for a laptop that needs a picture it pulled the record of."""
    if not uploads.store.has(file.sha256):
        raise NotFound("档案中尚无此文件。", "The archive does not hold this file yet.")
    return StreamingResponse(uploads.store.chunks(file.sha256), media_type=file.media_type)
