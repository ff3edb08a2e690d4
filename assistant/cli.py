"""``faprep`` command line. Commands only translate arguments to services and render results.

Heavy libraries (torch, Chroma, DuckDB) are imported inside the commands, so ``faprep --help``
starts fast.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import BadInput, FaprepError, Unavailable
from assistant.formats import money

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="faprep: get ready for a CBP Focused Assessment. Ingest your records, run the checks, ask with citations.",
)
console = Console()
err = Console(stderr=True)

WorkspaceOpt = typer.Option(
    None, "--workspace", "-w", help="case workspace name (default: FAPREP_WORKSPACE or 'default')"
)


def _settings(workspace: str | None):
    from assistant.config import get_settings

    settings = get_settings(workspace=workspace)
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


def _activity(settings, action: str, inputs: dict, workspace: bool = True, **extra) -> None:
    """An entry in the activity log for a command run here: the user is the operating-system user;
    ``workspace=False`` for actions on the whole home (users), which name no workspace."""
    import getpass

    from assistant.stores.activity import ActivityLog

    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        who = str(os.getuid())
    ActivityLog(settings.home / "activity.jsonl").append(
        f"cli:{who}",
        settings.workspace if workspace else None,
        action,
        {k: v for k, v in inputs.items() if v not in (None, [], "")},
        **extra,
    )


def _command(group: typer.Typer, name: str | None = None):
    """Register a command whose failures faprep raises on purpose (``FaprepError``) and file-system
    errors are one line on stderr and exit status 2, never a traceback: the CLI's one error renderer."""

    def register(fn):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except (FaprepError, OSError) as exc:
                err.print(f"[red]error:[/] {exc}", markup=True, highlight=False)
                raise typer.Exit(2) from None

        return group.command(name)(run)

    return register


class _RichProgress:
    """Rich progress bar for ingest: files, chunks embedded, current phase."""

    def __init__(self, quiet: bool = False):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.quiet = quiet
        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            console=err,
            transient=True,
            disable=quiet,
        )
        self.files = self.chunks = None

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def start(self, total_files: int) -> None:
        self.files = self.bar.add_task("files", total=total_files, info="")
        self.chunks = self.bar.add_task("chunks embedded", total=None, info="")

    def file_done(self, outcome) -> None:
        self.bar.update(self.files, advance=1, info=outcome.path[-50:])

    def chunks_embedded(self, n: int) -> None:
        self.bar.update(self.chunks, advance=n)

    def phase(self, text: str) -> None:
        self.bar.update(self.files, info=text)


