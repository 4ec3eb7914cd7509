"""Which slip and seal a PDF copy carries, in its metadata, and reading it back.

The renderer writes ``fieldapp-slip:<number>`` and ``fieldapp-seal:<sha256>`` into the
PDF's Keywords and repeats them in the Subject, so `fieldapp verify copy.pdf` can find
the slip without OCR or the QR code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pypdfium2 as pdfium

from fieldapp.documents.errors import DocumentError

SLIP_KEY = "fieldapp-slip:"
SEAL_KEY = "fieldapp-seal:"
_SLIP = re.compile(re.escape(SLIP_KEY) + r"(\S+?)(?=[\s;,]|$)")
_SEAL = re.compile(re.escape(SEAL_KEY) + r"([0-9a-f]{64})\b")


def pdf_subject(slip_number: str, seal: str | None) -> str:
    if seal:
        return f"{SLIP_KEY}{slip_number} {SEAL_KEY}{seal}"
    return f"{SLIP_KEY}{slip_number} (draft, not sealed)"


def pdf_keywords(slip_number: str, seal: str | None) -> str:
    words = [f"{SLIP_KEY}{slip_number}"]
    if seal:
        words.append(f"{SEAL_KEY}{seal}")
    return "; ".join(words)


def read_payload_from_pdf(source: bytes | str | os.PathLike[str]) -> tuple[str, str] | None:
    """(slip number, seal) of a sealed fieldapp copy; None for drafts and other PDFs.

    Raises DocumentError when the input is not a readable PDF.
    """
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
        pdf = pdfium.PdfDocument(data)
    except (OSError, pdfium.PdfiumError) as exc:
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
