"""Files sent to faprep (uploads to the API or the UI): their names checked, their bytes stored.

Names are refused, never rewritten: a path (``/``, ``\\``, ``..``), a hidden name or one with control
characters is a traversal attempt or a mistake the user should see. A file over the upload limit is
refused while it streams in (413). One refused file never loses the others.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

from assistant.errors import UploadRefused

UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".csv", ".xlsx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
REPORT_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,150}$")

Upload = tuple[str | None, Iterable[bytes]]  # (the file name as sent, its bytes in pieces)


def safe_upload_name(name: str | None, allowed: tuple[str, ...] = UPLOAD_SUFFIXES) -> str:
    """The file name an upload is stored under, or ``UploadRefused`` saying why not."""
    name = name or ""
    if not name.strip():
        raise UploadRefused("a file has no name")
    if "/" in name or "\\" in name or ".." in name or not _SAFE_NAME.match(name):
        raise UploadRefused(f"{name!r}: not a plain file name (letters, digits, space, . _ - ( ) + only; no folders)")
    if Path(name).suffix.lower() not in allowed:
        raise UploadRefused(f"{name}: type not accepted; use {', '.join(allowed)}")
    return name


def file_chunks(fh, size: int = 1 << 20) -> Iterator[bytes]:
    """The bytes of an open binary file in pieces, for :func:`store_upload`."""
    return iter(lambda: fh.read(size), b"")


def opened_files(paths: Iterable[str | Path]) -> Iterator[Upload]:
    """Files on this machine (the UI's uploads, already in Gradio's folder) as uploads, each open while stored."""
    for p in paths:
        path = Path(p)
        with path.open("rb") as fh:
            yield path.name, file_chunks(fh)


def store_upload(name: str, chunks: Iterable[bytes], folder: Path, limit: int, limit_mb: float) -> Path:
    """Write an upload's byte chunks to ``folder/name``, refusing it above ``limit`` bytes (413)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if target.resolve().parent != folder.resolve():  # belt and braces after safe_upload_name
        raise UploadRefused(f"{name!r}: not a plain file name")
    tmp = folder / f".{name}.{uuid.uuid4().hex[:8]}.part"
    size = 0
    try:
        with tmp.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise UploadRefused(f"{name}: larger than the upload limit of {limit_mb:g} MB", status=413)
                fh.write(chunk)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def receive_uploads(
    uploads: Iterable[Upload], folder: Path, limit: int, limit_mb: float
) -> tuple[list[Path], list[dict]]:
    """Store ``(file name, byte chunks)`` pairs in ``folder``: the stored paths, and the refused files
    with their status and reason."""
    stored, refused, seen = [], [], set()
    for given, chunks in uploads:
        try:
            name = safe_upload_name(given)
            if name in seen:
                raise UploadRefused(f"{name}: given twice in one upload")
            seen.add(name)
            stored.append(store_upload(name, chunks, folder, limit, limit_mb))
        except UploadRefused as exc:
            refused.append({"file": given, "status": exc.status, "reason": str(exc)})
    return stored, refused
