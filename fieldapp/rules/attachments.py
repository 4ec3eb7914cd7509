"""What may be attached (issue 21): the types allowed, the size caps, caption and kind.

Pure checks returning FieldIssues, shared by the laptop (fieldapp.records.attachments) and
the archive's ingest. Pictures are re-encoded as JPEG before they are stored, so the
stored-size caps hold for them by construction; a PDF is stored as it is and is the
one the per-file cap usually refuses.
"""

from __future__ import annotations

from fieldapp.base.errors import FieldIssue
from fieldapp.store.attachment_models import AttachmentKind

# What a file picked on the laptop may be, by its first bytes (never by its name). Not
# WebP or HEIC: the bundle leaves their codecs out for its size (build_installer.spec).
IMAGE_TYPES = ("image/jpeg", "image/png", "image/bmp", "image/tiff", "image/gif")
DOCUMENT_TYPES = ("application/pdf",)
STORED_TYPES = ("image/jpeg", *DOCUMENT_TYPES)  # what is kept after re-encoding

MAX_INPUT_BYTES = 40 * 1024 * 1024  # a file read from disk (a 12-MP PNG is ~25 MB)
MAX_FILE_BYTES = 10 * 1024 * 1024  # one file as stored
MAX_OWNER_BYTES = 60 * 1024 * 1024  # all of one slip's / repair's / complaint's files
MAX_OWNER_FILES = 30
MAX_PIXELS = 60_000_000  # a larger picture is refused before it is decoded (memory)
MAX_LONG_SIDE = 2048  # pictures are downscaled to this on their long side
MAX_CAPTION = 500
KINDS = tuple(AttachmentKind)


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def type_issues(media_type: str | None, name: str = "") -> list[FieldIssue]:
    if media_type in IMAGE_TYPES or media_type in DOCUMENT_TYPES:
        return []
    shown = f"“{name}”" if name else ""
    return [FieldIssue("file", "type_not_allowed",
                       f"不能添加文件{shown}：只接受图片（JPEG、PNG、BMP、TIFF、GIF）和 PDF。",
                       f"Cannot add {shown or 'the file'}: only pictures (JPEG, PNG, BMP, "
                       "TIFF, GIF) and PDF files are accepted.")]


def input_size_issues(size: int) -> list[FieldIssue]:
    if size <= MAX_INPUT_BYTES:
        return []
    return [FieldIssue("file", "file_too_large",
                       f"文件太大（{_mb(size)}），最大 {_mb(MAX_INPUT_BYTES)}。",
                       f"The file is too large ({_mb(size)}); at most "
                       f"{_mb(MAX_INPUT_BYTES)}.")]


def pixel_issues(width: int, height: int) -> list[FieldIssue]:
    if width * height <= MAX_PIXELS:
        return []
    return [FieldIssue("file", "too_many_pixels",
                       f"图片像素过多（{width}×{height}），最多 {MAX_PIXELS // 1_000_000} "
                       "百万像素。",
                       f"The picture has too many pixels ({width}×{height}); at most "
                       f"{MAX_PIXELS // 1_000_000} megapixels.")]


def stored_size_issues(size: int, owner_bytes: int, owner_files: int) -> list[FieldIssue]:
    """`size`: the file as it would be stored; `owner_bytes`/`owner_files`: what its
    record already holds (removed attachments not counted)."""
    if size > MAX_FILE_BYTES:
        return [FieldIssue("file", "file_too_large",
                           f"文件太大（{_mb(size)}），每个文件最大 {_mb(MAX_FILE_BYTES)}。",
                           f"The file is too large ({_mb(size)}); each file may have at "
                           f"most {_mb(MAX_FILE_BYTES)}.")]
    if owner_files + 1 > MAX_OWNER_FILES:
        return [FieldIssue("file", "too_many_files",
                           f"每张单据最多 {MAX_OWNER_FILES} 个附件。",
                           f"A record may have at most {MAX_OWNER_FILES} attachments.")]
    if owner_bytes + size > MAX_OWNER_BYTES:
        return [FieldIssue("file", "owner_too_large",
                           f"附件总大小将超过每张单据 {_mb(MAX_OWNER_BYTES)} 的上限"
                           f"（已有 {_mb(owner_bytes)}）。",
                           f"The attachments would exceed {_mb(MAX_OWNER_BYTES)} for one "
                           f"record (it has {_mb(owner_bytes)} already).")]
    return []


def caption_issues(caption: str) -> list[FieldIssue]:
    if "\x00" in caption:
        return [FieldIssue("caption", "bad_character", "说明含有无效字符。",
                           "The caption contains an invalid character.")]
    if len(caption) > MAX_CAPTION:
        return [FieldIssue("caption", "too_long", f"说明不能超过 {MAX_CAPTION} 个字。",
                           f"The caption may have at most {MAX_CAPTION} characters.")]
    return []


def kind_issues(kind: str) -> list[FieldIssue]:
    if kind in KINDS:
        return []
    return [FieldIssue("kind", "invalid_choice", f"附件类别无效：{kind!r}。",
                       f"Invalid attachment kind: {kind!r} (one of {', '.join(KINDS)}).")]
