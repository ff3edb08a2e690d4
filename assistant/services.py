"""The service layer used alike by the CLI, the API and the UI.

Routes, commands and callbacks only translate to and from these functions.
"""

from __future__ import annotations

from pathlib import Path

from assistant.config import Settings
from assistant.records import Records


def ingest(settings: Settings, paths: list[Path], prune: bool = False, progress=None):
    from ingest.pipeline import Ingestor

    return Ingestor(settings, progress).run(paths, prune=prune)


def status(settings: Settings) -> dict:
    """What is in the workspace: files by kind and status, rows per table, chunks, last ingest."""
    ws = settings.workspace_dir
    db = ws / "records.duckdb"
    out: dict = {"workspace": str(ws), "exists": db.exists()}
    if not db.exists():
        return out
    with Records(db, read_only=True) as rec:
        con = rec.con
        out["tables"] = rec.table_counts()
        out["files_by_kind"] = [
            {"category": c, "kind": k, "status": s, "files": n}
            for c, k, s, n in con.execute(
                "SELECT category, coalesce(kind, ''), status, count(*) FROM files GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        ]
        out["rejected_files"] = [
            {"path": p, "reason": m}
            for p, m in con.execute("SELECT path, message FROM files WHERE status = 'rejected' ORDER BY path").fetchall()
        ]
        out["rejected_rows"] = con.execute("SELECT count(*) FROM file_rejects").fetchone()[0]
        last = con.execute("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if last:
            keys = ["run_id", "started", "finished", "seen", "ingested", "skipped", "rejected", "pruned", "status"]
            out["last_ingest"] = {k: (str(v) if k in ("started", "finished") else v) for k, v in zip(keys, last)}
    from assistant.lexical import LexicalIndex

    lexical = LexicalIndex(ws / "lexical").summary()
    out["lexical_chunks"], out["lexical_segments"] = lexical["chunks"], lexical["segments"]
    return out


class NoRecords(RuntimeError):
    pass


def _records(settings: Settings) -> Records:
    db = settings.workspace_dir / "records.duckdb"
    if not db.exists():
        raise NoRecords(f"workspace {settings.workspace_dir} holds no records: run `faprep ingest CASE_FOLDER` first")
    return Records(db, read_only=True)


def run_checks(settings: Settings, checks: list[str] | None = None, part_number: str | None = None,
               entry: str | None = None, payment_id: str | None = None, severity: str | None = None):
    """Every registered check (or ``checks``) over the workspace's records → a ``CheckRun``."""
    from assistant.checks import run_checks as _run

    with _records(settings) as rec:
        return _run(settings, rec.con, checks, part_number=part_number, entry=entry, payment_id=payment_id, severity=severity)


def audit(settings: Settings, sample: int, seed: int = 1, strata: int = 3, since=None, until=None):
    """Mock transaction test over the workspace: sample, test with the checks, project (``AuditResult``)."""
    from assistant.audit import run_audit
    from assistant.checks import run_checks as _run

    with _records(settings) as rec:
        checks = _run(settings, rec.con)
        return run_audit(rec.con, checks, settings.today, sample, seed=seed, strata=strata, since=since, until=until,
                         retention_years=settings.checks.retention_years)
