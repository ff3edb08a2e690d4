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


def reembed(runtime: WorkspaceRuntime, caller: Caller, progress=None, batch: int = 256) -> dict:
    """Embed the workspace's document chunks again with this process's model and precision (from the
    texts the store keeps; nothing is read from the case files), then stamp the store with it. Logged
    as ``reembed``. ``progress(done, total)`` follows it."""
    import time

    from assistant.stores.embeddings import get_embedder, vectors_key
    from assistant.stores.records import writer_lock
    from assistant.stores.vectors import VectorStore

    started = time.perf_counter()
    embedder = get_embedder(runtime.settings)
    key = vectors_key(embedder)
    with writer_lock(runtime.workspace.root):
        store = VectorStore(runtime.settings)
        was = store.made_by()
        ids = store.collection.get(include=[])["ids"]  # every id first: an upsert may reorder the store's pages
        for start in range(0, len(ids), batch):
            got = store.collection.get(ids=ids[start : start + batch], include=["documents", "metadatas"])
            texts = [t or "" for t in got["documents"] or []]
            store.upsert(got["ids"], embedder.embed(texts), texts, got["metadatas"])
            if progress:
                progress(min(start + batch, len(ids)), len(ids))
        store.mark(key)
    out = {"chunks": len(ids), "vectors": key, "were": was, "seconds": round(time.perf_counter() - started, 1)}
    runtime.record(caller, "reembed", {}, chunks=len(ids), vectors=key, were=was)
    return out


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
