"""``faprep draft``: the pre-assessment survey answers, the response to an FA draft report, and a prior
disclosure for findings of the checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from assistant.cli.common import WorkspaceOpt, app, command, console, opened_runtime


def _draft_footer(note: str, out: list[Path], hint: str) -> None:
    console.print(note)
    for path in out:
        console.print(f"draft written: {path}")
    if not out:
        console.print(hint)


draft_app = typer.Typer(
    no_args_is_help=True,
    help="Draft the pre-assessment survey answers, the response to a draft report, and a prior disclosure.",
)
app.add_typer(draft_app, name="draft")


@command(draft_app, "survey")
def draft_survey(
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write the draft: .docx (editable), .md or .json; repeatable"
    ),
    questionnaire: Optional[Path] = typer.Option(
        None, "--questionnaire", "-q", help="your own questionnaire: PDF, DOCX, MD or TXT with numbered questions"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the answers as JSON (docs/data-formats.md section 5)"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Draft answers to the FA pre-assessment survey from your written procedures, records and checks.

    Each answer quotes the compliance manual and broker instructions (cited, with page), adds facts
    computed from the records and the exceptions the checks found. A question no written procedure
    answers is a gap, listed and highlighted, never filled with invented text.

    Example: faprep draft survey --out survey.docx --out survey.md
    """
    from assistant.drafting import survey as drafting
    from assistant.services import drafts

    with opened_runtime(workspace) as (runtime, caller):
        survey, _ = drafts.draft_survey(runtime, caller, questionnaire, out=out)
    if as_json:
        print(json.dumps(survey.public(), indent=2))
        return
    gapped = [a for a in survey.answers if a.gaps]
    console.print(
        f"[bold]Pre-assessment survey[/] — workspace '{survey.workspace}', {survey.as_of}: "
        f"{len(survey.answers)} questions, {len(survey.answers) - len(gapped)} answered from written "
        f"procedures, {len(gapped)} with gaps"
    )
    t = Table(show_lines=False)
    t.add_column("question", overflow="fold")
    t.add_column("sources", justify="right")
    t.add_column("exceptions", justify="right")
    t.add_column("gap", justify="center")
    for a in survey.answers:
        t.add_row(
            f"{drafting.question_label(a.question_id)} {a.question}",
            str(len(a.citations)),
            str(len(a.exceptions)),
            "[yellow]GAP[/]" if a.gaps else "",
        )
    console.print(t)
    _draft_footer(survey.note, out, "the answers in full: faprep draft survey --out survey.docx (or .md, or --json)")


@command(draft_app, "rebuttal")
def draft_rebuttal(
    report: Path = typer.Argument(..., help="the FA draft report: PDF, DOCX or text with 'Finding N: title' headings"),
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write the response: .docx (editable), .md or .json; repeatable"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the responses as JSON (docs/data-formats.md section 5)"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Draft a response to each finding of an FA draft report, tested against your records.

    Each finding gets a position (agree, disagree, partial), the evidence from the records and the
    checks, cited sources and, where the finding holds, a corrective action plan. A finding faprep
    cannot test is marked for review, never given a guessed position.

    Example: faprep draft rebuttal documents/CBP_FA_Draft_Report.pdf --out response.docx
    """
    from assistant.services import drafts

    with opened_runtime(workspace) as (runtime, caller):
        result, _ = drafts.draft_rebuttal(runtime, caller, report, out=out)
    if as_json:
        print(json.dumps(result.public(), indent=2))
        return
    console.print(
        f"[bold]Response to the draft report[/] {report.name} — workspace '{result.workspace}', "
        f"{result.as_of}: {len(result.responses)} finding(s)"
    )
    t = Table(show_lines=False)
    t.add_column("finding", overflow="fold")
    t.add_column("position", no_wrap=True)
    t.add_column("sources", justify="right")
    t.add_column("checks run", overflow="fold")
    for r in result.responses:
        t.add_row(
            f"{r.number}. {r.title}" + (f"\n[yellow]review: {'; '.join(r.flags)}[/]" if r.flags else ""),
            r.position.upper(),
            str(len(r.citations)),
            ", ".join(r.checks_run),
        )
    console.print(t)
    _draft_footer(
        result.note, out, "the responses in full: faprep draft rebuttal REPORT --out response.docx (or .md, or --json)"
    )


@command(draft_app, "disclosure")
def draft_disclosure(
    finding: list[str] = typer.Option(..., "--finding", "-f", help="a finding id of faprep check; repeatable"),
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write the draft: .docx (editable), .md or .json; repeatable"
    ),
    audit_sample: Optional[int] = typer.Option(
        None, "--audit-sample", help="include the mock audit's projection over a sample of this many lines"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the draft as JSON (docs/data-formats.md section 5)"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Draft a prior disclosure (19 CFR 162.74) for findings of the checks: the merchandise, every entry
    affected with its port, date and loss, the false statements and the true information, the tender, the
    addressing, and whether CBP has already raised each finding (the FA timeline). For review by counsel.

    Example: faprep draft disclosure --finding undeclared_assist:PAY-0117 -o disclosure.docx
    """
    from assistant.services import drafts

    with opened_runtime(workspace) as (runtime, caller):
        d, _ = drafts.draft_disclosure(runtime, caller, finding, audit_sample=audit_sample, out=out)
    if as_json:
        print(json.dumps(d.public(), indent=2))
        return
    console.print(
        f"[bold]Prior disclosure draft[/] — workspace '{d.workspace}', {d.as_of}: {len(d.findings)} finding(s), "
        f"{len(d.entries)} entries, loss {d.loss['duty']:,.2f} duty + {d.loss['fees']:,.2f} fees = "
        f"[bold]{d.loss['total']:,.2f}[/]"
    )
    t = Table(show_lines=False)
    for col in ("entry", "port", "date", "lines", "loss"):
        t.add_column(col, justify="right" if col == "loss" else "left")
    for e in d.entries[:50]:
        t.add_row(e.entry, e.port or "", e.date or "", ", ".join(map(str, e.lines)), f"{e.loss:,.2f}")
    console.print(t)
    if len(d.entries) > 50:
        console.print(f"... and {len(d.entries) - 50} more entries (--json or --out)")
    for k in d.knowledge:
        style = "red" if k.raised_by_cbp else "green"
        console.print(f"[{style}]{k.finding}:[/] {k.why}")
    for name, ok in d.elements.items():
        console.print(f"{name}: {'drawn from the records' if ok else '[yellow]to complete[/]'}")
    _draft_footer(
        d.note, out, "the letter in full: faprep draft disclosure ... --out disclosure.docx (or .md, or --json)"
    )
