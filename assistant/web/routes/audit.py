"""The mock transaction test."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from assistant.web.deps import get_server, record
from assistant.web.server import Server

router = APIRouter(tags=["checks"])


class AuditRequest(BaseModel):
    sample: int = Field(ge=2, le=100_000, description="entry lines to sample")
    seed: int = 1
    strata: int = Field(default=3, ge=1, le=20)
    since: dt.date | None = None
    until: dt.date | None = None


@router.post("/audit")
def audit(body: AuditRequest, request: Request, server: Server = Depends(get_server)) -> dict:
    """Mock transaction test: stratified sample, line-level checks, projected compliance and loss."""
    result = server.audit(sample=body.sample, seed=body.seed, strata=body.strata, since=body.since, until=body.until)
    record(request, server, "mock audit", body.model_dump(mode="json"), compliance_rate=result.compliance_rate)
    return result.model_dump(mode="json")
