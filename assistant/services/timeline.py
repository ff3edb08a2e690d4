"""The FA timeline: contacts with CBP recorded, and the timeline shown with its clocks."""

from __future__ import annotations

from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.stores.timeline import Event, Timeline, date_of, kind_of


def add_event(
    runtime: WorkspaceRuntime,
    caller: Caller,
    date: str,
    kind: str,
    text: str,
    findings: list[str] | None = None,
    ends: str | None = None,
) -> Event:
    """A contact with CBP on the timeline (a bad date, kind or empty text is a ``BadInput`` naming it);
    logged as ``timeline add``."""
    from assistant.errors import BadInput

    today = runtime.settings.today
    day, what = date_of(date, today), kind_of(kind)
    if not (text or "").strip():
        raise BadInput("text: say what the contact was (e.g. 'CF-28 on the assist payments')", field="text")
    end = date_of(ends, None, "ends") if ends else None
    from assistant.checks import REGISTRY

    for fid in findings or []:
        if fid.split(":", 1)[0] not in REGISTRY:
            raise BadInput(
                f"finding {fid!r}: not a finding id (they look like undeclared_assist:PAY-0117; faprep check lists them)",
                field="findings",
            )
    event = Event(
        "", day.isoformat(), what, text.strip(), sorted(set(findings or [])), end.isoformat() if end else None
    )
    event.by = caller.user
    added = Timeline(runtime.workspace.root).add(event)
    runtime.record(
        caller, "timeline add", {"date": added.date, "kind": what, "findings": added.findings}, event=added.id
    )
    return added


def view(runtime: WorkspaceRuntime):
    """The timeline with its clocks (``assistant.drafting.fa_timeline.TimelineView``)."""
    from assistant.drafting.fa_timeline import timeline_view

    return timeline_view(runtime.settings, Timeline(runtime.workspace.root).events())


def remove_event(runtime: WorkspaceRuntime, caller: Caller, event_id: str) -> None:
    """Take a contact recorded by mistake off the timeline (an unknown id is a ``NotFound``); logged as
    ``timeline remove``."""
    from assistant.errors import NotFound

    if not Timeline(runtime.workspace.root).remove(event_id):
        raise NotFound(f"timeline event {event_id!r}: not on the timeline (faprep timeline lists the ids)", field="id")
    runtime.record(caller, "timeline remove", {"id": event_id})
