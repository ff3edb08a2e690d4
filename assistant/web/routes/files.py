"""The original files of cited documents (the citation links)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.exceptions import HTTPException

from assistant.services import drafts
from assistant.web.deps import actor_of, caller_of, file_response, same, workspace_runtime

router = APIRouter(tags=["questions"])


@router.get("/sources/{path:path}")
def source(path: str, request: Request, t: str | None = None):
    """The original file of a cited document; PDF viewers open ``#page=N``. Needs a key of a user
    who sees the workspace, or the link token the UI puts on its citation links (it opens only that
    file of that workspace)."""
    actor = actor_of(request)
    runtime = workspace_runtime(request, actor)
    if actor is None and not (t is not None and same(t, runtime.source_token(path))):
        raise HTTPException(401, "missing or wrong key or link token", headers={"WWW-Authenticate": "Bearer"})
    request.state.actor = actor
    found = drafts.open_source(runtime, caller_of(request), path, via_link=actor is None)
    return file_response(found, inline=True)
