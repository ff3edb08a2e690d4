"""The people who use ``faprep serve`` (add, rotate a key, remove, list) and the activity log they
leave (who did what, and whether its chain is intact). Managing users acts on the whole home, so
its activity entries name no workspace."""

from __future__ import annotations

import datetime as dt

from assistant.config import Settings
from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.stores.activity import ActivityLog, Problem, select
from assistant.stores.users import User, Users


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def add_user(
    runtime: WorkspaceRuntime, caller: Caller, name: str, role: str, workspaces: list[str]
) -> tuple[User, str]:
    """A new user and their key (shown once; only its hash is kept); logged as ``users add``."""
    user, key = Users(runtime.settings.home).add(name, role, workspaces, _now())
    runtime.record(caller, "users add", {"name": name, "role": role, "workspaces": workspaces}, home_wide=True)
    return user, key


def rotate_key(runtime: WorkspaceRuntime, caller: Caller, name: str) -> str:
    """A new key for ``name``; the old one stops working at once. Logged as ``users key``."""
    key = Users(runtime.settings.home).rotate(name, _now())
    runtime.record(caller, "users key", {"name": name}, home_wide=True)
    return key


def remove_user(runtime: WorkspaceRuntime, caller: Caller, name: str) -> None:
    """Remove ``name``; their key stops working at once. Logged as ``users remove``."""
    Users(runtime.settings.home).remove(name)
    runtime.record(caller, "users remove", {"name": name}, home_wide=True)


def list_users(settings: Settings) -> list[dict]:
    """Every user: name, role, workspaces, when added and when their key was made (never the key)."""
    return [u.public() for u in Users(settings.home).all().values()]


def activity(log: ActivityLog, user: str | None = None, since: dt.date | None = None) -> list[dict]:
    """The entries of the activity log, of one user and from one day on when given."""
    return select(log.entries(), user=user, since=since)


def verify(log: ActivityLog) -> tuple[int, str | None, Problem | None]:
    """(entries checked, the last hash, the first problem or None)."""
    return log.verify()
