"""Health and workspace status."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from assistant.web.deps import get_server
from assistant.web.server import Server

VERSION = "0.1.0"

router = APIRouter(tags=["service"])
open_router = APIRouter(tags=["service"])


@open_router.get("/health")
def health() -> dict:
    return {"status": "ok", "version": VERSION}


@router.get("/status")
def api_status(server: Server = Depends(get_server)) -> dict:
    return server.status()
