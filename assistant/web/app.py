"""The composition root of ``faprep serve``: the HTTP API (FastAPI, one router per feature in
``assistant.web.routes``) and the web UI (Gradio, mounted at ``/``) on one app, over one ``Home``.

Routes translate requests to one call of the service layer (``assistant.services``) on the runtime of
a workspace, and its results to JSON; they hold no logic of their own. Each workspace router is served twice: under ``/api`` for the
default workspace and under ``/api/w/{workspace}`` for any workspace of ``FAPREP_HOME``. Every ``/api``
route is guarded (``assistant.web.deps.guard``): a user's key, the admin key or a trusted proxy's user
header, and the route's rule in ``assistant.web.access.RULES``; the app refuses to start with a route
that has no rule. Errors are JSON ``{"error": ..., "fields"?: [...]}`` (``assistant.web.errors``),
never a stack trace.
"""

from __future__ import annotations

import asyncio
import collections
import time

from fastapi import Depends, FastAPI

import prompts
from assistant.config import Settings
from assistant.services.runtime import Home, WorkspaceRuntime
from assistant.web import errors
from assistant.web.access import SIGN_IN, WORKSPACE_PREFIX, Gatekeeper, unruled
from assistant.web.deps import guard
from assistant.web.errors import error_response
from assistant.web.routes import OPEN_ROUTERS, ROUTERS, SELF_CHECKED, SERVER_ROUTERS
from assistant.web.routes.service import VERSION


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


class LoginThrottle:
    """Failed UI sign-ins (``POST /login``) are slowed down (``login_delay_s`` more for each recent failure,
    up to five times) and, past ``attempts`` within ``window_s`` from one source address, refused with 429
    until the window has passed."""

    def __init__(self, app, attempts: int, window_s: float, delay_s: float = 1.0, keeper: Gatekeeper | None = None):
        self.app, self.attempts, self.window_s, self.delay_s = app, attempts, window_s, delay_s
        self.keeper = keeper
        self.failures: dict[str, collections.deque] = collections.defaultdict(collections.deque)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") != "/login":
            return await self.app(scope, receive, send)
        source = (scope.get("client") or ("?",))[0]
        recent = self.failures[source]
        now = time.monotonic()
        while recent and now - recent[0] > self.window_s:
            recent.popleft()
        if len(recent) >= self.attempts:
            wait = int(self.window_s - (now - recent[0])) + 1
            refusal = error_response(429, f"too many failed sign-ins from {source}; try again in {wait} s")
            refusal.headers["Retry-After"] = str(wait)
            return await refusal(scope, receive, send)

        signed: dict = {}
        SIGN_IN.set(signed)

        async def slowed(msg):
            if msg["type"] == "http.response.start" and msg["status"] >= 400:
                recent.append(time.monotonic())
                await asyncio.sleep(self.delay_s * min(len(recent), 5))
            elif msg["type"] == "http.response.start" and signed and self.keeper is not None:
                # a user signed in: tie the session token Gradio sets to the key used (see Gatekeeper.by_name)
                for name, value in msg.get("headers", []):
                    if name.lower() == b"set-cookie" and value.startswith(b"access-token-"):
                        token = value.split(b"=", 1)[1].split(b";", 1)[0].decode("latin-1")
                        self.keeper.signed_in(token, signed["user"], signed["key_id"])
            await send(msg)

        await self.app(scope, receive, slowed)


def create_app(settings: Settings, runtime: WorkspaceRuntime | None = None, ui: bool = True) -> FastAPI:
    runtime = runtime or WorkspaceRuntime(settings)
    app = FastAPI(
        title="faprep",
        version=VERSION,
        description="Focused Assessment preparation: records, checks, cited answers and drafts. " + prompts.LEGAL_NOTE,
    )
    app.state.runtime = runtime
    app.state.home = Home(settings, default=runtime)
    app.state.gatekeeper = Gatekeeper(settings)
    app.add_middleware(BodyLimit, limit=int(settings.max_request_mb * 1024 * 1024))
    app.add_middleware(
        LoginThrottle,
        attempts=settings.login_attempts,
        window_s=settings.login_window_s,
        delay_s=settings.login_delay_s,
        keeper=app.state.gatekeeper,
    )
    errors.install(app)
    for prefix in ("/api", "/api" + WORKSPACE_PREFIX):
        for router in ROUTERS:
            app.include_router(router, prefix=prefix, dependencies=[Depends(guard)])
        for router in SELF_CHECKED:
            app.include_router(router, prefix=prefix)
    for router in SERVER_ROUTERS:
        app.include_router(router, prefix="/api", dependencies=[Depends(guard)])
    for router in OPEN_ROUTERS:
        app.include_router(router)
    missing = unruled(r for group in (ROUTERS, SERVER_ROUTERS, SELF_CHECKED) for router in group for r in router.routes)
    if missing:
        raise RuntimeError(f"API routes with no access rule in assistant.web.access.RULES: {', '.join(missing)}")

    @app.on_event("shutdown")
    def _shutdown() -> None:
        app.state.home.close()

    if ui:
        from assistant.web.ui import mount

        mount(app, app.state.home, app.state.gatekeeper)
    return app
