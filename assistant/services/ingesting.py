"""Ingesting files (folders given on this machine, or uploads ingested in the background) and the
workspace's status."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.services import jobs
from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.services.uploads import Upload, receive_uploads


def ingest(runtime: WorkspaceRuntime, caller: Caller, paths: list[Path], prune: bool = False, progress=None):
    """Ingest case folders or files on this machine now (the ingest report), logged as ``ingest``."""
    from ingest.pipeline import Ingestor

    report = Ingestor(runtime.settings, progress).run(paths, prune=prune)
    runtime.record(caller, "ingest", {"paths": [str(p) for p in paths], "prune": prune}, totals=report.totals())
    return report


def ingest_uploads(
    runtime: WorkspaceRuntime, caller: Caller, uploads: list[Upload] | Any
) -> tuple[jobs.Job | None, list[dict]]:
    """Store uploaded files and ingest them in the background: (the job, or None when every file was
    refused; the refused files with their status and reason). Logged as ``ingest`` when a job starts."""
    s = runtime.settings
    stored, refused = receive_uploads(uploads, runtime.uploads, runtime.upload_limit, s.max_upload_mb)
    if not stored:
        return None, refused
    job = jobs.start(runtime, stored, refused)
    runtime.record(caller, "ingest", {"files": job.files, "refused": [r["file"] for r in refused]}, job=job.id)
    return job, refused


def job(runtime: WorkspaceRuntime, job_id: str) -> jobs.Job | None:
    return jobs.find(runtime, job_id)


def status(runtime: WorkspaceRuntime) -> dict:
    """What is in the workspace: files by kind and status, rows per table, chunks, last ingest, jobs running."""
    from assistant.stores.lexical import LexicalIndex
    from assistant.stores.records import Records

    ws = runtime.workspace
    out: dict[str, Any] = {"workspace": str(ws.root), "exists": ws.has_records()}
    if ws.has_records():
        with runtime.gate.read(), Records(ws.records, read_only=True) as rec:
            out.update(rec.catalogue_status())
        lexical = LexicalIndex(ws.lexical).summary()
        out["lexical_chunks"], out["lexical_segments"] = lexical["chunks"], lexical["segments"]
    out["jobs_running"] = [j.id for j in runtime.jobs.values() if j.running]
    return out
