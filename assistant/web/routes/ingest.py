"""Uploads ingested in the background, and their jobs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.exceptions import HTTPException

from assistant.services import ingesting
from assistant.services.runtime import WorkspaceRuntime
from assistant.services.uploads import file_chunks
from assistant.web.deps import api_base, caller_of, get_runtime
from assistant.web.errors import error_response

router = APIRouter(tags=["ingest"])


@router.post("/ingest", status_code=202)
def ingest(
    request: Request,
    files: list[UploadFile] = File(..., description="PDF, DOCX, TXT, MD, CSV or XLSX"),
    runtime: WorkspaceRuntime = Depends(get_runtime),
):
    """Upload files and ingest them in the background: returns the job; follow it at /api/jobs/{id}.

    A file that is refused (name, type, size) is listed with its reason; the others go on. Only when
    every file is refused is the request an error (422, or 413 when all were too large)."""
    uploads = ((f.filename, file_chunks(f.file)) for f in files)
    job, refused = ingesting.ingest_uploads(runtime, caller_of(request), uploads)
    if job is None:
        status = 413 if refused and all(r["status"] == 413 for r in refused) else 422
        return error_response(
            status,
            "; ".join(r["reason"] for r in refused) or "no files",
            [{"field": "files", "message": r["reason"]} for r in refused],
        )
    return {
        "job_id": job.id,
        "status": job.status,
        "files": job.files,
        "refused": refused,
        "url": f"{api_base(request)}/jobs/{job.id}",
    }


@router.get("/jobs/{job_id}")
def job(job_id: str, runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    found = ingesting.job(runtime, job_id)
    if not found:
        raise HTTPException(404, f"no ingest job {job_id!r}")
    return found.public()
