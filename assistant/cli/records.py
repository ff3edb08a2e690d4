"""Commands over a workspace's records: ingest, status, check, the mock audit."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from assistant.cli.common import WorkspaceOpt, app, command, console, err, runtime_of
from assistant.formats import money


class RichProgress:
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


@command(app)
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
    from assistant.services import ingesting

    runtime, caller = runtime_of(workspace)
    with RichProgress(quiet=as_json or not err.is_terminal) as progress:
        report = ingesting.ingest(runtime, caller, paths, prune=prune, progress=progress)
    if as_json:
        from ingest.pipeline import report_json

        print(report_json(report))
    else:
        print_ingest_report(report, runtime.settings)
    raise typer.Exit(report.exit_code)


@command(app)
def reembed(
    as_json: bool = typer.Option(False, "--json", help="print what was done as JSON"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Embed the workspace's documents again with the model and precision now configured.

    A workspace embedded one way (FAPREP_EMBEDDING_PRECISION=fp32 or int8, or another model) is never
    queried the other: asking refuses with the reason until the documents are embedded again. The
    texts come from the workspace's store; the case files are not read again.

    Example: FAPREP_EMBEDDING_PRECISION=int8 faprep reembed
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from assistant.services import ingesting

    runtime, caller = runtime_of(workspace)
    bar = Progress(
        TextColumn("[bold]chunks embedded"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    )
    with bar:
        task = bar.add_task("reembed", total=None)
        done = ingesting.reembed(runtime, caller, lambda n, total: bar.update(task, completed=n, total=total))
    if as_json:
        print(json.dumps(done, indent=2))
        return
    console.print(
        f"{done['chunks']:,} chunks embedded again in {done['seconds']} s with {done['vectors']} "
        f"(were {done['were'] or 'unrecorded'})"
    )


def print_ingest_report(report, settings) -> None:
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


@command(app)
def status(
    as_json: bool = typer.Option(False, "--json"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """What the workspace holds: files by kind, rows per table, chunks, last ingest.

    Example: faprep status --json
    """
    from assistant.services import ingesting

    st = ingesting.status(runtime_of(workspace)[0])
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


@command(app)
def check(
    as_json: bool = typer.Option(False, "--json", help="print the findings as JSON (docs/data-formats.md section 4)"),
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
    from assistant.checks import group_of, report
    from assistant.checks.base import SEVERITY_ORDER
    from assistant.services import checking
    from assistant.services.checking import CheckInput
    from assistant.services.inputs import made

    runtime, caller = runtime_of(workspace)
    given = made(CheckInput, check=only or None, part=part, entry=entry, payment=payment, severity=severity)
    run = checking.check(runtime, caller, given, reports=out)
    if as_json:  # written as it is encoded: a flood of findings is hundreds of megabytes
        sys.stdout.flush()
        report.write_json(run, sys.stdout.buffer)
        sys.stdout.buffer.write(b"\n")
        sys.stdout.buffer.flush()
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


@command(app)
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
    from assistant.normalize import iso_date
    from assistant.services import checking
    from assistant.services.checking import AuditInput
    from assistant.services.inputs import made

    runtime, caller = runtime_of(workspace)
    period = {name: iso_date(d, name) for name, d in (("since", since), ("until", until))}
    result = checking.mock_audit(runtime, caller, made(AuditInput, sample=sample, seed=seed, strata=strata, **period))
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
