"""The workspaces a user sees; for admins, the users and the activity log."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query, Request

router = APIRouter(tags=["people"])


@router.get("/workspaces")
def workspaces(request: Request) -> dict:
    """The workspaces of this server the caller may use, and the default one."""
    home, actor = request.app.state.home, request.state.actor
    return {
        "user": actor.name,
        "role": actor.role,
        "default": home.default,
        "workspaces": [w for w in home.names() if actor.sees(w)],
    }


@router.get("/users")
def users(request: Request) -> dict:
    """Every user: name, role, workspaces granted, when made and when their key was (never the key)."""
    from assistant.services.people import list_users

    return {"users": list_users(request.app.state.home.settings)}


@router.get("/log")
def log(
    request: Request,
    user: str | None = None,
    since: dt.date | None = None,
    limit: int = Query(default=500, ge=1, le=10_000),
) -> dict:
    """The last entries of the activity log (who did what), newest last; and whether its chain is intact."""
    from assistant.services import people

    log = request.app.state.home.activity
    checked, last, problem = people.verify(log)
    entries = people.activity(log, user=user, since=since)[-limit:]
    return {
        "entries": entries,
        "chain": {"entries": checked, "last_hash": last, "intact": problem is None}
        | ({"first_bad_line": problem.line, "reason": problem.reason} if problem else {}),
    }
