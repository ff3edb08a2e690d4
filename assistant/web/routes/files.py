"""The original files of cited documents (the citation links)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.exceptions import HTTPException

from assistant.web.deps import bearer, file_response, get_server, same
from assistant.web.server import Server

router = APIRouter(prefix="/api", tags=["questions"])


@router.get("/sources/{path:path}")
def source(path: str, request: Request, t: str | None = None, server: Server = Depends(get_server)):
    """The original file of a cited document; PDF viewers open ``#page=N``. Needs the API key, or
    the link token the UI puts on its citation links (it opens only that file)."""
    allowed = (
        server.key is None or server.key_ok(bearer(request)) or (t is not None and same(t, server.source_token(path)))
    )
    if not allowed:
        raise HTTPException(401, "missing or wrong API key or link token", headers={"WWW-Authenticate": "Bearer"})
    found = server.source_file(path)
    if found is None:
        raise HTTPException(404, f"no ingested document {path!r} on disk")
    return file_response(found, inline=True)
