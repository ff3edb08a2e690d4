"""Questions: the answer as JSON, or as server-sent events."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from assistant.web.deps import get_server, record
from assistant.web.errors import response_for
from assistant.web.server import Server
from assistant.web.stream import sentences, sse

router = APIRouter(tags=["questions"])


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000, description="the question")
    session_id: str | None = Field(default=None, max_length=64, description="follow-ups keep this session's context")
    kinds: list[str] | None = Field(default=None, description="only documents of these kinds, e.g. ruling")
    ruling: str | None = None
    entry: str | None = None
    part: str | None = None
    since: str | None = Field(default=None, description="documents dated on or after YYYY-MM-DD")
    until: str | None = Field(default=None, description="documents dated on or before YYYY-MM-DD")


def _ask(request: Request, server: Server, body: AskRequest):
    from assistant.answering.ask import parse_filters

    filters = parse_filters(body.kinds, body.ruling, body.entry, body.part, body.since, body.until)
    result = server.ask(body.question, session_id=body.session_id, filters=filters)
    record(
        request,
        server,
        "ask",
        body.model_dump(exclude_none=True),
        result={"mode": result.mode, "citations": [c.source for c in result.citations], "tools": result.tools_called},
    )
    return result


@router.post("/ask")
def ask(body: AskRequest, request: Request, server: Server = Depends(get_server)) -> dict:
    """The answer with its citations: the JSON of ``faprep ask --json``."""
    return _ask(request, server, body).public()


@router.post("/ask/stream")
def ask_stream(body: AskRequest, request: Request, server: Server = Depends(get_server)):
    """Server-sent events: ``status``, then ``tool`` per tool called, ``delta`` per sentence of the
    answer, ``citation`` per source, and ``done`` with the whole JSON (or ``error``)."""

    def events():
        yield sse("status", {"message": "searching the records"})
        try:
            result = _ask(request, server, body)
        except Exception as exc:  # noqa: BLE001 - reported in the stream, which has already begun
            response = response_for(exc, "POST /api/ask/stream")
            yield sse("error", {"status": response.status_code, **json.loads(bytes(response.body))})
            return
        for tool in result.tools_called:
            yield sse("tool", {"name": tool})
        for piece in sentences(result.answer):
            yield sse("delta", {"text": piece})
        for c in result.citations:
            yield sse("citation", c.public())
        yield sse("done", result.public())

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
