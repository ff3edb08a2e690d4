"""The composition root of ``faprep serve``: the HTTP API (FastAPI, one router per feature in
``assistant.web.routes``) and the web UI (Gradio, mounted at ``/``) on one app, over one ``Server``.

Routes translate requests to the ``Server`` (``assistant.web.server``) and its results to JSON; they
hold no logic of their own. Every ``/api`` route needs ``Authorization: Bearer <FAPREP_API_KEY>``
when a key is set. Errors are JSON ``{"error": ..., "fields"?: [...]}`` (``assistant.web.errors``),
never a stack trace.
"""

from __future__ import annotations

from fastapi import Depends, FastAPI

import prompts
from assistant.config import Settings
from assistant.web import errors
from assistant.web.deps import require_key
from assistant.web.errors import error_response
from assistant.web.routes import OPEN_ROUTERS, ROUTERS
from assistant.web.routes.service import VERSION
from assistant.web.server import Server


class BodyLimit:
    """Refuses a request body to ``/api`` above ``limit`` bytes with 413, before it is parsed or spooled:
    at once from Content-Length, or as soon as a streamed (chunked) body passes the limit (the 413 is
    sent then, and the route sees the client gone)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        refusal = error_response(
            413, f"request body larger than the limit of {self.limit / 1024 / 1024:g} MB (FAPREP_MAX_REQUEST_MB)"
        )
        length = dict(scope.get("headers") or []).get(b"content-length", b"0")
        if length.isdigit() and int(length) > self.limit:
            return await refusal(scope, receive, send)
        received, started, refused = 0, False, False

        async def counted():
            nonlocal received, refused
            msg = await receive()
            if msg["type"] == "http.request" and not refused:
                received += len(msg.get("body", b""))
                if received > self.limit and not started:
                    refused = True
                    await refusal(scope, receive, send)
                    return {"type": "http.disconnect"}
            return msg

        async def watched(msg):
            nonlocal started
            if not refused:
                started = started or msg["type"] == "http.response.start"
                await send(msg)

        try:
            await self.app(scope, counted, watched)
        except Exception:
            if not refused:
                raise


def create_app(settings: Settings, server: Server | None = None, ui: bool = True) -> FastAPI:
    server = server or Server(settings)
    app = FastAPI(
        title="faprep",
        version=VERSION,
        description="Focused Assessment preparation: records, checks, cited answers and drafts. " + prompts.LEGAL_NOTE,
    )
    app.state.server = server
    app.add_middleware(BodyLimit, limit=int(settings.max_request_mb * 1024 * 1024))
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router, dependencies=[Depends(require_key)])
    for router in OPEN_ROUTERS:
        app.include_router(router)

    @app.on_event("shutdown")
    def _shutdown() -> None:
        server.close()

    if ui:
        from assistant.web.ui import mount

        mount(app, server)
    return app
