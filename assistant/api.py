"""HTTP API (FastAPI) and the web UI (Gradio, mounted at ``/``) on one app.

Routes translate requests to the ``Server`` (assistant/server.py) and its results to JSON; they
hold no logic of their own. Every ``/api`` route needs ``Authorization: Bearer <FAPREP_API_KEY>``
when a key is set. Errors are JSON ``{"error": ..., "fields"?: [...]}``, never a stack trace.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import uuid
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from assistant.config import Settings
from assistant.server import REPORT_SUFFIXES, Busy, Server, UploadRefused, file_chunks, safe_upload_name

log = logging.getLogger(__name__)

VERSION = "0.1.0"
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description="the question")
    session_id: str | None = Field(default=None, max_length=64, description="follow-ups keep this session's context")
    kinds: list[str] | None = Field(default=None, description="only documents of these kinds, e.g. ruling")
    ruling: str | None = None
    entry: str | None = None
    part: str | None = None
    since: str | None = Field(default=None, description="documents dated on or after YYYY-MM-DD")
    until: str | None = Field(default=None, description="documents dated on or before YYYY-MM-DD")


class AuditRequest(BaseModel):
    sample: int = Field(ge=2, le=100_000, description="entry lines to sample")
    seed: int = 1
    strata: int = Field(default=3, ge=1, le=20)
    since: dt.date | None = None
    until: dt.date | None = None


def _error(status: int, message: str, fields: list[dict] | None = None, headers: dict | None = None) -> JSONResponse:
    body: dict = {"error": message}
    if fields:
        body["fields"] = fields
    return JSONResponse(body, status_code=status, headers=headers)


def _field_of(message: str) -> str | None:
    """``"question: empty"`` or ``"entry 'x': not ..."`` → the field (the service layer names it first)."""
    import re

    m = re.match(r"^([a-z_]{2,30})(?=[: ])", message)
    return m.group(1) if m else None


class BodyLimit:
    """Refuses a request body to ``/api`` above ``limit`` bytes with 413, before it is parsed or spooled:
    at once from Content-Length, or as soon as a streamed (chunked) body passes the limit (the 413 is
    sent then, and the route sees the client gone)."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            return await self.app(scope, receive, send)
        refusal = _error(413, f"request body larger than the limit of {self.limit / 1024 / 1024:g} MB (FAPREP_MAX_REQUEST_MB)")
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
    app = FastAPI(title="faprep", version=VERSION,
                  description="Focused Assessment preparation: records, checks, cited answers and drafts. "
                              "Classification outputs are flags for review by the importer and its licensed "
                              "customs broker, not classification decisions (19 USC 1641).")
    app.state.server = server
    app.add_middleware(BodyLimit, limit=int(settings.max_request_mb * 1024 * 1024))

    # --- errors as JSON -------------------------------------------------------------------------

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        fields = []
        for e in exc.errors():
            if e.get("type") == "json_invalid":
                fields.append({"field": "body", "message": f"not valid JSON ({e.get('ctx', {}).get('error', 'decode error')}, "
                                                           f"at character {e.get('loc', ('', '?'))[-1]})"})
            else:
                fields.append({"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
                               "message": e.get("msg", "invalid")})
        return _error(422, "invalid request: " + "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    async def _expected_error(request: Request, exc: Exception):
        return _expected(exc)

    for kind in _expected_kinds():
        app.add_exception_handler(kind, _expected_error)

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, exc: Exception):
        return _unexpected(exc, f"{request.method} {request.url.path}")

    # --- auth -----------------------------------------------------------------------------------

    def require_key(request: Request) -> None:
        if server.key is None:
            return
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not server.key_ok(given.strip()):
            raise HTTPException(401, "missing or wrong API key: send 'Authorization: Bearer <FAPREP_API_KEY>'",
                                headers={"WWW-Authenticate": "Bearer"})

    api = APIRouter(prefix="/api", dependencies=[Depends(require_key)])
    open_api = APIRouter(prefix="/api")  # routes that check their own link token

    @app.get("/health", tags=["service"])
    def health() -> dict:
        return {"status": "ok", "version": VERSION}

    @api.get("/status", tags=["service"])
    def api_status() -> dict:
        return server.status()

    # --- questions ------------------------------------------------------------------------------

    def _ask(body: AskRequest):
        from assistant.ask import parse_filters

        filters = parse_filters(body.kinds, body.ruling, body.entry, body.part, body.since, body.until)
        return server.ask(body.question, session_id=body.session_id, filters=filters)

    @api.post("/ask", tags=["questions"])
    def ask(body: AskRequest) -> dict:
        """The answer with its citations: the JSON of ``faprep ask --json``."""
        return _ask(body).public()

    @api.post("/ask/stream", tags=["questions"])
    def ask_stream(body: AskRequest):
        """Server-sent events: ``status``, then ``tool`` per tool called, ``delta`` per sentence of the
        answer, ``citation`` per source, and ``done`` with the whole JSON (or ``error``)."""

        def events():
            yield _sse("status", {"message": "searching the records"})
            try:
                result = _ask(body)
            except Exception as exc:  # noqa: BLE001 - reported in the stream, which has already begun
                response = _expected(exc) or _unexpected(exc, "POST /api/ask/stream")
                yield _sse("error", {"status": response.status_code, **json.loads(response.body)})
                return
            for tool in result.tools_called:
                yield _sse("tool", {"name": tool})
            for piece in _sentences(result.answer):
                yield _sse("delta", {"text": piece})
            for c in result.citations:
                yield _sse("citation", c.model_dump(mode="json"))
            yield _sse("done", result.public())

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # --- checks and audit -----------------------------------------------------------------------

    @api.get("/findings", tags=["checks"])
    def findings(check: list[str] | None = Query(default=None, description="check id; repeatable"),
                 severity: Literal["high", "medium", "low"] | None = None,
                 part: str | None = None, entry: str | None = None, payment: str | None = None) -> dict:
        """Run the checks and return the findings with their evidence (``faprep check --json``)."""
        _known_checks(check)
        run = server.checks(checks=check or None, severity=severity, part_number=part, entry=entry, payment_id=payment)
        return run.model_dump(mode="json")

    @api.get("/findings/export", tags=["checks"])
    def findings_export(format: Literal["xlsx", "md", "json"] = "xlsx", check: list[str] | None = Query(default=None),
                        severity: Literal["high", "medium", "low"] | None = None):
        """The findings report as a file: XLSX (a sheet per check), Markdown or JSON."""
        _known_checks(check)
        return _file(server.export_findings(format, checks=check or None, severity=severity))

    @api.post("/audit", tags=["checks"])
    def audit(body: AuditRequest) -> dict:
        """Mock transaction test: stratified sample, line-level checks, projected compliance and loss."""
        return server.audit(sample=body.sample, seed=body.seed, strata=body.strata, since=body.since,
                            until=body.until).model_dump(mode="json")

    # --- ingest ---------------------------------------------------------------------------------

    @api.post("/ingest", status_code=202, tags=["ingest"])
    def ingest(files: list[UploadFile] = File(..., description="PDF, DOCX, TXT, MD, CSV or XLSX")) -> dict:
        """Upload files and ingest them in the background: returns the job; follow it at /api/jobs/{id}.

        A file that is refused (name, type, size) is listed with its reason; the others go on. Only when
        every file is refused is the request an error (422, or 413 when all were too large)."""
        stored, refused = server.receive_uploads((f.filename, file_chunks(f.file)) for f in files)
        if not stored:
            status = 413 if refused and all(r["status"] == 413 for r in refused) else 422
            return _error(status, "; ".join(r["reason"] for r in refused) or "no files",
                          [{"field": "files", "message": r["reason"]} for r in refused])
        job = server.start_ingest(stored, refused)
        return {"job_id": job.id, "status": job.status, "files": job.files, "refused": refused, "url": f"/api/jobs/{job.id}"}

    @api.get("/jobs/{job_id}", tags=["ingest"])
    def job(job_id: str) -> dict:
        found = server.job(job_id)
        if not found:
            raise HTTPException(404, f"no ingest job {job_id!r}")
        return found.public()

    # --- drafts ---------------------------------------------------------------------------------

    def _saved_upload(upload: UploadFile | None) -> Path | None:
        if upload is None or not upload.filename:
            return None
        name = safe_upload_name(upload.filename, REPORT_SUFFIXES)
        folder = server.settings.workspace_dir / "drafts_in" / uuid.uuid4().hex[:8]
        return server.store_upload(name, file_chunks(upload.file), folder)

    def _draft_response(draft, write, stem: str) -> dict:
        paths = server.save_draft(draft, write, stem)
        return {"draft": draft.public(), "downloads": {k: f"/api/downloads/{p.name}" for k, p in paths.items()}}

    @api.post("/drafts/survey", tags=["drafts"])
    def draft_survey(questionnaire: UploadFile | None = File(default=None, description="your own questionnaire (optional)")) -> dict:
        """Draft answers to the pre-assessment survey; DOCX, Markdown and JSON to download."""
        from assistant.drafting import write_survey

        return _draft_response(server.draft_survey(_saved_upload(questionnaire)), write_survey, "survey")

    @api.post("/drafts/rebuttal", tags=["drafts"])
    def draft_rebuttal(report: UploadFile | None = File(default=None, description="the FA draft report"),
                       document: str | None = Form(default=None, description="or: the key of an ingested document")):
        """Draft a response to each finding of an FA draft report (upload it, or name an ingested one)."""
        from assistant.rebuttal import write_rebuttal

        path = _saved_upload(report)
        if path is None and document:
            path = server.source_file(document)
            if path is None:
                raise HTTPException(404, f"document: no ingested document {document!r} on disk")
        if path is None:
            return _error(422, "report: upload the FA draft report, or name an ingested one in 'document'",
                          [{"field": "report", "message": "required"}])
        return _draft_response(server.draft_rebuttal(path), write_rebuttal, "rebuttal")

    @api.get("/downloads/{name}", tags=["drafts"])
    def download(name: str):
        path = server.output_file(name)
        if path is None:
            raise HTTPException(404, f"no output named {name!r}")
        return _file(path)

    # --- sources (links from citations) ---------------------------------------------------------

    @open_api.get("/sources/{path:path}", tags=["questions"])
    def source(path: str, request: Request, t: str | None = None):
        """The original file of a cited document; PDF viewers open ``#page=N``. Needs the API key, or
        the link token the UI puts on its citation links (it opens only that file)."""
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        allowed = (server.key is None or (scheme.lower() == "bearer" and server.key_ok(given.strip()))
                   or (t is not None and _same(t, server.source_token(path))))
        if not allowed:
            raise HTTPException(401, "missing or wrong API key or link token", headers={"WWW-Authenticate": "Bearer"})
        found = server.source_file(path)
        if found is None:
            raise HTTPException(404, f"no ingested document {path!r} on disk")
        return FileResponse(found, media_type=MEDIA_TYPES.get(found.suffix.lower(), "application/octet-stream"),
                            content_disposition_type="inline", filename=found.name)

    app.include_router(api)
    app.include_router(open_api)

    @app.on_event("shutdown")
    def _shutdown() -> None:
        server.close()

    if ui:
        from assistant.ui import mount

        mount(app, server)
    return app


