"""Health and workspace status."""

from __future__ import annotations

import html

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from assistant.services import ingesting
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import get_runtime

VERSION = "0.1.0"

router = APIRouter(tags=["service"])
open_router = APIRouter(tags=["service"])


@open_router.get("/health")
def health() -> dict:
    return {"status": "ok", "version": VERSION}


@router.get("/status")
def api_status(runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    return ingesting.status(runtime)


@open_router.get("/law/{cite}", response_class=HTMLResponse)
def law_section(cite: str, request: Request):
    """A section of the law shelf (public-domain 19 CFR and 19 USC text), each paragraph with an anchor
    (``#p-(c)(3)``), where the law citations of answers and drafts link."""
    from assistant.stores.lawshelf import LawShelf

    section = LawShelf(request.app.state.home.settings.home).sections().get(" ".join(cite.split()))
    if section is None:
        raise HTTPException(404, f"{cite}: not a section on the law shelf")
    paragraphs = "".join(
        f'<p id="p-{html.escape(p.path)}"><b>{html.escape(p.heading)}</b> {html.escape(p.text)}</p>'
        if p.heading
        else f'<p id="p-{html.escape(p.path)}">{html.escape(p.text)}</p>'
        for p in section.paragraphs
    )
    title = f"{section.cite} {section.title}"
    return HTMLResponse(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:52rem;margin:2rem auto;line-height:1.5}"
        "p:target{background:#fde68a}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>{paragraphs}</body></html>"
    )
