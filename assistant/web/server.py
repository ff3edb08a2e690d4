"""What `faprep serve` owns: the workspace's stores, the askers, upload jobs and the outputs.

The API and the UI both go through one ``Server``. Reading (questions, checks, drafts, status)
happens under a shared gate; an ingest job takes the gate alone, after closing the askers'
connections, so nothing reads a half-written store and DuckDB is never opened two ways at once
in this process. Another process (a CLI ``faprep ingest``) is refused by the workspace's writer
lock and by DuckDB's own file lock, with a message that names the running server.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import os
import queue
import re
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from assistant.config import Settings
from assistant.errors import Busy, UploadRefused
from assistant.stores.workspace import Workspace

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".pdf", ".docx", ".txt", ".md", ".csv", ".xlsx", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
REPORT_SUFFIXES = (".pdf", ".docx", ".txt", ".md")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()+-]{0,150}$")
_OUTPUT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
GATE_WAIT_S = 600.0


def safe_upload_name(name: str | None, allowed: tuple[str, ...] = UPLOAD_SUFFIXES) -> str:
    """The file name an upload is stored under, or ``UploadRefused`` saying why not.

    Names are refused, never rewritten: a path (``/``, ``\\``, ``..``), a hidden name or one
    with control characters is a traversal attempt or a mistake the user should see.
    """
    name = name or ""
    if not name.strip():
        raise UploadRefused("a file has no name")
    if "/" in name or "\\" in name or ".." in name or not _SAFE_NAME.match(name):
        raise UploadRefused(f"{name!r}: not a plain file name (letters, digits, space, . _ - ( ) + only; no folders)")
    if Path(name).suffix.lower() not in allowed:
        raise UploadRefused(f"{name}: type not accepted; use {', '.join(allowed)}")
    return name


def file_chunks(fh, size: int = 1 << 20):
    """The bytes of an open binary file in pieces, for ``Server.store_upload``."""
    return iter(lambda: fh.read(size), b"")


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


@dataclass
class Job:
    """An ingest of uploaded files, run in the background; its dict is what GET /api/jobs/{id} returns."""

    id: str
    files: list[str]
    refused: list[dict] = field(default_factory=list)  # uploads not stored: file, status, reason
    status: str = "queued"  # queued | running | done | failed
    created: str = field(default_factory=lambda: dt.datetime.now().isoformat(timespec="seconds"))
    finished: str | None = None
    phase: str = ""
    files_total: int = 0
    files_done: int = 0
    chunks_embedded: int = 0
    report: dict | None = None
    error: str | None = None

    def public(self) -> dict:
        d = dict(self.__dict__)
        d["progress"] = (
            round(self.files_done / self.files_total, 3)
            if self.files_total
            else (1.0 if self.status == "done" else 0.0)
        )
        return d


class _JobProgress:
    """The ingest pipeline's progress protocol, written onto a job."""

    def __init__(self, job: Job):
        self.job = job

    def start(self, total_files: int) -> None:
        self.job.files_total = total_files

    def file_done(self, outcome) -> None:
        self.job.files_done += 1

    def chunks_embedded(self, n: int) -> None:
        self.job.chunks_embedded += n

    def phase(self, text: str) -> None:
        self.job.phase = text