def _known_checks(checks: list[str] | None) -> None:
    from assistant.ask import BadRequest
    from assistant.checks import REGISTRY

    unknown = [c for c in checks or [] if c not in REGISTRY]
    if unknown:
        raise BadRequest(f"check: unknown check id(s) {', '.join(unknown)}; known: {', '.join(REGISTRY)}")


def _same(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def _file(path: Path) -> FileResponse:
    return FileResponse(path, media_type=MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"), filename=path.name)


def _sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


def _sentences(text: str) -> list[str]:
    import re

    parts = re.split(r"(?<=[.!?\]])(\s+)", text)
    out, buf = [], ""
    for p in parts:
        buf += p
        if p.strip() == "" and buf.strip():
            out.append(buf)
            buf = ""
    if buf:
        out.append(buf)
    return out or [text]


@functools.cache
def _error_groups() -> tuple[tuple[tuple[type[Exception], ...], int], ...]:
    """The errors faprep raises on purpose, by the HTTP status that answers them."""
    from assistant.ask import BadRequest
    from assistant.drafting import QuestionnaireError
    from assistant.embeddings import ModelIntegrityError
    from assistant.llm import LLMUnavailable
    from assistant.rebuttal import RebuttalError
    from assistant.records import WorkspaceBusy
    from assistant.services import NoRecords
    from assistant.vectors import VectorStoreError

    return (((UploadRefused,), 0),  # its own status: 413 or 422
            ((Busy,), 503),
            ((BadRequest, QuestionnaireError, RebuttalError, ValueError), 422),
            ((NoRecords,), 409),
            ((WorkspaceBusy, VectorStoreError, LLMUnavailable, ModelIntegrityError), 503))


def _expected_kinds() -> tuple[type[Exception], ...]:
    return tuple(kind for kinds, _ in _error_groups() for kind in kinds)


def _expected(exc: Exception) -> JSONResponse | None:
    """The JSON answer to an error faprep raises on purpose; None for any other."""
    message = str(exc)
    for kinds, status in _error_groups():
        if not isinstance(exc, kinds):
            continue
        if isinstance(exc, UploadRefused):
            return _error(exc.status, message)
        if isinstance(exc, Busy):
            return _error(status, message, headers={"Retry-After": "10"})
        field = _field_of(message) if status == 422 else None
        return _error(status, message, [{"field": field, "message": message}] if field else None)
    return None


def _unexpected(exc: Exception, where: str) -> JSONResponse:
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s on %s", ref, where, exc_info=exc)
    return _error(500, f"internal error (reference {ref}; the server log has the details)")
