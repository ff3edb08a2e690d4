"""The people who use ``faprep serve``: names, roles, workspaces granted and their keys' hashes.

One file for the whole server, ``FAPREP_HOME/users.json``, written whole (to a temporary file, then
renamed) under a lock. A key is shown once, when it is made; the file keeps only a salted scrypt
hash of it (``hashlib.scrypt``, n=2**14, r=8, p=1) and the key's public id, the part before the
dot (``fp_<id>.<secret>``), by which the user is found without trying every hash. Comparisons are
constant-time (``hmac.compare_digest``).

Roles, in order: ``viewer`` (ask, read findings, audit results and drafts), ``preparer`` (also
upload and ingest, run checks and mock audits, draft and export), ``admin`` (also users and
workspaces, and every workspace). A viewer or preparer sees only the workspaces granted.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant.errors import BadInput

ROLES = ("viewer", "preparer", "admin")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


def rank(role: str) -> int:
    return ROLES.index(role)


@dataclass
class User:
    name: str
    role: str
    workspaces: list[str] = field(default_factory=list)
    key_id: str = ""
    key_hash: str = ""  # scrypt$<salt b64>$<hash b64>
    created: str = ""
    key_made: str = ""

    def public(self) -> dict:
        return {
            "name": self.name,
            "role": self.role,
            "workspaces": ["*"] if self.role == "admin" else self.workspaces,
            "created": self.created,
            "key_made": self.key_made,
        }


def hash_key(secret: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, **_SCRYPT)
    return f"scrypt${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def key_matches(secret: str, stored: str) -> bool:
    try:
        kind, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    given = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), **_SCRYPT)
    return hmac.compare_digest(given, base64.b64decode(digest))


def split_key(key: str | None) -> tuple[str, str] | None:
    """``(public id, secret)`` of a key of the shape ``fp_<id>.<secret>``, else None."""
    if not key or not key.startswith("fp_") or "." not in key:
        return None
    key_id, _, secret = key[3:].partition(".")
    return (key_id, secret) if key_id and secret else None


class Users:
    """The users file of a ``FAPREP_HOME``."""

    def __init__(self, home: Path):
        self.path = home / "users.json"
        self._cache: tuple[float, dict[str, User]] | None = None
        # keys verified in this process: sha256 of the key -> (name, the stored hash it matched), so a
        # key costs one scrypt per process, and a rotated or removed key fails at once
        self._verified: dict[str, tuple[str, str]] = {}

    # --- reading ----------------------------------------------------------------------------

    def all(self) -> dict[str, User]:
        """Every user by name; re-read when the file changed (another process added or rotated)."""
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if self._cache is None or self._cache[0] != mtime:
            raw = json.loads(self.path.read_text(encoding="utf-8") or "{}")
            self._cache = (mtime, {u["name"]: User(**u) for u in raw.get("users", [])})
        return self._cache[1]

    def get(self, name: str) -> User | None:
        return self.all().get(name)

    def by_key(self, key: str | None) -> User | None:
        """The user whose key this is, or None (unknown, removed or rotated)."""
        parts = split_key(key)
        if parts is None or key is None:
            return None
        users = self.all()
        seen = hashlib.sha256(key.encode()).hexdigest()
        if seen in self._verified:
            name, stored = self._verified[seen]
            user = users.get(name)
            if user is not None and hmac.compare_digest(user.key_hash, stored):
                return user
            del self._verified[seen]
        key_id, secret = parts
        for user in users.values():
            if hmac.compare_digest(user.key_id, key_id):
                if key_matches(secret, user.key_hash):
                    self._verified[seen] = (user.name, user.key_hash)
                    return user
                return None
        return None

    # --- changing ---------------------------------------------------------------------------

    def add(self, name: str, role: str, workspaces: list[str], now: str) -> tuple[User, str]:
        """A new user and their key (shown once)."""
        if not _NAME.match(name or ""):
            raise BadInput(f"{name!r}: a user name is letters, digits and . _ @ - (up to 64)", field="name")
        if role not in ROLES:
            raise BadInput(f"unknown role {role!r}; use {', '.join(ROLES)}", field="role")
        with self._editing() as users:
            if name in users:
                raise BadInput(
                    f"user {name!r} already exists; use `faprep users key {name}` for a new key", field="name"
                )
            user = User(name=name, role=role, workspaces=sorted(set(workspaces)), created=now)
            key = self._new_key(user, now)
            users[name] = user
        return user, key

    def rotate(self, name: str, now: str) -> str:
        """A new key for ``name``; the old one stops working at once."""
        with self._editing() as users:
            user = self._existing(users, name)
            return self._new_key(user, now)

    def remove(self, name: str) -> None:
        with self._editing() as users:
            self._existing(users, name)
            del users[name]

    @staticmethod
    def _existing(users: dict[str, User], name: str) -> User:
        if name not in users:
            raise BadInput(f"no user {name!r}; see `faprep users list`", field="name")
        return users[name]

    @staticmethod
    def _new_key(user: User, now: str) -> str:
        key_id, secret = secrets.token_hex(6), secrets.token_urlsafe(24)
        user.key_id, user.key_hash, user.key_made = key_id, hash_key(secret), now
        return f"fp_{key_id}.{secret}"

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._cache = None
            users = dict(self.all())
            yield users
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(
                json.dumps({"users": [asdict(u) for u in users.values()]}, indent=1, ensure_ascii=False),
                encoding="utf-8",
            )
            os.chmod(tmp, 0o600)
            tmp.replace(self.path)
            self._cache = None
