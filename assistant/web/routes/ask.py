"""Questions: the answer as JSON, or as server-sent events."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from assistant.services import asking
from assistant.services.asking import AskInput
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import caller_of, get_runtime
from assistant.web.errors import response_for
from assistant.web.stream import sentences, sse

router = APIRouter(tags=["questions"])


@router.post("/ask")
def ask(body: AskInput, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    """The answer with its citations: the JSON of ``faprep ask --json``."""
    return asking.ask(runtime, caller_of(request), body).public()


@router.post("/ask/stream")
def ask_stream(body: AskInput, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)):
    """Server-sent events: ``status``, then ``tool`` per tool called, ``delta`` per sentence of the
    answer, ``citation`` per source, and ``done`` with the whole JSON (or ``error``)."""
    caller = caller_of(request)

    def events():
        yield sse("status", {"message": "searching the records"})
        try:
            result = asking.ask(runtime, caller, body)
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
