"""The survey answers and the response to a draft report, with their downloads."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from starlette.exceptions import HTTPException

from assistant.web.deps import api_base, file_response, get_server, record
from assistant.web.errors import error_response
from assistant.web.server import REPORT_SUFFIXES, Server, file_chunks, safe_upload_name

router = APIRouter(tags=["drafts"])


def _saved_upload(server: Server, upload: UploadFile | None) -> Path | None:
    if upload is None or not upload.filename:
        return None
    name = safe_upload_name(upload.filename, REPORT_SUFFIXES)
    folder = server.workspace.drafts_in / uuid.uuid4().hex[:8]
    return server.store_upload(name, file_chunks(upload.file), folder)


def _draft_response(request: Request, server: Server, draft, write, stem: str, inputs: dict) -> dict:
    paths = server.save_draft(draft, write, stem)
    record(request, server, f"draft {stem}", inputs, files=[p.name for p in paths.values()])
    base = api_base(request)
    return {"draft": draft.public(), "downloads": {k: f"{base}/downloads/{p.name}" for k, p in paths.items()}}


@router.post("/drafts/survey")
def draft_survey(
    request: Request,
    questionnaire: UploadFile | None = File(default=None, description="your own questionnaire (optional)"),
    server: Server = Depends(get_server),
) -> dict:
    """Draft answers to the pre-assessment survey; DOCX, Markdown and JSON to download."""
    from assistant.drafting.survey import write_survey

    path = _saved_upload(server, questionnaire)
    inputs = {"questionnaire": path.name if path else None}
    return _draft_response(request, server, server.draft_survey(path), write_survey, "survey", inputs)


@router.post("/drafts/rebuttal")
def draft_rebuttal(
    request: Request,
    report: UploadFile | None = File(default=None, description="the FA draft report"),
    document: str | None = Form(default=None, description="or: the key of an ingested document"),
    server: Server = Depends(get_server),
):
    """Draft a response to each finding of an FA draft report (upload it, or name an ingested one)."""
    from assistant.drafting.rebuttal import write_rebuttal

    path = _saved_upload(server, report)
    if path is None and document:
        path = server.source_file(document)
        if path is None:
            raise HTTPException(404, f"document: no ingested document {document!r} on disk")
    if path is None:
        return error_response(
            422,
            "report: upload the FA draft report, or name an ingested one in 'document'",
            [{"field": "report", "message": "required"}],
        )
    inputs = {"report": path.name, "document": document}
    return _draft_response(request, server, server.draft_rebuttal(path), write_rebuttal, "rebuttal", inputs)


@router.get("/downloads/{name}")
def download(name: str, request: Request, server: Server = Depends(get_server)):
    path = server.output_file(name)
    if path is None:
        raise HTTPException(404, f"no output named {name!r}")
    record(request, server, "download", {"name": name})
    return file_response(path)
