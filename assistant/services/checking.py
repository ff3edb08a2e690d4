"""The checks, their reports and the mock audit: one call each for the CLI, the API and the UI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.services.runtime import Caller, WorkspaceRuntime

Severity = Literal["high", "medium", "low"]
ReportFormat = Literal["xlsx", "md", "json"]


class CheckInput(BaseModel):
    """Which checks to run and which findings to keep (all of them when nothing is given)."""

    check: list[str] | None = Field(default=None, description="check ids; all when none")
    severity: Severity | None = None
    part: str | None = None
    entry: str | None = None
    payment: str | None = None

    def run(self, runtime: WorkspaceRuntime):
        """The ``CheckRun`` of these checks and filters over the runtime's records (under its read gate)."""
        from assistant.checks import check_workspace, known_checks

        known_checks(self.check)
        with runtime.gate.read():
            return check_workspace(
                runtime.settings,
                self.check or None,
                part_number=self.part,
                entry=self.entry,
                payment_id=self.payment,
                severity=self.severity,
            )


class AuditInput(BaseModel):
    """The mock transaction test's sample: size, seed, value strata and the review period."""

    sample: int = Field(ge=2, le=100_000, description="entry lines to sample")
    seed: int = 1
    strata: int = Field(default=3, ge=1, le=20)
    since: dt.date | None = None
    until: dt.date | None = None


def check(runtime: WorkspaceRuntime, caller: Caller, given: CheckInput, reports: list[Path] | None = None):
    """Run the checks (a ``CheckRun``), writing a report to each of ``reports`` (.xlsx, .md, .json);
    logged as ``check``."""
    from assistant.checks import report

    run = given.run(runtime)
    for path in reports or []:
        report.write(run, path)
    extra = {"out": [str(p) for p in reports]} if reports else {}
    runtime.record(caller, "check", given.model_dump(), findings=len(run.findings), **extra)
    return run


def export_findings(runtime: WorkspaceRuntime, caller: Caller, fmt: ReportFormat, given: CheckInput) -> Path:
    """The findings report (xlsx, md or json) written to the workspace's outputs; logged as ``export findings``."""
    from assistant.checks import report

    path = runtime.output_path("findings", f".{fmt}")
    report.write(given.run(runtime), path)
    runtime.record(caller, "export findings", {"format": fmt, **given.model_dump()}, file=path.name)
    return path


def mock_audit(runtime: WorkspaceRuntime, caller: Caller, given: AuditInput):
    """Mock transaction test: sample, test with the line-level checks, project (an ``AuditResult``);
    logged as ``mock audit``."""
    from assistant.checks import run_checks
    from assistant.checks.mock_audit import run_audit
    from assistant.stores.records import open_records

    s = runtime.settings
    with runtime.gate.read(), open_records(s) as rec:
        result = run_audit(
            rec.con,
            run_checks(s, rec.con),
            s.today,
            given.sample,
            seed=given.seed,
            strata=given.strata,
            since=given.since,
            until=given.until,
            retention_years=s.checks.retention_years,
        )
    runtime.record(caller, "mock audit", given.model_dump(mode="json"), compliance_rate=result.compliance_rate)
    return result
