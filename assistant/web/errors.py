"""The API's one error renderer: JSON ``{"error": ..., "fields"?: [{"field", "message"}]}``.

A ``FaprepError`` answers with its own status, message and field; request validation with 422
naming each field; an ``HTTPException`` with its status; anything else with 500 and a log
reference, never a stack trace.
"""

from __future__ import annotations

import logging
import uuid

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import FaprepError

log = logging.getLogger(__name__)


def error_response(
    status: int, message: str, fields: list[dict] | None = None, headers: dict | None = None
) -> JSONResponse:
    body: dict = {"error": message}
    if fields:
        body["fields"] = fields
    return JSONResponse(body, status_code=status, headers=headers)


def faprep_error(exc: FaprepError) -> JSONResponse:
    fields = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return error_response(exc.status, exc.message, fields, headers=exc.headers or None)


def unexpected(exc: BaseException, where: str) -> JSONResponse:
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s on %s", ref, where, exc_info=exc)
    return error_response(500, f"internal error (reference {ref}; the server log has the details)")


def response_for(exc: BaseException, where: str) -> JSONResponse:
    """The JSON answer to any exception (used where a response has already begun, e.g. a stream)."""
    return faprep_error(exc) if isinstance(exc, FaprepError) else unexpected(exc, where)


def validation_fields(exc: RequestValidationError) -> list[dict]:
    fields = []
    for e in exc.errors():
        if e.get("type") == "json_invalid":
            fields.append(
                {
                    "field": "body",
                    "message": f"not valid JSON ({e.get('ctx', {}).get('error', 'decode error')}, "
                    f"at character {e.get('loc', ('', '?'))[-1]})",
                }
            )
        else:
            fields.append(
                {
                    "field": ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "body",
                    "message": e.get("msg", "invalid"),
                }
            )
    return fields


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        fields = validation_fields(exc)
        return error_response(
            422, "invalid request: " + "; ".join(f"{f['field']}: {f['message']}" for f in fields), fields
        )

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return error_response(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(FaprepError)
    async def _faprep(request: Request, exc: FaprepError):
        return faprep_error(exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        return unexpected(exc, f"{request.method} {request.url.path}")