class Server:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.workspace = Workspace.of(settings)
        self.uploads = self.workspace.uploads
        self.outputs = self.workspace.outputs
        self.gate = Gate()
        self.jobs: dict[str, Job] = {}
        self._askers: queue.LifoQueue = queue.LifoQueue()
        self._asker_count = 0
        self._asker_lock = threading.Lock()

    # --- links ---------------------------------------------------------------------------------

    def source_token(self, path: str) -> str:
        """A link token that opens this one source file of this workspace, so a browser link works
        without the key header (an HMAC under a random secret kept in the home, made on first use)."""
        message = f"{self.settings.workspace}\n{path}".encode()
        return hmac.new(_link_secret(self.settings.home), message, hashlib.sha256).hexdigest()[:32]

    # --- questions ----------------------------------------------------------------------------

    @contextmanager
    def asker(self):
        """An ``Assistant`` for one question: up to ``serve_askers`` exist, each used by one thread at a time."""
        from assistant.answering.ask import Assistant

        with self.gate.read():
            try:
                a = self._askers.get_nowait()
            except queue.Empty:
                with self._asker_lock:
                    grow = self._asker_count < self.settings.serve_askers
                    if grow:
                        self._asker_count += 1
                if grow:
                    try:
                        a = Assistant(self.settings)
                    except BaseException:
                        with self._asker_lock:
                            self._asker_count -= 1
                        raise
                else:
                    a = self._askers.get(timeout=GATE_WAIT_S)
            try:
                yield a
            finally:
                self._askers.put(a)

    def _close_askers(self) -> None:
        """Under the write gate: no asker is in use, all are in the queue."""
        while True:
            try:
                a = self._askers.get_nowait()
            except queue.Empty:
                break
            a.close()
        with self._asker_lock:
            self._asker_count = 0

    def ask(self, question: str, session_id: str | None = None, filters=None):
        with self.asker() as a:
            return a.ask(question, session_id=session_id, filters=filters)

    # --- reading services ---------------------------------------------------------------------

    def status(self) -> dict:
        from assistant import services

        with self.gate.read():
            out = services.status(self.settings)
        out["jobs_running"] = [j.id for j in self.jobs.values() if j.status in ("queued", "running")]
        return out

    def checks(self, **kw):
        from assistant import services

        with self.gate.read():
            return services.run_checks(self.settings, **kw)

    def audit(self, **kw):
        from assistant import services

        with self.gate.read():
            return services.audit(self.settings, **kw)

    def draft_survey(self, questionnaire: Path | None = None):
        from assistant.drafting import survey as drafting

        with self.asker() as a:
            return drafting.draft_survey(self.settings, questionnaire, assistant=a)

    def draft_rebuttal(self, report: Path):
        from assistant.drafting import rebuttal

        with self.asker() as a:
            return rebuttal.draft_rebuttal(self.settings, report, assistant=a)

    @contextmanager
    def _records(self):
        """The workspace's records, read-only, under the read gate; None before the first ingest."""
        from assistant.stores.records import Records

        if not self.workspace.has_records():
            yield None
            return
        with self.gate.read(), Records(self.workspace.records, read_only=True) as rec:
            yield rec

    def source_file(self, path: str) -> Path | None:
        """The original file of an ingested document (by its key), if it is still on disk."""
        with self._records() as rec:
            p = rec.document_file(path) if rec else None
        return p if p and p.is_file() else None

    def documents(self, kind: str) -> list[str]:
        """Keys of the ingested documents of one kind (e.g. the FA draft reports)."""
        with self._records() as rec:
            return rec.documents_of_kind(kind) if rec else []

    # --- outputs ------------------------------------------------------------------------------

    def output_path(self, stem: str, suffix: str) -> Path:
        self.outputs.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return self.outputs / f"{stem}-{stamp}-{uuid.uuid4().hex[:6]}{suffix}"

    def save_draft(self, draft, write, stem: str, suffixes=(".docx", ".md", ".json")) -> dict[str, Path]:
        """``write(draft, settings, path)`` once per suffix into the outputs folder: {suffix without dot: path}."""
        out = {}
        for suffix in suffixes:
            out[suffix[1:]] = path = self.output_path(stem, suffix)
            write(draft, self.settings, path)
        return out

    def export_findings(self, fmt: str, **filters) -> Path:
        """The checks' findings report (xlsx, md or json) in the outputs folder."""
        from assistant.checks import report

        path = self.output_path("findings", f".{fmt}")
        report.write(self.checks(**filters), path)
        return path

    def output_file(self, name: str) -> Path | None:
        if not _OUTPUT_NAME.match(name or "") or ".." in name:
            return None
        p = self.outputs / name
        return p if p.is_file() else None

    # --- uploads and ingest jobs --------------------------------------------------------------

    @property
    def upload_limit(self) -> int:
        return int(self.settings.max_upload_mb * 1024 * 1024)

    def store_upload(self, name: str, chunks, folder: Path) -> Path:
        """Write an upload's byte chunks to ``folder/name`` (inside the workspace), refusing it above the limit."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if target.resolve().parent != folder.resolve():  # belt and braces after safe_upload_name
            raise UploadRefused(f"{name!r}: not a plain file name")
        tmp = folder / f".{name}.{uuid.uuid4().hex[:8]}.part"
        size = 0
        try:
            with tmp.open("wb") as fh:
                for chunk in chunks:
                    size += len(chunk)
                    if size > self.upload_limit:
                        raise UploadRefused(
                            f"{name}: larger than the upload limit of {self.settings.max_upload_mb:g} MB", status=413
                        )
                    fh.write(chunk)
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def receive_uploads(self, uploads) -> tuple[list[Path], list[dict]]:
        """Store ``(file name, byte chunks)`` pairs under uploads/: the stored paths, and the refused
        files with their status and reason. One refused file never loses the others."""
        stored, refused, seen = [], [], set()
        for given, chunks in uploads:
            try:
                name = safe_upload_name(given)
                if name in seen:
                    raise UploadRefused(f"{name}: given twice in one upload")
                seen.add(name)
                stored.append(self.store_upload(name, chunks, self.uploads))
            except UploadRefused as exc:
                refused.append({"file": given, "status": exc.status, "reason": str(exc)})
        return stored, refused

    def start_ingest(self, files: list[Path], refused: list[dict] | None = None) -> Job:
        job = Job(id=uuid.uuid4().hex[:12], files=[f.name for f in files], refused=list(refused or []))
        self.jobs[job.id] = job
        threading.Thread(target=self._run_ingest, args=(job, files), name=f"ingest-{job.id}", daemon=True).start()
        return job

    def _run_ingest(self, job: Job, files: list[Path]) -> None:
        from assistant import services

        with self.gate.write():  # one writer at a time: a second job waits here
            job.status = "running"
            self._close_askers()
            try:
                report = services.ingest(self.settings, files, progress=_JobProgress(job))
                job.report = report.to_dict()
                job.status = "done"
            except Exception as exc:  # noqa: BLE001 - any failure is the job's result, shown to the user
                log.exception("ingest job %s failed", job.id)
                job.error = str(exc) or exc.__class__.__name__
                job.status = "failed"
            finally:
                job.finished = dt.datetime.now().isoformat(timespec="seconds")
                self._save_job(job)

    def _save_job(self, job: Job) -> None:
        folder = self.workspace.jobs
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{job.id}.json").write_text(json.dumps(job.public(), indent=1, default=str))

    def job(self, job_id: str) -> Job | None:
        if job_id in self.jobs:
            return self.jobs[job_id]
        if not re.fullmatch(r"[0-9a-f]{12}", job_id or ""):
            return None
        path = self.workspace.jobs / f"{job_id}.json"
        if path.is_file():
            d = json.loads(path.read_text())
            d.pop("progress", None)
            return Job(**d)
        return None

    def close(self) -> None:
        with self.gate.write():
            self._close_askers()


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


_WORKSPACE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class Servers:
    """Every workspace under ``FAPREP_HOME``, one ``Server`` each, made when first used; and the
    server-wide activity log (who did what, :mod:`assistant.stores.activity`)."""

    def __init__(self, settings: Settings, default: Server | None = None):
        from assistant.stores.activity import ActivityLog

        self.settings = settings
        self.default = settings.workspace
        self.activity = ActivityLog(settings.home / "activity.jsonl")
        self._servers: dict[str, Server] = {self.default: default} if default else {}
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

    def record(self, actor, workspace: str, action: str, inputs: dict | None, source: str | None, **extra) -> None:
        """One entry in the activity log for ``actor`` (None: someone with a link token), API and UI alike."""
        self.activity.append(
            actor.name if actor else "(link token)",
            workspace,
            action,
            inputs,
            via=(extra.pop("via_prefix", "") + actor.via) if actor else None,
            source=source,
            **extra,
        )

    def get(self, name: str | None = None) -> Server:
        """The server of workspace ``name`` (the default when None); ``LookupError`` when there is no such workspace."""
        name = name or self.default
        if not self.exists(name):
            raise LookupError(name)
        with self._lock:
            if name not in self._servers:
                self._servers[name] = Server(self.settings.model_copy(update={"workspace": name}))
            return self._servers[name]

    def close(self) -> None:
        for server in list(self._servers.values()):
            server.close()
