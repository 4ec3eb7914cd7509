"""What the archive reads of a request body, enforced by the application itself (not
only by a proxy in front of it): a cap per endpoint, checked on Content-Length before
anything is read and counted while a chunked body streams in; JSON that is valid UTF-8,
holds at most MAX_VALUES values and nests at most MAX_DEPTH deep. A refusal is the
documented error, never the input.

Why caps and counts, not a thread: the JSON parser and Pydantic hold the interpreter
while they run, so parsing elsewhere would stall every other request (the health probe
included) just the same. What they cost grows with the number of values, so that is
what is bounded: a body at the limits costs about half a second of one core at worst
(tests/benchmarks/bench_limits.py, docs/reliability.md).
"""

from __future__ import annotations

import itertools

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fieldapp.archive.errors import error_response
from fieldapp.sync.file_wire import CHUNK_CAP
from fieldapp.sync.wire import CHECK_BODY_CAP, KIB, MIB, PUSH_BODY_CAP

DEFAULT_CAP = 64 * KIB  # any endpoint not named below: forms, small JSON
# Path -> the most a body there may be. A laptop's push batch (100 records) is ~2 MB
# with signatures, and the laptop splits a batch that would exceed the cap; the check
# comes in pages of 20,000 (table, id, hash) items, ~2.9 MB. The laptop sizes its
# requests by the same constants (fieldapp.sync.wire).
BODY_CAPS: dict[str, int] = {
    "/api/v1/auth/login": 4 * KIB,
    "/api/v1/sync/push": PUSH_BODY_CAP,
    "/api/v1/sync/check": CHECK_BODY_CAP,  # a whole check, from laptops before the pages
    "/api/v1/sync/check/page": CHECK_BODY_CAP,
    "/portal/verify": 8 * MIB + 64 * KIB,  # a PDF copy (MAX_COPY_BYTES) in a form
}
FILES_PREFIX = "/api/v1/files/"
MAX_DEPTH = 32  # a push record nests 5 deep; nothing we take needs more
# Strings, numbers, arrays and objects: what parsing costs is mostly their number, so a
# dense body (16 MiB of small numbers: 8 million values) is refused before parsing. A
# page of a laptop's check holds about 120,000.
MAX_VALUES = 1_000_000
EXACT_STRINGS = 100_000

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def body_cap(path: str) -> int:
    if path.startswith(FILES_PREFIX) and path.endswith("/upload"):
        return CHUNK_CAP  # a chunk of an attachment file (routes/files.py)
    return BODY_CAPS.get(path.rstrip("/") or "/", DEFAULT_CAP)


def outside_strings(body: bytes) -> bytes:
    """The JSON text with its strings cut out: escaped backslashes and quotes go first,
    so every quote left opens or closes a string."""
    plain = body.replace(b"\\\\", b"").replace(b'\\"', b"")
    return b"".join(plain.split(b'"')[::2])


def _shape(text: bytes) -> tuple[int, int]:
    brackets = text.translate(None, _NOT_BRACKETS)
    values = len(brackets) + text.count(b",")
    if not brackets or values > MAX_VALUES:
        return 0, values
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets))), values


def json_shape(body: bytes) -> tuple[int, int]:
    """(how deep arrays and objects nest, how many values there are: brackets and commas
    outside strings), at C speed but for the last sum. Cutting the strings out costs
    with their number: beyond EXACT_STRINGS (a laptop's check: ids and hashes, hundreds
    of thousands) the brackets and commas of the whole text are counted, which can only
    say more values, and the depth then rests on the parser's own limit too."""
    strings = (body.count(b'"') - body.count(b'\\"')) // 2
    if strings > MAX_VALUES:  # each is a value: too many whatever the rest
        return 0, strings
    return _shape(outside_strings(body) if strings <= EXACT_STRINGS else body)


def body_problem(body: bytes, content_type: str) -> tuple[int, str, str, str] | None:
    """Why a JSON body cannot be taken (status, code, zh, en), or None."""
    if "json" not in content_type or not body:
        return None
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return (400, "not_utf8", "请求内容不是有效的 UTF-8 文本。",
                "The request body is not valid UTF-8 text.")
    depth, values = json_shape(body)
    if values > MAX_VALUES:
        return (413, "too_many_values", f"请求内容的数据项过多（最多 {MAX_VALUES:,} 项）。",
                f"The request body holds too many values (at most {MAX_VALUES:,}).")
    if depth > MAX_DEPTH:
        return (400, "too_deep", f"请求内容嵌套过深（最多 {MAX_DEPTH} 层）。",
                f"The request body nests too deep (at most {MAX_DEPTH} levels).")
    return None


INCOMPLETE = (400, "incomplete", "请求未发送完整。", "The request was not sent in full.")


def too_large(cap: int) -> tuple[int, str, str, str]:
    size = f"{cap // MIB} MiB" if cap >= MIB else f"{cap // KIB} KiB"
    return (413, "too_large", f"请求内容过大（此地址最多 {size}）。",
            f"The request body is too large (at most {size} here).")


class BodyLimits:
    """Outer ASGI middleware: reads a request's body up to its endpoint's cap, checks it,
    and hands it on whole; or answers the refusal without calling the app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = body_cap(scope["path"])
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared and (not declared.isdigit() or int(declared) > cap):
            await _refuse(too_large(cap), scope, receive, send)  # nothing read
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":  # answered for the log; nobody reads it
                await _refuse(INCOMPLETE, scope, receive, send)
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:  # chunked, or more than it declared
                await _refuse(too_large(cap), scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        problem = body_problem(body, headers.get(b"content-type", b"").decode("latin-1"))
        if problem is not None:
            await _refuse(problem, scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect

    return replay


async def _refuse(problem: tuple[int, str, str, str], scope: Scope, receive: Receive,
                  send: Send) -> None:
    status, code, zh, en = problem
    # Connection: close, so the rest of a body we did not read is not taken as the
    # next request on this connection.
    await error_response(status, code, zh, en, {"Connection": "close"})(scope, receive, send)
