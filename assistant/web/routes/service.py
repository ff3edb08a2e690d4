"""Health and workspace status."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant.services import ingesting
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import get_runtime

VERSION = "0.1.0"

router = APIRouter(tags=["service"])
open_router = APIRouter(tags=["service"])


@open_router.get("/health")
def health() -> dict:
    return {"status": "ok", "version": VERSION}


@router.get("/status")
def api_status(runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    return ingesting.status(runtime)