@_command(app)
def ingest(
    paths: list[Path] = typer.Argument(..., help="case folder(s) or single files"),
    prune: bool = typer.Option(
        False, "--prune", help="remove from the workspace files that disappeared from the folders given"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the ingest report as JSON"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Ingest a case folder: records into DuckDB, documents into Chroma and the lexical index.

    Idempotent: unchanged files are skipped, changed files replaced. Exit status 0 when every
    input was ingested, 1 when some files or rows were rejected (listed with reasons).

    Example: faprep ingest ./acme --prune
    """
    from assistant import services

    settings = _settings(workspace)
    with _RichProgress(quiet=as_json or not err.is_terminal) as progress:
        report = services.ingest(settings, paths, prune=prune, progress=progress)
    _activity(settings, "ingest", {"paths": [str(p) for p in paths], "prune": prune}, totals=report.totals())
    if as_json:
        from ingest.pipeline import report_json

        print(report_json(report))
    else:
        _print_ingest_report(report, settings)
    raise typer.Exit(report.exit_code)


def _print_ingest_report(report, settings) -> None:
    t = report.totals()
    table = Table(title=f"Ingest of workspace '{settings.workspace}'", show_lines=False)
    for col in ("files", "ingested", "skipped", "rejected", "pruned", "rows", "rejected rows", "pages", "chunks"):
        table.add_column(col, justify="right")
    table.add_row(
        *(
            str(t[k])
            for k in ("files", "ingested", "skipped", "rejected", "pruned", "rows", "rejected_rows", "pages", "chunks")
        )
    )
    console.print(table)
    kinds: dict[str, int] = {}
    for f in report.files:
        if f.status in ("ingested", "partial", "skipped") and f.kind:
            kinds[f.kind] = kinds.get(f.kind, 0) + 1
    if kinds:
        console.print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    problems = [f for f in report.files if f.status in ("rejected", "partial")]
    if problems:
        pt = Table(title="Rejected inputs", title_style="bold red")
        pt.add_column("file")
        pt.add_column("row", justify="right")
        pt.add_column("field")
        pt.add_column("reason")
        for f in problems:
            if f.status == "rejected":
                pt.add_row(f.path, "", "", f.reason)
            for r in f.row_rejects[:20]:
                pt.add_row(f.path, str(r["row"] or ""), r["field"] or "", r["reason"])
            if len(f.row_rejects) > 20:
                pt.add_row(f.path, "", "", f"... {len(f.row_rejects) - 20} more (see faprep ingest --json)")
        console.print(pt)
    console.print(
        f"done in {report.seconds:.1f} s"
        + ("" if report.ok else " — [red]some inputs were rejected (exit status 1)[/]")
    )


@_command(app)
def status(
    as_json: bool = typer.Option(False, "--json"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """What the workspace holds: files by kind, rows per table, chunks, last ingest.

    Example: faprep status --json
    """
    from assistant import services

    st = services.status(_settings(workspace))
    if as_json:
        print(json.dumps(st, indent=2, default=str))
        return
    if not st["exists"]:
        console.print(f"workspace {st['workspace']} is empty: run `faprep ingest CASE_FOLDER` first")
        return
    console.print(f"workspace: {st['workspace']}")
    tt = Table(title="Records and index")
    tt.add_column("table")
    tt.add_column("rows", justify="right")
    for k, v in st["tables"].items():
        tt.add_row(k, f"{v:,}")
    tt.add_row(
        f"lexical index (chunks, {st.get('lexical_segments', 0)} segment(s))", f"{st.get('lexical_chunks', 0):,}"
    )
    console.print(tt)
    ft = Table(title="Files")
    for c in ("category", "kind", "status", "files"):
        ft.add_column(c)
    for r in st["files_by_kind"]:
        ft.add_row(r["category"], r["kind"], r["status"], str(r["files"]))
    console.print(ft)
    if st.get("last_ingest"):
        li = st["last_ingest"]
        console.print(f"last ingest: run {li['run_id']} finished {li['finished']} ({li['status']})")


SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


@_command(app)
def check(
    as_json: bool = typer.Option(False, "--json", help="print the findings as JSON (DATA-FORMATS section 4)"),
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write a report: .xlsx (a sheet per check), .md or .json; repeatable"
    ),
    only: list[str] = typer.Option([], "--check", "-c", help="run only this check id; repeatable"),
    part: Optional[str] = typer.Option(None, "--part", help="only findings about this part number"),
    entry: Optional[str] = typer.Option(None, "--entry", help="only findings about this entry number"),
    payment: Optional[str] = typer.Option(None, "--payment", help="only findings about this payment id"),
    severity: Optional[str] = typer.Option(None, "--severity", help="only high, medium or low"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Run the deterministic checks over the ingested records and list the findings by severity.

    Every finding carries row-level evidence, the duty at stake where it can be computed, its legal
    basis and a recommendation. Classification findings are flags for review by the importer and its
    licensed customs broker, not classification decisions.

    Example: faprep check --out findings.xlsx --out findings.md
    """
    from assistant import services
    from assistant.checks import group_of, report
    from assistant.checks.base import SEVERITY_ORDER

    settings = _settings(workspace)
    run = services.run_checks(
        settings, checks=only or None, part_number=part, entry=entry, payment_id=payment, severity=severity
    )
    inputs = {"check": only, "part": part, "entry": entry, "payment": payment, "severity": severity}
    _activity(settings, "check", inputs, findings=len(run.findings), out=[str(p) for p in out])
    for path in out:
        report.write(run, path)
    if as_json:
        print(run.model_dump_json(indent=2))
        return
    console.print(
        f"[bold]Findings[/] — workspace '{run.workspace}', as of {run.as_of}: {len(run.findings)} finding(s), "
        f"duty at stake {money(run.amount_at_risk)} where computable"
    )
    by_severity: dict[str, list[list]] = {}
    for cluster in run.clusters():
        by_severity.setdefault(group_of(cluster).severity, []).append(cluster)
    for sev, clusters in sorted(by_severity.items(), key=lambda kv: SEVERITY_ORDER[kv[0]]):
        t = Table(
            title=f"{sev.upper()} ({sum(len(c) for c in clusters)})",
            title_style=SEVERITY_STYLE[sev],
            title_justify="left",
            show_lines=False,
        )
        t.add_column("finding (id)", overflow="fold")
        t.add_column("duty at stake", justify="right", no_wrap=True)
        for cluster in clusters:
            if len(cluster) == 1:
                t.add_row(f"{cluster[0].title}\n[dim]{cluster[0].id}[/]", money(cluster[0].amount_at_risk))
                continue
            g = group_of(cluster)
            shown = ", ".join(g.findings[:3])
            t.add_row(
                f"[bold]{g.title}[/] ({g.check})\n[dim]{shown}, ... (every finding: --json or --out)[/]",
                money(g.amount_at_risk),
            )
        console.print(t)
    for n in run.notes:
        console.print(f"[dim]note: {n}[/]")
    console.print(report.LEGAL_NOTE)
    for path in out:
        console.print(f"report written: {path}")
    if not out:
        console.print("evidence and recommendations: faprep check --json, or --out findings.xlsx / findings.md")


@_command(app)
def audit(
    sample: int = typer.Option(..., "--sample", "-n", help="number of entry lines to sample (at least 2)"),
    seed: int = typer.Option(1, "--seed", help="random seed: the same data, sample size and seed give the same sample"),
    strata: int = typer.Option(3, "--strata", help="value strata (about equal total value each)"),
    since: Optional[str] = typer.Option(
        None, "--since", help="review period start, YYYY-MM-DD (default: start of the retention period)"
    ),
    until: Optional[str] = typer.Option(None, "--until", help="review period end, YYYY-MM-DD (default: as of today)"),
    as_json: bool = typer.Option(False, "--json"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Mock transaction test: draw a value-stratified random sample of entry lines, test each with
    the line-level checks, and project the compliance rate and loss of revenue with 95% intervals.

    Example: faprep audit --sample 60 --seed 7
    """
    from assistant import services
    from assistant.normalize import iso_date

    settings = _settings(workspace)
    period = [iso_date(d, name) for name, d in (("since", since), ("until", until))]
    result = services.audit(settings, sample, seed=seed, strata=strata, since=period[0], until=period[1])
    _activity(
        settings,
        "mock audit",
        {"sample": sample, "seed": seed, "strata": strata, "since": since, "until": until},
        compliance_rate=result.compliance_rate,
    )
    if as_json:
        print(result.model_dump_json(indent=2))
        return
    console.print(
        f"[bold]Mock transaction test[/] — entry lines entered {result.period_start} to {result.period_end}, "
        f"seed {result.seed}"
    )
    if not result.population_lines:
        console.print("no entry lines with a value in that period")
        return
    st = Table(title="Strata (by entered value)")
    for c in ("stratum", "value range", "lines", "value", "sampled", "errors", "loss found"):
        st.add_column(c, justify="right")
    for s in result.strata:
        st.add_row(
            str(s.stratum),
            f"{money(s.value_from)} – {money(s.value_to)}",
            f"{s.population_lines:,}",
            money(s.population_value),
            str(s.sample_lines),
            str(s.errors),
            money(s.sample_loss),
        )
    console.print(st)
    lo, hi = result.compliance_ci95
    plo, phi = result.projected_loss_ci95
    console.print(
        f"compliance rate: [bold]{result.compliance_rate:.1%}[/] (95% CI {lo:.1%} – {hi:.1%}); "
        f"{len(result.errors)} of {result.sample_size} sampled lines in error"
    )
    console.print(
        f"projected loss of revenue: [bold]{money(result.projected_loss)}[/] (95% CI {money(plo)} – {money(phi)}); "
        f"found in the sample {money(result.sample_loss)}"
    )
    if result.errors:
        et = Table(title="Errors in the sample")
        for c in ("entry", "line", "part", "value", "errors", "loss"):
            et.add_column(c)
        for ln in result.errors:
            et.add_row(
                ln.entry,
                str(ln.line),
                ln.part_number or "",
                money(ln.value),
                ", ".join(ln.errors),
                money(ln.loss) if ln.loss_known else "n/a",
            )
        console.print(et)
        unknown = sum(1 for ln in result.errors if not ln.loss_known)
        if unknown:
            console.print(f"{unknown} error(s) have no computable duty (n/a): the projected loss is a lower bound")
    gaps = [ln for ln in result.lines if ln.missing_records]
    if gaps:
        console.print(
            "records not found for sampled entries: "
            + "; ".join(sorted({f"{ln.entry} ({', '.join(ln.missing_records)})" for ln in gaps}))
        )
    console.print("[dim]method: faprep audit --json prints it in full (stratified estimates, Wilson interval)[/]")


@_command(app)
def ask(
    question: str = typer.Argument(..., help="the question, in quotes"),
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON (DATA-FORMATS section 5)"),
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
    from assistant.answering.ask import Assistant, parse_filters

    settings = _settings(workspace)
    filters = parse_filters(kind, ruling, entry, part, since, until)
    assistant = Assistant(settings)
    try:
        result = assistant.ask(question, session_id=session, filters=filters)
    finally:
        assistant.close()
    _activity(
        settings,
        "ask",
        {"question": question, "session_id": session, "kind": kind, "ruling": ruling, "entry": entry, "part": part},
        result={"mode": result.mode, "citations": [c.source for c in result.citations], "tools": result.tools_called},
    )
    if as_json:
        print(json.dumps(result.public(), indent=2))
        return
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


@_command(app)
def model(as_json: bool = typer.Option(False, "--json")) -> None:
    """Verify the embedding and OCR models and prepare the embedding runtime (the ONNX export, once).

    `make install` runs it, so the first ingest does not pay the one-time export, and a model file
    that is missing or altered is found before any ingest.

    Example: faprep model --json
    """
    from assistant.stores.embeddings import get_embedder, model_cache

    settings = _settings(None)
    emb = get_embedder(settings)
    info = {
        "name": emb.name,
        "directory": str(emb.model_dir),
        "weights_sha256": emb.sha256,
        "backend": emb.backend,
        "dimension": emb.dimension,
        "max_tokens": emb.max_tokens,
        "cache": str(model_cache(settings)),
    }
    if emb.backend == "onnx":
        info["onnx_sha256"] = emb.onnx_sha256
    from ingest.ocr import model_dir, verify_models

    info["ocr_models"] = {"directory": str(model_dir()), **verify_models()}
    if as_json:
        print(json.dumps(info, indent=2))
        return
    for k, v in info.items():
        print(f"{k:>15}: {v}")


@_command(app)
def serve(
    host: str = typer.Option("127.0.0.1", help="address to bind (default loopback only)"),
    port: int = typer.Option(7860),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Serve the HTTP API (/api, OpenAPI at /docs) and the web UI (/) on HOST:PORT.

    Loopback only unless --host says otherwise. Serves every workspace under FAPREP_HOME
    (/api/w/NAME/...; the default one also at /api/...). With users (faprep users add) or
    FAPREP_API_KEY, every /api request needs "Authorization: Bearer <key>" and the UI a sign-in.

    Example: faprep users add dana --role preparer --workspace acme && faprep serve --port 7860
    """
    import uvicorn

    from assistant.stores.users import Users
    from assistant.web.app import create_app

    settings = _settings(workspace)
    users = len(Users(settings.home).all())
    who = (
        f"{users} user(s)" + (" and the admin key" if settings.api_key else "")
        if users
        else "the admin key"
        if settings.api_key
        else "no key and no user: anyone who can reach the port can use it"
    )
    if settings.trusted_proxies:
        who += f"; single sign-on from {', '.join(settings.trusted_proxies)} ({settings.user_header})"
    console.print(
        f"faprep serving FAPREP_HOME {settings.home} (default workspace '{settings.workspace}') on http://{host}:{port}/ ({who})"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@_command(app)
def demo(
    folder: Path = typer.Option(Path("sample_case"), help="where to build the sample case"),
    serve_after: bool = typer.Option(True, "--serve/--no-serve"),
    port: int = typer.Option(7860),
    workspace: Optional[str] = typer.Option("demo", "--workspace", "-w"),
) -> None:
    """Build the sample case, ingest it, then serve it.

    Example: faprep demo --no-serve
    """
    from assistant import services
    from evaluation.datasets.sample_case import build_sample_case

    settings = _settings(workspace)
    console.print(f"building sample case in {folder} ...")
    build_sample_case(folder)
    with _RichProgress(quiet=not err.is_terminal) as progress:
        report = services.ingest(settings, [folder], prune=True, progress=progress)
    _print_ingest_report(report, settings)
    if serve_after:
        serve(host="127.0.0.1", port=port, workspace=workspace)


def _make_draft(out: list[Path], workspace: str | None, as_json: bool, make, write):
    """A draft command's work: refuse an output faprep cannot write (before drafting), ``make(settings)``,
    ``write(draft, settings, path)`` for each output, expected failures as messages; the JSON printed
    when asked (then None is returned, nothing more to show)."""
    from assistant.drafting.survey import OUTPUT_SUFFIXES

    for path in out:
        if path.suffix.lower() not in OUTPUT_SUFFIXES:
            raise BadInput(f"{path}: the output must end in .docx, .md or .json", field="out")
    settings = _settings(workspace)
    draft = make(settings)
    for path in out:
        write(draft, settings, path)
    _activity(
        settings, f"draft {getattr(write, '__name__', 'draft').removeprefix('write_')}", {"out": [str(p) for p in out]}
    )
    if as_json:
        print(json.dumps(draft.public(), indent=2))
        return None
    return draft


def _draft_footer(note: str, out: list[Path], hint: str) -> None:
    console.print(note)
    for path in out:
        console.print(f"draft written: {path}")
    if not out:
        console.print(hint)


draft_app = typer.Typer(
    no_args_is_help=True, help="Draft the pre-assessment survey answers and the response to a draft report."
)
app.add_typer(draft_app, name="draft")


@_command(draft_app, "survey")
def draft_survey(
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write the draft: .docx (editable), .md or .json; repeatable"
    ),
    questionnaire: Optional[Path] = typer.Option(
        None, "--questionnaire", "-q", help="your own questionnaire: PDF, DOCX, MD or TXT with numbered questions"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the answers as JSON (DATA-FORMATS section 5)"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Draft answers to the FA pre-assessment survey from your written procedures, records and checks.

    Each answer quotes the compliance manual and broker instructions (cited, with page), adds facts
    computed from the records and the exceptions the checks found. A question no written procedure
    answers is a gap, listed and highlighted, never filled with invented text.

    Example: faprep draft survey --out survey.docx --out survey.md
    """
    from assistant.drafting import survey as drafting

    survey = _make_draft(
        out, workspace, as_json, lambda settings: drafting.draft_survey(settings, questionnaire), drafting.write_survey
    )
    if survey is None:
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


@_command(draft_app, "rebuttal")
def draft_rebuttal(
    report: Path = typer.Argument(..., help="the FA draft report: PDF, DOCX or text with 'Finding N: title' headings"),
    out: list[Path] = typer.Option(
        [], "--out", "-o", help="write the response: .docx (editable), .md or .json; repeatable"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the responses as JSON (DATA-FORMATS section 5)"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Draft a response to each finding of an FA draft report, tested against your records.

    Each finding gets a position (agree, disagree, partial), the evidence from the records and the
    checks, cited sources and, where the finding holds, a corrective action plan. A finding faprep
    cannot test is marked for review, never given a guessed position.

    Example: faprep draft rebuttal documents/CBP_FA_Draft_Report.pdf --out response.docx
    """
    from assistant.drafting import rebuttal as rb

    result = _make_draft(
        out, workspace, as_json, lambda settings: rb.draft_rebuttal(settings, report), rb.write_rebuttal
    )
    if result is None:
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


users_app = typer.Typer(
    help="The people who use `faprep serve`: add, list, rotate keys, remove. Keys are shown once.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@_command(users_app, "add")
def users_add(
    name: str = typer.Argument(..., help="the user's name (letters, digits, . _ @ -)"),
    role: str = typer.Option(..., "--role", help="viewer, preparer or admin"),
    workspace: list[str] = typer.Option(
        [], "--workspace", "-w", help="a workspace granted; repeatable (admins see all)"
    ),
) -> None:
    """Add a user and print their key, once: only its hash is kept.

    Example: faprep users add dana --role preparer --workspace acme --workspace globex
    """
    from assistant.stores.users import Users

    settings = _settings(None)
    user, key = Users(settings.home).add(name, role, workspace, _now())
    _activity(settings, "users add", {"name": name, "role": role, "workspaces": workspace}, workspace=False)
    console.print(f"user {user.name} ({user.role}; workspaces: {', '.join(user.public()['workspaces']) or 'none'})")
    console.print("key (shown once; give it to the user, who sends 'Authorization: Bearer <key>'):")
    print(key)


@_command(users_app, "list")
def users_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """The users: name, role, workspaces, when added and when their key was made (never the key)."""
    from assistant.stores.users import Users

    users = [u.public() for u in Users(_settings(None).home).all().values()]
    if as_json:
        print(json.dumps({"users": users}, indent=2))
        return
    t = Table(title=f"{len(users)} user(s)", title_justify="left")
    for col in ("name", "role", "workspaces", "added", "key made"):
        t.add_column(col)
    for u in users:
        t.add_row(u["name"], u["role"], ", ".join(u["workspaces"]), u["created"], u["key_made"])
    console.print(t)


@_command(users_app, "key")
def users_key(name: str = typer.Argument(..., help="the user")) -> None:
    """Give a user a new key (printed once); the old key stops working at once."""
    from assistant.stores.users import Users

    settings = _settings(None)
    key = Users(settings.home).rotate(name, _now())
    _activity(settings, "users key", {"name": name}, workspace=False)
    console.print(f"new key for {name} (shown once; the old one no longer works):")
    print(key)


@_command(users_app, "remove")
def users_remove(name: str = typer.Argument(..., help="the user")) -> None:
    """Remove a user; their key stops working at once."""
    from assistant.stores.users import Users

    settings = _settings(None)
    Users(settings.home).remove(name)
    _activity(settings, "users remove", {"name": name}, workspace=False)
    console.print(f"removed {name}")


log_app = typer.Typer(
    help="Who did what: the activity log of the server and the CLI (hash-chained).",
    invoke_without_command=True,
)
app.add_typer(log_app, name="log")


@log_app.callback()
def log_list(
    ctx: typer.Context,
    user: Optional[str] = typer.Option(None, "--user", "-u", help="only this user's entries"),
    since: Optional[str] = typer.Option(None, "--since", help="only entries on or after YYYY-MM-DD (UTC)"),
    as_json: bool = typer.Option(False, "--json", help="print the entries as JSON lines"),
) -> None:
    """List the activity log: time, user, workspace, action, inputs.

    Example: faprep log --user dana --since 2026-11-01
    """
    if ctx.invoked_subcommand is not None:
        return
    import datetime as dt

    from assistant.stores.activity import ActivityLog, select

    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        err.print(f"[red]error:[/] --since {since!r}: not a date YYYY-MM-DD", markup=True, highlight=False)
        raise typer.Exit(2) from None
    entries = select(ActivityLog(_settings(None).home / "activity.jsonl").entries(), user=user, since=day)
    if as_json:
        for e in entries:
            print(json.dumps(e, ensure_ascii=False))
        return
    t = Table(title=f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", title_justify="left")
    for col in ("#", "time (UTC)", "user", "workspace", "action", "inputs"):
        t.add_column(col, overflow="fold")
    for e in entries:
        t.add_row(
            str(e["seq"]),
            e["time"],
            e["user"],
            e.get("workspace") or "",
            e["action"],
            json.dumps(e.get("inputs"))[:200],
        )
    console.print(t)


@_command(log_app, "verify")
def log_verify(
    anchor: Optional[str] = typer.Option(
        None,
        "--anchor",
        help="a hash printed by an earlier verify and kept elsewhere: the log must still reach that entry",
    ),
) -> None:
    """Check the chain: exit 0 when every entry is intact and in order, 1 naming the first bad line.

    A chain cannot show on its own that its last entries were cut off; keep the last hash this prints
    (with the compliance file, or in a ticket) and pass it later as --anchor.
    """
    from assistant.stores.activity import ActivityLog

    log = ActivityLog(_settings(None).home / "activity.jsonl")
    checked, last, problem = log.verify()
    if problem is not None:
        err.print(
            f"[red]broken:[/] {log.path} line {problem.line}: {problem.reason} ({checked} entries before it are intact)"
        )
        raise typer.Exit(1)
    if anchor:
        seq = log.seq_of(anchor)
        if seq is None:
            err.print(
                f"[red]broken:[/] {log.path}: no entry has the hash {anchor.strip()!r}: the log was cut off "
                f"before that entry, or the hash is not from this log (the {checked} entries there are intact)"
            )
            raise typer.Exit(1)
        console.print(f"anchor: entry {seq} is still there")
    console.print(f"intact: {checked} entries in {log.path}; last hash {last or '(none)'}")


@_command(app, "eval")
def evaluate(
    as_json: bool = typer.Option(False, "--json", help="print every metric and each question's result as JSON"),
    workdir: Optional[Path] = typer.Option(None, help="build the case and stores here (default: a temporary folder)"),
    reuse: bool = typer.Option(False, "--reuse", help="with --workdir: keep a case and stores built there before"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="also run the naive LangChain RAG"),
    thresholds: Path = typer.Option(None, help="floors file (default evaluation/thresholds.json)"),
) -> None:
    """Evaluate retrieval, answers and checks on the sample case and the corpus, beside the naive RAG.

    Exits 1 when a metric is below its floor in the thresholds file.

    Example: faprep eval --workdir /tmp/faprep-eval
    """
    try:
        from evaluation.run import THRESHOLDS, render, run_eval
    except ImportError as exc:
        raise Unavailable(
            f"faprep eval needs the eval extra ({exc.name} is missing): pip install 'faprep[eval]'"
        ) from None

    result = run_eval(
        workdir,
        baseline=baseline,
        thresholds=thresholds or THRESHOLDS,
        reuse=reuse,
        say=lambda m: err.print(f"[dim]{m} ...[/]"),
    )
    if as_json:
        print(json.dumps(result, indent=1, default=str))
    else:
        render(result, console)
    if result["failures"]:
        raise typer.Exit(1)


def main() -> None:  # pragma: no cover
    sys.exit(app())
