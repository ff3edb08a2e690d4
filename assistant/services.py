"""The service layer used alike by the CLI, the API and the UI.

Routes, commands and callbacks only translate to and from these functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.stores.records import Records, open_records
from assistant.stores.workspace import Workspace


def ingest(settings: Settings, paths: list[Path], prune: bool = False, progress=None):
    from ingest.pipeline import Ingestor

    return Ingestor(settings, progress).run(paths, prune=prune)


def status(settings: Settings) -> dict:
    """What is in the workspace: files by kind and status, rows per table, chunks, last ingest."""
    ws = Workspace.of(settings)
    out: dict[str, Any] = {"workspace": str(ws.root), "exists": ws.has_records()}
    if not ws.has_records():
        return out
    with Records(ws.records, read_only=True) as rec:
        out.update(rec.catalogue_status())
    from assistant.stores.lexical import LexicalIndex

    lexical = LexicalIndex(ws.lexical).summary()
    out["lexical_chunks"], out["lexical_segments"] = lexical["chunks"], lexical["segments"]
    return out


def run_checks(
    settings: Settings,
    checks: list[str] | None = None,
    part_number: str | None = None,
    entry: str | None = None,
    payment_id: str | None = None,
    severity: str | None = None,
):
    """Every registered check (or ``checks``) over the workspace's records → a ``CheckRun``."""
    from assistant.checks import check_workspace

    return check_workspace(
        settings, checks, part_number=part_number, entry=entry, payment_id=payment_id, severity=severity
    )


def audit(settings: Settings, sample: int, seed: int = 1, strata: int = 3, since=None, until=None):
    """Mock transaction test over the workspace: sample, test with the checks, project (``AuditResult``)."""
    from assistant.checks import run_checks as _run
    from assistant.checks.audit import run_audit

    with open_records(settings) as rec:
        checks = _run(settings, rec.con)
        return run_audit(
            rec.con,
            checks,
            settings.today,
            sample,
            seed=seed,
            strata=strata,
            since=since,
            until=until,
            retention_years=settings.checks.retention_years,
        )
