"""The survey answers, the response to a draft report and the prior disclosure, with their downloads."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from assistant.services import drafts
from assistant.services.runtime import WorkspaceRuntime
from assistant.services.uploads import file_chunks
from assistant.web.deps import api_base, caller_of, file_response, get_runtime

router = APIRouter(tags=["drafts"])


def _kept(runtime: WorkspaceRuntime, upload: UploadFile | None):
    if upload is None or not upload.filename:
        return None
    return drafts.receive_draft_input(runtime, upload.filename, file_chunks(upload.file))


def _response(request: Request, draft, files: dict) -> dict:
    base = api_base(request)
    return {"draft": draft.public(), "downloads": {k: f"{base}/downloads/{p.name}" for k, p in files.items()}}


@router.post("/drafts/survey")
def draft_survey(
    request: Request,
    questionnaire: UploadFile | None = File(default=None, description="your own questionnaire (optional)"),
    runtime: WorkspaceRuntime = Depends(get_runtime),
) -> dict:
    """Draft answers to the pre-assessment survey; DOCX, Markdown and JSON to download."""
    draft, files = drafts.draft_survey(runtime, caller_of(request), _kept(runtime, questionnaire))
    return _response(request, draft, files)


@router.post("/drafts/rebuttal")
def draft_rebuttal(
    request: Request,
    report: UploadFile | None = File(default=None, description="the FA draft report"),
    document: str | None = Form(default=None, description="or: the key of an ingested document"),
    runtime: WorkspaceRuntime = Depends(get_runtime),
):
    """Draft a response to each finding of an FA draft report (upload it, or name an ingested one)."""
    draft, files = drafts.draft_rebuttal(runtime, caller_of(request), _kept(runtime, report), document)
    return _response(request, draft, files)


class DisclosureRequest(BaseModel):
    findings: list[str] = Field(description="the finding ids to disclose (faprep check --json lists them)")
    audit_sample: int | None = Field(
        default=None, description="include the mock audit's projection over a sample of this many lines"
    )


@router.post("/drafts/disclosure")
def draft_disclosure(
    body: DisclosureRequest, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)
) -> dict:
    """Draft a prior disclosure (19 CFR 162.74) for the findings named; DOCX, Markdown and JSON to download."""
    draft, files = drafts.draft_disclosure(runtime, caller_of(request), body.findings, audit_sample=body.audit_sample)
    return _response(request, draft, files)


@router.get("/downloads/{name}")
def download(name: str, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)):
    return file_response(drafts.download(runtime, caller_of(request), name))
