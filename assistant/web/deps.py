"""What every router shares: who is asking and may they (``guard``), the ``WorkspaceRuntime`` of the
workspace a route names, the ``Caller`` the services log, file responses."""

from __future__ import annotations

import hmac
from pathlib import Path

from fastapi import Request
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException

from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.web.access import Actor

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


def bearer(request: Request) -> str | None:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else None


def actor_of(request: Request) -> Actor | None:
    """Who makes the request (see ``assistant.web.access``), or None when unknown."""
    keeper = request.app.state.gatekeeper
    client = request.client.host if request.client else None
    actor = keeper.from_proxy(client, request.headers) or keeper.from_key(bearer(request))
    if actor is None and keeper.open:
        actor = keeper.local()
    return actor


def guard(request: Request) -> Actor:
    """Every ``/api`` route: 401 without a valid key, 403 when the actor's role is below the route's rule."""
    actor = actor_of(request)
    if actor is None:
        raise HTTPException(
            401,
            "missing, wrong, rotated or removed key: send 'Authorization: Bearer <your key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    lacking = actor.lacks(request.method, getattr(request.scope.get("route"), "path", ""))
    if lacking:
        raise HTTPException(
            403, f"{actor.name} ({actor.role}) may not {request.method} {request.url.path}: needs {lacking}"
        )
    request.state.actor = actor
    return actor


def workspace_runtime(request: Request, actor: Actor | None) -> WorkspaceRuntime:
    """The runtime of the workspace in the path (``/api/w/{workspace}/...``), else of the default
    one; 404 for a workspace that does not exist or that ``actor`` is not granted (never its data).
    ``actor`` None: someone with a link token, who is checked by the route."""
    home = request.app.state.home
    name = request.path_params.get("workspace") or home.default
    if actor is not None and not actor.sees(name):
        raise HTTPException(404, f"no workspace {name!r} for you")
    try:
        return home.get(name)
    except LookupError:
        raise HTTPException(404, f"no workspace {name!r} for you") from None


def get_runtime(request: Request) -> WorkspaceRuntime:
    """The runtime of the route's workspace for the actor ``guard`` found."""
    return workspace_runtime(request, request.state.actor)


def api_base(request: Request) -> str:
    """``/api`` or ``/api/w/{workspace}``: where links in a response point."""
    name = request.path_params.get("workspace")
    return f"/api/w/{name}" if name else "/api"


def caller_of(request: Request) -> Caller:
    """Who the services log for this request: the actor ``guard`` found (None: someone with a link token)."""
    actor = getattr(request.state, "actor", None)
    source = request.client.host if request.client else None
    if actor is None:
        return Caller("(link token)", source=source)
    return Caller(actor.name, via=actor.via, source=source)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


def file_response(path: Path, inline: bool = False) -> FileResponse:
    if inline:
        return FileResponse(path, media_type=media_type(path), content_disposition_type="inline", filename=path.name)
    return FileResponse(path, media_type=media_type(path), filename=path.name)
