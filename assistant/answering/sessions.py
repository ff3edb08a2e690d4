"""Conversations and the answers log: the turns of each session, and one line per answer given."""

from __future__ import annotations

import fcntl
import json
import re
import uuid
from pathlib import Path

from assistant.errors import BadRequest

_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Sessions:
    """Conversation turns per session id, one JSON file each under the workspace."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, session_id: str) -> Path:
        if not _SESSION_ID.match(session_id):
            raise BadRequest("session_id: letters, digits, '-' and '_' only, at most 64 characters", field="session_id")
        return self.directory / f"{session_id}.json"

    def load(self, session_id: str | None) -> tuple[str, list[dict]]:
        if not session_id:
            return uuid.uuid4().hex, []
        path = self._path(session_id)
        try:
            return session_id, json.loads(path.read_text())["turns"]
        except (OSError, ValueError, KeyError):
            return session_id, []

    def save(self, session_id: str, turns: list[dict]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(session_id)
        tmp = path.with_suffix(f".tmp{uuid.uuid4().hex[:6]}")
        tmp.write_text(json.dumps({"session_id": session_id, "turns": turns[-20:]}, default=str))
        tmp.replace(path)


class AnswerLog:
    """Append-only JSON lines, one per answer; appends are locked so concurrent askers lose nothing."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, entry: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, default=str, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.write(line)
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]
