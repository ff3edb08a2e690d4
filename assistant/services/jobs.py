"""Ingest jobs: uploaded files ingested in the background while the server goes on answering.

A job takes the workspace's gate alone (one writer at a time; a second job waits), closes the askers'
connections, runs the ingest with its progress written onto the job, and keeps its report in memory
and in ``<workspace>/jobs/<id>.json`` (what ``GET /api/jobs/{id}`` returns, also after a restart).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.services.runtime import WorkspaceRuntime

log = logging.getLogger(__name__)


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

    @property
    def running(self) -> bool:
        return self.status in ("queued", "running")

    def public(self) -> dict:
        d = dict(self.__dict__)
        d["progress"] = (
            round(self.files_done / self.files_total, 3)
            if self.files_total
            else (1.0 if self.status == "done" else 0.0)
        )
        return d


class JobProgress:
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


def start(runtime: WorkspaceRuntime, files: list[Path], refused: list[dict] | None = None) -> Job:
    """Ingest ``files`` in a background thread of ``runtime``; the job is returned at once."""
    job = Job(id=uuid.uuid4().hex[:12], files=[f.name for f in files], refused=list(refused or []))
    runtime.jobs[job.id] = job
    threading.Thread(target=_run, args=(runtime, job, files), name=f"ingest-{job.id}", daemon=True).start()
    return job


def _run(runtime: WorkspaceRuntime, job: Job, files: list[Path]) -> None:
    from ingest.pipeline import Ingestor

    with runtime.gate.write():  # one writer at a time: a second job waits here
        job.status = "running"
        runtime.close_askers()
        try:
            report = Ingestor(runtime.settings, JobProgress(job)).run(files)
            job.report = report.to_dict()
            job.status = "done"
        except Exception as exc:  # noqa: BLE001 - any failure is the job's result, shown to the user
            log.exception("ingest job %s failed", job.id)
            job.error = str(exc) or exc.__class__.__name__
            job.status = "failed"
        finally:
            job.finished = dt.datetime.now().isoformat(timespec="seconds")
            _save(runtime, job)


def _save(runtime: WorkspaceRuntime, job: Job) -> None:
    folder = runtime.workspace.jobs
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{job.id}.json").write_text(json.dumps(job.public(), indent=1, default=str))


def find(runtime: WorkspaceRuntime, job_id: str) -> Job | None:
    """A job of this runtime, or one saved by an earlier run of the server."""
    if job_id in runtime.jobs:
        return runtime.jobs[job_id]
    if not re.fullmatch(r"[0-9a-f]{12}", job_id or ""):
        return None
    path = runtime.workspace.jobs / f"{job_id}.json"
    if path.is_file():
        d = json.loads(path.read_text())
        d.pop("progress", None)
        return Job(**d)
    return None
