"""The checks' findings, as JSON or as a report file."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from assistant.services import checking
from assistant.services.checking import CheckInput, ReportFormat, Severity
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import caller_of, file_response, get_runtime

router = APIRouter(tags=["checks"])


@router.get("/findings")
def findings(
    request: Request,
    check: list[str] | None = Query(default=None, description="check id; repeatable"),
    severity: Severity | None = None,
    part: str | None = None,
    entry: str | None = None,
    payment: str | None = None,
    runtime: WorkspaceRuntime = Depends(get_runtime),
) -> dict:
    """Run the checks and return the findings with their evidence (``faprep check --json``)."""
    given = CheckInput(check=check, severity=severity, part=part, entry=entry, payment=payment)
    return checking.check(runtime, caller_of(request), given).model_dump(mode="json")


@router.get("/findings/export")
def findings_export(
    request: Request,
    format: ReportFormat = "xlsx",
    check: list[str] | None = Query(default=None),
    severity: Severity | None = None,
    runtime: WorkspaceRuntime = Depends(get_runtime),
):
    """The findings report as a file: XLSX (a sheet per check), Markdown or JSON."""
    given = CheckInput(check=check, severity=severity)
    return file_response(checking.export_findings(runtime, caller_of(request), format, given))
