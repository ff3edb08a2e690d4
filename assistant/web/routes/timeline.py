"""The FA timeline: the contacts with CBP, the findings they touched and the 19 CFR 163.11 clocks."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from assistant.services import timeline
from assistant.services.runtime import WorkspaceRuntime
from assistant.web.deps import caller_of, get_runtime

router = APIRouter(tags=["timeline"])


class NewEvent(BaseModel):
    date: str = Field(description="when it happened: YYYY-MM-DD, not in the future")
    kind: str = Field(
        description="engagement letter, entrance conference, request for information (cf-28), walkthrough, "
        "sample selection, closing conference, draft report, final report, cbp inquiry, other"
    )
    text: str = Field(description="what it was about, in a line")
    findings: list[str] = Field(default_factory=list, description="finding ids it touched")
    ends: str | None = Field(default=None, description="an entrance conference: the estimated termination date")


@router.get("/timeline")
def show_timeline(runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    """The contacts in order, which findings each touched, and the clocks with their due dates."""
    return timeline.view(runtime).public()


@router.post("/timeline")
def add_to_timeline(body: NewEvent, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    """Record a contact with CBP; the timeline as it now stands comes back."""
    added = timeline.add_event(runtime, caller_of(request), body.date, body.kind, body.text, body.findings, body.ends)
    return {"added": added.public(), "timeline": timeline.view(runtime).public()}


@router.delete("/timeline/{event_id}")
def remove_from_timeline(event_id: str, request: Request, runtime: WorkspaceRuntime = Depends(get_runtime)) -> dict:
    """Take a contact recorded by mistake off the timeline."""
    timeline.remove_event(runtime, caller_of(request), event_id)
    return timeline.view(runtime).public()
