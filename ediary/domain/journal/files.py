"""What an attached file really is, judged by its bytes, and whether it may be attached.

The name a browser sends is a claim; the first bytes are evidence. A file is accepted only
when its bytes are of an allowed type and its name's extension agrees with them.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

# MIME type -> extensions a file of that type may carry.
ALLOWED: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({".pdf"}),
    "image/png": frozenset({".png"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/gif": frozenset({".gif"}),
    "image/webp": frozenset({".webp"}),
    "text/plain": frozenset({".txt"}),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": frozenset({".docx"}),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": frozenset({".xlsx"}),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": frozenset(
        {".pptx"}
    ),
    "application/vnd.oasis.opendocument.text": frozenset({".odt"}),
    "application/vnd.oasis.opendocument.spreadsheet": frozenset({".ods"}),
    "application/vnd.oasis.opendocument.presentation": frozenset({".odp"}),
}

_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


# The longest `mimetype` member an OpenDocument file has is under 80 bytes. Members are read
# at most this far: a small archive can inflate a member to gigabytes (a zip bomb).
MIMETYPE_BYTES = 128


def _mimetype(archive: zipfile.ZipFile) -> str | None:
    """The `mimetype` member of an OpenDocument file, None when it is not one plausibly."""
    if archive.getinfo("mimetype").file_size > MIMETYPE_BYTES:
        return None
    # The size in the directory is the archive's claim: the read is bounded regardless.
    with archive.open("mimetype") as member:
        raw = member.read(MIMETYPE_BYTES + 1)
    if len(raw) > MIMETYPE_BYTES:
        return None
    kind = raw.decode("ascii", "replace").strip()
    return kind if kind.startswith("application/vnd.oasis.opendocument.") else None


def _zip_type(data: bytes) -> str | None:
    # OOXML is told by its members' names alone; no member of it is decompressed.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                return _mimetype(archive)
            if "[Content_Types].xml" in names:
                for prefix, kind in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, ValueError, NotImplementedError, EOFError, OSError):
        return None
    return None


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t\f" for ch in text)


def sniff(data: bytes) -> str | None:
    """The MIME type the bytes show, among the allowed ones; None for anything else."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _is_text(data):
        return "text/plain"
    return None


@dataclass(frozen=True)
class Verdict:
    content_type: str | None
    problem: str | None
    # A stable code for the refusal, such as FILE_TOO_LARGE.
    code: str = "BAD_USER_INPUT"


def check(filename: str, data: bytes, limit: int) -> Verdict:
    """Whether a file may be attached, and its true type when it may. It reads the whole
    file (and perhaps a member of an archive): call it off the event loop."""
    if not data:
        return Verdict(None, "The file is empty.", "FILE_EMPTY")
    if len(data) > limit:
        return Verdict(None, f"The file is larger than {_size(limit)}.", "FILE_TOO_LARGE")
    kind = sniff(data)
    if kind is None:
        return Verdict(None, "Files of this type cannot be attached.", "FILE_TYPE_NOT_ALLOWED")
    if PurePath(filename).suffix.lower() not in ALLOWED[kind]:
        return Verdict(None, "The file's name does not match its contents.", "FILE_NAME_MISMATCH")
    return Verdict(kind, None)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def clean_name(filename: str) -> str:
    """The last part of the name, without directories, at most 255 characters."""
    name = PurePath(filename.replace("\\", "/")).name.strip() or "file"
    return name[-255:]
