"""What a running faprep holds open for a workspace, and for every workspace of a home.

A :class:`WorkspaceRuntime` is one workspace's stores in use: the askers (``Assistant`` objects with
their connections), the background ingest jobs, the outputs folder and the read/write gate. The CLI
makes one for a command; ``faprep serve`` keeps one per workspace in a :class:`Home`, and the API and
the UI share it. Reading (questions, checks, drafts, status) happens under a shared gate; an ingest
job takes the gate alone, after closing the askers' connections, so nothing reads a half-written
store and DuckDB is never opened two ways at once in this process. Another process (a CLI
``faprep ingest``) is refused by the workspace's writer lock and by DuckDB's own file lock, with a
message that names the running server.

Who acts is a :class:`Caller`; :meth:`WorkspaceRuntime.record` writes the one activity entry of each
action (the service functions call it, never an interface).
"""

from __future__ import annotations

import datetime as dt
import functools
import getpass
import hashlib
import hmac
import os
import queue
import re
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import Busy
from assistant.stores.activity import ActivityLog
from assistant.stores.workspace import Workspace

GATE_WAIT_S = 600.0
_OUTPUT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
_WORKSPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Caller:
    """Who performs an action, as the activity log names them: ``user`` (a user's name, ``cli:<os user>``,
    or ``(link token)``), how they came (``via``: key, admin-key, sso, open, ui/key ...; None on the
    command line) and from where (``source``: the client's address)."""

    user: str
    via: str | None = None
    source: str | None = None

    @classmethod
    def command_line(cls) -> Caller:
        """The operating-system user running a ``faprep`` command."""
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container)
            who = str(os.getuid())
        return cls(f"cli:{who}")


class Gate:
    """Many readers or one writer; a writer waiting blocks new readers, so an ingest is not starved."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._writers_waiting = 0

    @contextmanager
    def read(self, timeout: float = GATE_WAIT_S):
        with self._cond:
            if not self._cond.wait_for(lambda: not self._writer and not self._writers_waiting, timeout):
                raise Busy("an ingest is running in this workspace; try again when it has finished")
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self):
        with self._cond:
            self._writers_waiting += 1
            self._cond.wait_for(lambda: not self._writer and self._readers == 0)
            self._writers_waiting -= 1
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class WorkspaceRuntime:
    """One workspace's stores in use: askers, jobs, outputs, the gate, and the activity log it writes to."""

    def __init__(self, settings: Settings, activity: ActivityLog | None = None):
        self.settings = settings
        self.workspace = Workspace.of(settings)
        self.uploads = self.workspace.uploads
        self.outputs = self.workspace.outputs
        self.activity = activity or ActivityLog(settings.home / "activity.jsonl")
        self.gate = Gate()
        self.jobs: dict = {}  # job id -> assistant.services.jobs.Job
        self._askers: queue.LifoQueue = queue.LifoQueue()
        self._asker_count = 0
        self._asker_lock = threading.Lock()

    @property
    def name(self) -> str:
        return self.settings.workspace

    def record(self, caller: Caller, action: str, inputs: dict | None, *, home_wide: bool = False, **extra) -> None:
        """The activity entry of one action: the caller, this workspace (none for ``home_wide`` actions
        such as managing users), the action, its inputs (empty values left out) and what it produced."""
        kept = {k: v for k, v in (inputs or {}).items() if v not in (None, [], "", {})}
        if caller.via is not None or caller.source is not None:
            extra = {"via": caller.via, "source": caller.source, **extra}
        self.activity.append(caller.user, None if home_wide else self.name, action, kept, **extra)

    # --- links ---------------------------------------------------------------------------------

    def source_token(self, path: str) -> str:
        """A link token that opens this one source file of this workspace, so a browser link works
        without the key header (an HMAC under a random secret kept in the home, made on first use)."""
        message = f"{self.settings.workspace}\n{path}".encode()
        return hmac.new(_link_secret(self.settings.home), message, hashlib.sha256).hexdigest()[:32]

    # --- askers ---------------------------------------------------------------------------------

    @contextmanager
    def asker(self):
        """An ``Assistant`` for one question: up to ``serve_askers`` exist, each used by one thread at a time."""
        with self.gate.read():
            a = self._take_asker()
            try:
                yield a
            finally:
                self._askers.put(a)

    def _take_asker(self):
        from assistant.answering.ask import Assistant

        try:
            return self._askers.get_nowait()
        except queue.Empty:
            pass
        with self._asker_lock:
            grow = self._asker_count < self.settings.serve_askers
            if grow:
                self._asker_count += 1
        if not grow:
            return self._askers.get(timeout=GATE_WAIT_S)
        try:
            return Assistant(self.settings)
        except BaseException:
            with self._asker_lock:
                self._asker_count -= 1
            raise

    def close_askers(self) -> None:
        """Under the write gate: no asker is in use, all are in the queue."""
        while True:
            try:
                a = self._askers.get_nowait()
            except queue.Empty:
                break
            a.close()
        with self._asker_lock:
            self._asker_count = 0

    @contextmanager
    def records(self):
        """The workspace's records, read-only, under the read gate; None before the first ingest."""
        from assistant.stores.records import Records

        if not self.workspace.has_records():
            yield None
            return
        with self.gate.read(), Records(self.workspace.records, read_only=True) as rec:
            yield rec

    def source_file(self, path: str) -> Path | None:
        """The original file of an ingested document (by its key), if it is still on disk."""
        with self.records() as rec:
            p = rec.document_file(path) if rec else None
        return p if p and p.is_file() else None

    def documents(self, kind: str) -> list[str]:
        """Keys of the ingested documents of one kind (e.g. the FA draft reports)."""
        with self.records() as rec:
            return rec.documents_of_kind(kind) if rec else []

    # --- outputs ------------------------------------------------------------------------------

    def output_path(self, stem: str, suffix: str) -> Path:
        self.outputs.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.outputs / f"{stem}-{stamp}-{uuid.uuid4().hex[:6]}{suffix}"

    def output_file(self, name: str) -> Path | None:
        if not _OUTPUT_NAME.match(name or "") or ".." in name:
            return None
        p = self.outputs / name
        return p if p.is_file() else None

    @property
    def upload_limit(self) -> int:
        return int(self.settings.max_upload_mb * 1024 * 1024)

    def close(self) -> None:
        with self.gate.write():
            self.close_askers()


