"""One router per feature; ``assistant.web.app`` includes each under ``/api`` (the default workspace)
and under ``/api/w/{workspace}``."""

from __future__ import annotations

from assistant.web.routes import ask, audit, drafts, files, findings, ingest, people, service, timeline

ROUTERS = (
    service.router,
    ask.router,
    findings.router,
    audit.router,
    ingest.router,
    drafts.router,
    timeline.router,
)
SERVER_ROUTERS = (people.router,)  # about the server, not one workspace: under /api only
OPEN_ROUTERS = (service.open_router,)  # no credentials
SELF_CHECKED = (files.router,)  # check their own credentials (a key or a link token)
