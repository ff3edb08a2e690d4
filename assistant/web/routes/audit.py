"""The mock transaction test."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from assistant.services import checking
from assistant.services.checking import AuditInput
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import caller_of, get_runtime

router = APIRouter(tags=["checks"])


@router.post("/audit")
def audit(body: AuditInput, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    """Mock transaction test: stratified sample, line-level checks, projected compliance and loss."""
    return checking.mock_audit(runtime, caller_of(request), body).model_dump(mode="json")
