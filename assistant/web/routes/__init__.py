"""One router per feature; ``assistant.web.app`` includes them all under ``/api``."""

from __future__ import annotations

from assistant.web.routes import ask, audit, drafts, files, findings, ingest, service

ROUTERS = (service.router, ask.router, findings.router, audit.router, ingest.router, drafts.router)
OPEN_ROUTERS = (service.open_router, files.router)  # routes that check their own credentials (or need none)
