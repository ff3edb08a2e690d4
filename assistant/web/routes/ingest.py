"""Uploads ingested in the background, and their jobs."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Request, UploadFile
from starlette.exceptions import HTTPException

from assistant.web.deps import api_base, get_server, record
from assistant.web.errors import error_response
from assistant.web.server import Server, file_chunks

router = APIRouter(tags=["ingest"])


@router.post("/ingest", status_code=202)
def ingest(
    request: Request,
    files: list[UploadFile] = File(..., description="PDF, DOCX, TXT, MD, CSV or XLSX"),
    server: Server = Depends(get_server),
):
    """Upload files and ingest them in the background: returns the job; follow it at /api/jobs/{id}.

    A file that is refused (name, type, size) is listed with its reason; the others go on. Only when
    every file is refused is the request an error (422, or 413 when all were too large)."""
    stored, refused = server.receive_uploads((f.filename, file_chunks(f.file)) for f in files)
    if not stored:
        status = 413 if refused and all(r["status"] == 413 for r in refused) else 422
        return error_response(
            status,
            "; ".join(r["reason"] for r in refused) or "no files",
            [{"field": "files", "message": r["reason"]} for r in refused],
        )
    job = server.start_ingest(stored, refused)
    record(request, server, "ingest", {"files": job.files, "refused": [r["file"] for r in refused]}, job=job.id)
    return {
        "job_id": job.id,
        "status": job.status,
        "files": job.files,
        "refused": refused,
        "url": f"{api_base(request)}/jobs/{job.id}",
    }


@router.get("/jobs/{job_id}")
def job(job_id: str, server: Server = Depends(get_server)) -> dict:
    found = server.job(job_id)
    if not found:
        raise HTTPException(404, f"no ingest job {job_id!r}")
    return found.public()
