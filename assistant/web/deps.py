"""What every router shares: the ``Server`` of the app, the API key check, file responses."""

from __future__ import annotations

import hmac
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

from assistant.web.server import Server

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


def get_server(request: Request) -> Server:
    return request.app.state.server


def bearer(request: Request) -> str | None:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else None


def require_key(request: Request) -> None:
    """Every ``/api`` route: ``Authorization: Bearer <FAPREP_API_KEY>`` when a key is set (401 otherwise)."""
    server = get_server(request)
    if server.key is None:
        return
    if not server.key_ok(bearer(request)):
        raise HTTPException(
            401,
            "missing or wrong API key: send 'Authorization: Bearer <FAPREP_API_KEY>'",
            headers={"WWW-Authenticate": "Bearer"},
        )


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def file_response(path: Path, inline: bool = False) -> FileResponse:
    if inline:
        return FileResponse(path, media_type=media_type(path), content_disposition_type="inline", filename=path.name)
    return FileResponse(path, media_type=media_type(path), filename=path.name)
