"""Which slip and seal a PDF copy carries, in its metadata, and reading it back.

The renderer writes ``fieldapp-slip:<number>`` and ``fieldapp-seal:<sha256>`` into the
PDF's Keywords and repeats them in the Subject, so `fieldapp verify copy.pdf` can find
the slip without OCR or the QR code.

The Keywords also carry ``fieldapp-pdf:<sha256>``: the SHA-256 of the whole file as
written with 64 zeros in that place (`stamp_digest`). The digest has a fixed length, so
stamping it moves no byte; `file_digest_ok` undoes it and re-hashes, so a byte flipped
anywhere in the file (the printed amounts, the drawn signature, the metadata) is found.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium

from fieldapp.base.money import format_yuan
from fieldapp.documents.errors import DocumentError

# PDFium is not thread-safe: two threads in it at once crash the process (the desktop
# rasterises a preview while another thread reads a PDF; the archive's request threads
# read uploaded copies). Every use of pypdfium2 holds this lock and closes what it opened.
PDFIUM_LOCK = threading.RLock()

SLIP_KEY = "fieldapp-slip:"
SEAL_KEY = "fieldapp-seal:"
_SLIP = re.compile(re.escape(SLIP_KEY) + r"(\S+?)(?=[\s;,]|$)")
_SEAL = re.compile(re.escape(SEAL_KEY) + r"([0-9a-f]{64})\b")
DIGEST_KEY = "fieldapp-pdf:"
_UNSTAMPED = (DIGEST_KEY + "0" * 64).encode("ascii")
_AMOUNT = re.compile(r"¥-?[\d,]+\.\d\d")  # as money.format_yuan writes it
_DIGEST = re.compile(re.escape(DIGEST_KEY.encode("ascii")) + rb"([0-9a-f]{64})")


def pdf_subject(slip_number: str, seal: str | None) -> str:
    if seal:
        return f"{SLIP_KEY}{slip_number} {SEAL_KEY}{seal}"
    return f"{SLIP_KEY}{slip_number} (draft, not sealed)"


def pdf_keywords(slip_number: str, seal: str | None) -> str:
    words = [f"{SLIP_KEY}{slip_number}"]
    if seal:
        words.append(f"{SEAL_KEY}{seal}")
    words.append(_UNSTAMPED.decode("ascii"))  # becomes the file's digest (stamp_digest)
    return "; ".join(words)


def stamp_digest(data: bytes) -> bytes:
    """Put the file's own SHA-256 where the renderer left 64 zeros (see above)."""
    if data.count(_UNSTAMPED) != 1:
        return data
    digest = hashlib.sha256(data).hexdigest().encode("ascii")
    return data.replace(_UNSTAMPED, DIGEST_KEY.encode("ascii") + digest)


def file_digest_ok(data: bytes) -> bool | None:
    """True if the file is byte for byte as written; False if any byte changed; None for
    a copy without a digest (made by a version before the digest existed)."""
    found = list(_DIGEST.finditer(data))
    if not found:
        return None if DIGEST_KEY.encode("ascii") not in data else False
    if len(found) != 1:
        return False
    match = found[0]
    blank = data[:match.start()] + _UNSTAMPED + data[match.end():]
    return hashlib.sha256(blank).hexdigest() == match.group(1).decode("ascii")


def read_payload_from_pdf(source: bytes | str | os.PathLike[str]) -> tuple[str, str] | None:
    """(slip number, seal) of a sealed fieldapp copy; None for drafts and other PDFs.

    Raises DocumentError when the input is not a readable PDF.
    """
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise DocumentError(
            f"无法读取 PDF 文件：{exc}", f"Cannot read the PDF file: {exc}"
        ) from exc
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise DocumentError(
                f"无法读取 PDF 文件：{exc}", f"Cannot read the PDF file: {exc}"
            ) from exc
        try:
            meta = pdf.get_metadata_dict()
        finally:
            pdf.close()
    for text in (meta.get("Keywords", ""), meta.get("Subject", "")):
        slip, seal = _SLIP.search(text), _SEAL.search(text)
        if slip and seal:
            return slip.group(1), seal.group(1)
    return None


def read_pdf_text(data: bytes) -> str:
    """The text printed on every page of a PDF (DocumentError when it is unreadable)."""
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise DocumentError(f"无法读取 PDF 文件：{exc}",
                                f"Cannot read the PDF file: {exc}") from exc
        try:
            texts = []
            for page in pdf:
                text_page = page.get_textpage()
                texts.append(text_page.get_text_range())
                text_page.close()
                page.close()
            return "\n".join(texts)
        finally:
            pdf.close()


def printed_facts_missing(data: bytes, *, number: str, seal: str,
                          amounts: list[str]) -> list[str]:
    """What the copy does not print as the archive holds it: its number, its seal, or
    exactly the slip's amounts (each line's unit price and amount, and the total).

    The file digest proves a copy unchanged only against someone who cannot recompute it;
    a copy rebuilt around a genuine seal with other fees is caught here instead.
    """
    printed = _squeezed(read_pdf_text(data))
    missing = [fact for fact in (number, seal) if _squeezed(fact) not in printed]
    if sorted(_AMOUNT.findall(printed)) != sorted(_squeezed(a) for a in amounts):
        missing.append(" ".join(amounts))
    return missing


def _squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def slip_amounts(slip: Any) -> list[str]:
    """The amounts a copy of this slip prints: each line's unit price and amount, the total."""
    lines = [format_yuan(fen) for line in slip.fee_lines
             for fen in (line.unit_price_fen, line.amount_fen)]
    return [*lines, format_yuan(slip.total_fen)]