@functools.lru_cache(maxsize=8)
def _link_secret(home: Path) -> bytes:
    path = home / ".link-secret"
    if not path.exists():
        # written whole to a file of its own, then linked into place: a process starting meanwhile
        # reads either no secret file or the whole secret, never an empty one
        home.mkdir(parents=True, exist_ok=True)
        tmp = home / f".link-secret.{os.getpid()}.{threading.get_ident()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, os.urandom(32).hex().encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # made by another thread or process meanwhile: theirs is the secret
        finally:
            tmp.unlink()
    return path.read_bytes().strip()


class Home:
    """Every workspace under ``FAPREP_HOME``, one :class:`WorkspaceRuntime` each, made when first used,
    sharing the home's activity log (who did what, :mod:`assistant.stores.activity`)."""

    def __init__(self, settings: Settings, default: WorkspaceRuntime | None = None):
        self.settings = settings
        self.default = settings.workspace
        self.activity = ActivityLog(settings.home / "activity.jsonl")
        if default is not None:
            default.activity = self.activity
        self._runtimes: dict[str, WorkspaceRuntime] = {self.default: default} if default else {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """The workspaces there are: folders under the home with records or an index, and the default."""
        home = self.settings.home
        found = {p.name for p in home.iterdir() if self.exists(p.name)} if home.is_dir() else set()
        return sorted(found | {self.default})

    def exists(self, name: str) -> bool:
        """``name`` is the default workspace, or a folder under the home with records or an index."""
        if not _WORKSPACE_NAME.match(name or ""):
            return False
        folder = self.settings.home / name
        return name == self.default or any((folder / n).exists() for n in ("records.duckdb", "chroma"))

    def get(self, name: str | None = None) -> WorkspaceRuntime:
        """The runtime of workspace ``name`` (the default when None); ``LookupError`` when there is no such workspace."""
        name = name or self.default
        if not self.exists(name):
            raise LookupError(name)
        with self._lock:
            if name not in self._runtimes:
                settings = self.settings.model_copy(update={"workspace": name})
                self._runtimes[name] = WorkspaceRuntime(settings, self.activity)
            return self._runtimes[name]

    def close(self) -> None:
        for runtime in list(self._runtimes.values()):
            runtime.close()
