"""The original files of cited documents (the citation links)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from assistant.web.deps import actor_of, file_response, record, same, workspace_server

router = APIRouter(tags=["questions"])


@router.get("/sources/{path:path}")
def source(path: str, request: Request, t: str | None = None):
    """The original file of a cited document; PDF viewers open ``#page=N``. Needs a key of a user
    who sees the workspace, or the link token the UI puts on its citation links (it opens only that
    file of that workspace)."""
    actor = actor_of(request)
    server = workspace_server(request, actor)
    if actor is None and not (t is not None and same(t, server.source_token(path))):
        raise HTTPException(401, "missing or wrong key or link token", headers={"WWW-Authenticate": "Bearer"})
    request.state.actor = actor
    found = server.source_file(path)
    if found is None:
        raise HTTPException(404, f"no ingested document {path!r} on disk")
    record(request, server, "open source", {"path": path}, via_link=actor is None)
    return file_response(found, inline=True)
