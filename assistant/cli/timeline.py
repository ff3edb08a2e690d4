"""``faprep timeline``: the Focused Assessment's contacts with CBP and the clocks 19 CFR 163.11 sets."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.table import Table

from assistant.cli.common import WorkspaceOpt, app, command, console, runtime_of

timeline_app = typer.Typer(
    help="The FA timeline: contacts with CBP, the findings they touched, the 19 CFR 163.11 clocks.",
    invoke_without_command=True,
)
app.add_typer(timeline_app, name="timeline")


@timeline_app.callback()
def timeline_show(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json", help="print the timeline as JSON"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """The contacts with CBP in order, which findings each touched, and the clocks with their dates.

    Example: faprep timeline --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from assistant.services import timeline

    view = timeline.view(runtime_of(workspace)[0])
    if as_json:
        print(json.dumps(view.public(), indent=2))
        return
    t = Table(title=f"FA timeline — workspace '{view.workspace}', as of {view.as_of}", title_justify="left")
    for col in ("date", "kind", "what", "findings", "id"):
        t.add_column(col, overflow="fold")
    for e in view.events:
        t.add_row(e["date"], e["kind"], e["text"], ", ".join(e["findings"]), e["id"])
    console.print(t)
    for c in view.clocks:
        console.print(f"[bold]{c.rule}[/] {c.what}: due {c.due or 'n/a'} ({c.starts}) — {c.status}")
    if view.events and not view.clocks:
        console.print(
            "no 163.11 clock is running yet: they start at the closing conference and at the entrance conference's "
            "estimated termination date (--ends)"
        )
    if not view.events:
        console.print('no contact yet: faprep timeline add 2026-03-02 "closing conference" "Preliminary results"')


@command(timeline_app, "add")
def timeline_add(
    date: str = typer.Argument(..., help="when it happened: YYYY-MM-DD (not in the future)"),
    kind: str = typer.Argument(
        ...,
        help="engagement letter, entrance conference, request for information (cf-28), walkthrough, sample selection, "
        "closing conference, draft report, final report, cbp inquiry, other",
    ),
    text: str = typer.Argument(..., help="what it was about, in a line"),
    finding: list[str] = typer.Option([], "--finding", "-f", help="a finding id it touched; repeatable"),
    ends: Optional[str] = typer.Option(
        None, "--ends", help="an entrance conference: the audit's estimated termination date, YYYY-MM-DD"
    ),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Record a contact with CBP on the FA timeline.

    Example: faprep timeline add 2026-02-10 cf-28 "Request for the mould payments" --finding undeclared_assist:PAY-0117
    """
    from assistant.services import timeline

    runtime, caller = runtime_of(workspace)
    e = timeline.add_event(runtime, caller, date, kind, text, finding, ends)
    console.print(
        f"added {e.kind} on {e.date} ({e.id})" + (f", touching {', '.join(e.findings)}" if e.findings else "")
    )


@command(timeline_app, "remove")
def timeline_remove(
    event_id: str = typer.Argument(..., help="the id faprep timeline shows"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Take a contact recorded by mistake off the FA timeline.

    Example: faprep timeline remove c6bea703
    """
    from assistant.services import timeline

    runtime, caller = runtime_of(workspace)
    timeline.remove_event(runtime, caller, event_id)
    console.print(f"removed {event_id}")
