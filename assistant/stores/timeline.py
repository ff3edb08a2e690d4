"""The Focused Assessment's own timeline, per workspace: each contact with CBP (engagement letter,
entrance conference, requests for information, walkthroughs, sample selection, closing conference,
draft and final report, inquiries), its date, what it said and which findings it touched.

Kept in ``<workspace>/timeline.json``, written whole and replaced atomically under a file lock. A kind
is read whatever its case and whether its words are joined by spaces or hyphens ("CF-28" is a request
for information); a date must be a date, and not in the future (an event that has not happened is
not on the timeline).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import re
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from assistant import normalize as nz
from assistant.errors import BadInput

KINDS = (
    "engagement letter",
    "entrance conference",
    "request for information",
    "walkthrough",
    "sample selection",
    "closing conference",
    "draft report",
    "final report",
    "cbp inquiry",
    "other",
)
ALIASES = {"cf 28": "request for information", "cf28": "request for information", "rfi": "request for information"}


def kind_of(given: str) -> str:
    """The kind ``given`` names (case and spaces or hyphens aside), or ``BadInput`` listing the kinds."""
    words = " ".join(re.split(r"[\s_-]+", (given or "").strip().lower()))
    words = ALIASES.get(words, words)
    if words not in KINDS:
        raise BadInput(
            f"kind {given!r}: not a kind of contact; use one of: {', '.join(KINDS)} (or cf-28)", field="kind"
        )
    return words


def date_of(given: str, today: dt.date | None, field: str = "date") -> dt.date:
    """The date ``given`` says (YYYY-MM-DD or MM/DD/YYYY), not after ``today`` (when given); else ``BadInput``
    naming it."""
    try:
        day = nz.date(given)
    except ValueError:
        day = None
    if day is None:
        raise BadInput(f"{field} {given!r}: not a date (use YYYY-MM-DD)", field=field)
    if today is not None and day > today:
        raise BadInput(
            f"date {given!r}: in the future (today is {today.isoformat()}); record contacts that happened", field="date"
        )
    return day


@dataclass
class Event:
    id: str
    date: str  # ISO
    kind: str
    text: str
    findings: list[str] = field(default_factory=list)
    ends: str | None = None  # an entrance conference: the audit's estimated termination date, if set
    added: str = ""
    by: str = ""

    def public(self) -> dict:
        return asdict(self)


class Timeline:
    """The events of one workspace's timeline, in date order."""

    def __init__(self, workspace_root: Path):
        self.path = Path(workspace_root) / "timeline.json"

    def events(self) -> list[Event]:
        if not self.path.exists():
            return []
        try:
            raw = json.loads(self.path.read_text())
            return sorted((Event(**e) for e in raw.get("events", [])), key=lambda e: (e.date, e.added))
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            raise BadInput(
                f"{self.path}: the timeline file cannot be read ({exc}); fix or move it, nothing was changed",
                field="timeline",
            ) from None

    @contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_suffix(".lock"), "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def add(self, event: Event) -> Event:
        with self._locked():
            events = [asdict(e) for e in self.events()]
            event.id = event.id or uuid.uuid4().hex[:8]
            event.added = event.added or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            events.append(asdict(event))
            self._write(events)
        return event

    def remove(self, event_id: str) -> bool:
        with self._locked():
            events = self.events()
            kept = [asdict(e) for e in events if e.id != event_id]
            if len(kept) == len(events):
                return False
            self._write(kept)
        return True

    def _write(self, events: list[dict]) -> None:
        """The events, replacing the file whole (under the caller's lock): a reader sees the old or the new."""
        tmp = self.path.with_suffix(f".json.{os.getpid()}")
        tmp.write_text(json.dumps({"events": events}, indent=1))
        os.replace(tmp, self.path)
