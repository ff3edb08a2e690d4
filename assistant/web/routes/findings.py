"""The checks' findings, as JSON or as a report file."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request

from assistant.checks import known_checks
from assistant.web.deps import file_response, get_server, record
from assistant.web.server import Server

router = APIRouter(tags=["checks"])

Severity = Literal["high", "medium", "low"]


@router.get("/findings")
def findings(
    request: Request,
    check: list[str] | None = Query(default=None, description="check id; repeatable"),
    severity: Severity | None = None,
    part: str | None = None,
    entry: str | None = None,
    payment: str | None = None,
    server: Server = Depends(get_server),
) -> dict:
    """Run the checks and return the findings with their evidence (``faprep check --json``)."""
    known_checks(check)
    run = server.checks(checks=check or None, severity=severity, part_number=part, entry=entry, payment_id=payment)
    inputs = {"check": check, "severity": severity, "part": part, "entry": entry, "payment": payment}
    record(request, server, "check", {k: v for k, v in inputs.items() if v}, findings=len(run.findings))
    return run.model_dump(mode="json")


@router.get("/findings/export")
def findings_export(
    request: Request,
    format: Literal["xlsx", "md", "json"] = "xlsx",
    check: list[str] | None = Query(default=None),
    severity: Severity | None = None,
    server: Server = Depends(get_server),
):
    """The findings report as a file: XLSX (a sheet per check), Markdown or JSON."""
    known_checks(check)
    path = server.export_findings(format, checks=check or None, severity=severity)
    record(request, server, "export findings", {"format": format, "check": check, "severity": severity}, file=path.name)
    return file_response(path)
