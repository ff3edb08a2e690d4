"""``faprep ask``: a question answered from the records, the documents or the checks, with citations."""

from __future__ import annotations

import json
from typing import Optional

import typer

from assistant.cli.common import WorkspaceOpt, app, command, console, err, opened_runtime


@command(app)
def ask(
    question: str = typer.Argument(..., help="the question, in quotes"),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON (docs/data-formats.md section 5)"),
    session: Optional[str] = typer.Option(None, "--session", "-s", help="session id: follow-ups keep its context"),
    kind: Optional[list[str]] = typer.Option(
        None, "--kind", help="only documents of this kind (repeatable), e.g. ruling"
    ),
    ruling: Optional[str] = typer.Option(None, "--ruling", help="only this ruling and documents citing it"),
    entry: Optional[str] = typer.Option(None, "--entry", help="only documents of this entry"),
    part: Optional[str] = typer.Option(None, "--part", help="only documents naming this part or its entries"),
    since: Optional[str] = typer.Option(None, "--since", help="documents dated on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--until", help="documents dated on or before YYYY-MM-DD"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Answer a question from the ingested records, with citations (or with the checks' findings).

    Example: faprep ask "Which parts have inconsistent classifications?"
    """
    from assistant.services import asking
    from assistant.services.asking import AskInput
    from assistant.services.inputs import made

    given = made(
        AskInput,
        question=question,
        session_id=session,
        kinds=kind or None,
        ruling=ruling,
        entry=entry,
        part=part,
        since=since,
        until=until,
    )
    with opened_runtime(workspace) as (runtime, caller):
        result = asking.ask(runtime, caller, given)
    if as_json:
        print(json.dumps(result.public(), indent=2))
        return
    if result.resolved:
        console.print(f"Understood as: {result.resolved}", style="dim", markup=False, highlight=False)
    console.print(result.answer, markup=False, highlight=False)
    for c in result.citations:
        if c.is_record:
            more = f" of {c.row_count}" if c.row_count > len(c.rows) else ""
            console.print(
                f"[{c.n}] {c.source}, row(s) {', '.join(map(str, c.rows[:10]))}{' ...' if len(c.rows) > 10 else ''}"
                f"{more} (record: {c.how} = {c.value})",
                markup=False,
                highlight=False,
            )
            continue
        if c.is_law:
            as_of = f", as amended through {c.as_of}" if c.as_of else ""
            console.print(f"[{c.n}] {c.cite} {c.title} (law shelf{as_of})", markup=False, highlight=False)
            continue
        where = f"{c.source}" + (f", page {c.page}" if c.page is not None else "")
        console.print(
            f"[{c.n}] {where} ({c.kind}{', ' + c.ruling_number if c.ruling_number else ''}"
            f"{f', OCR, confidence {c.ocr_confidence:.2f}' if c.ocr_confidence is not None else ''})",
            markup=False,
            highlight=False,
        )
    for flag in result.flags:
        err.print(f"[yellow]flag:[/] {flag}")
    console.print(f"[dim]session {result.session_id} (follow up with --session {result.session_id})[/]")
