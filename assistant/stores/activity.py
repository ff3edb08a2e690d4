"""Who did what: an append-only, hash-chained log of every answer, ingest, check run, mock audit,
draft, export and download, with the user, the workspace, the time and the inputs.

One JSON line per entry in ``FAPREP_HOME/activity.jsonl``. Each entry carries ``seq`` (1, 2, ...),
``prev`` (the hash of the entry before; 64 zeros for the first) and ``hash``: the SHA-256 of
``prev`` and the entry's other fields as canonical JSON. Changing, removing or reordering a line
breaks the chain at that line, which :func:`ActivityLog.verify` names. Appends are serialised
with a file lock, so several processes (the server, the CLI) write one chain.

A chain proves the order and integrity of what is in it, not that its last lines were not cut off
or rewritten together with their hashes: keep the hash ``faprep log verify`` prints (e.g. in the
compliance file) to anchor it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

GENESIS = "0" * 64


def _digest(prev: str, body: dict) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256((prev + canonical).encode()).hexdigest()


@dataclass
class Problem:
    line: int
    reason: str


class ActivityLog:
    def __init__(self, path: Path):
        self.path = path

    def append(self, user: str, workspace: str | None, action: str, inputs: dict | None = None, **extra) -> dict:
        """Add one entry at the end of the chain and return it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                last = _last_line(fh)
                prev, seq = (GENESIS, 0) if last is None else (last["hash"], int(last["seq"]))
                body = {
                    "seq": seq + 1,
                    "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "user": user,
                    "workspace": workspace,
                    "action": action,
                    "inputs": inputs or {},
                    **extra,
                    "prev": prev,
                }
                entry = {**body, "hash": _digest(prev, body)}
                fh.seek(0, os.SEEK_END)
                fh.write((json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode())
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        return entry

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]

    def verify(self) -> tuple[int, str | None, Problem | None]:
        """(entries checked, the last hash, the first problem or None)."""
        if not self.path.exists():
            return 0, None, None
        prev, n = GENESIS, 0
        for n, line in enumerate(self.path.read_text(encoding="utf-8").splitlines(), start=1):
            try:
                entry = json.loads(line)
                body = {k: v for k, v in entry.items() if k != "hash"}
                stated = entry["hash"]
            except (ValueError, KeyError, AttributeError):
                return n - 1, prev, Problem(n, "not an entry of the log (unreadable JSON or no hash)")
            if body.get("seq") != n:
                return (
                    n - 1,
                    prev,
                    Problem(n, f"sequence number {body.get('seq')} where {n} was expected (a line removed or moved)"),
                )
            if body.get("prev") != prev:
                return n - 1, prev, Problem(n, "does not follow the line before (a line removed, moved or changed)")
            if _digest(prev, body) != stated:
                return n - 1, prev, Problem(n, "its content does not match its hash (the line was changed)")
            prev = stated
        return n, prev, None

    def seq_of(self, digest: str) -> int | None:
        """The sequence number of the entry whose hash is (or starts with, 16 characters at least)
        ``digest``: an anchor kept elsewhere shows that the log still reaches it."""
        digest = digest.strip().lower()
        if len(digest) < 16 or not self.path.exists():
            return None
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and str(entry.get("hash", "")).startswith(digest):
                return int(entry.get("seq", 0))
        return None


def _last_line(fh) -> dict | None:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    if size == 0:
        return None
    block = min(size, 1 << 16)
    while True:
        fh.seek(size - block)
        tail = fh.read(block).rstrip(b"\n")
        if b"\n" in tail or block == size:
            return json.loads(tail.rsplit(b"\n", 1)[-1])
        block = min(size, block * 2)


def select(entries: list[dict], user: str | None = None, since: dt.date | None = None) -> list[dict]:
    """The entries of one user, from one day on (UTC dates)."""
    return [
        e
        for e in entries
        if (user is None or e.get("user") == user)
        and (since is None or str(e.get("time", ""))[:10] >= since.isoformat())
    ]
