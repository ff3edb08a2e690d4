"""``faprep`` command line. Commands only translate arguments to services and render results.

Heavy libraries (torch, Chroma, DuckDB) are imported inside the commands, so ``faprep --help``
starts fast.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="faprep: get ready for a CBP Focused Assessment. Ingest your records, run the checks, ask with citations.",
)
console = Console()
err = Console(stderr=True)

WorkspaceOpt = typer.Option(None, "--workspace", "-w", help="case workspace name (default: FAPREP_WORKSPACE or 'default')")


def _settings(workspace: str | None):
    from assistant.config import get_settings

    settings = get_settings(workspace=workspace)
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    return settings


class _RichProgress:
    """Rich progress bar for ingest: files, chunks embedded, current phase."""

    def __init__(self, quiet: bool = False):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.quiet = quiet
        self.bar = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(), console=err, transient=True, disable=quiet,
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


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="case folder(s) or single files"),
    prune: bool = typer.Option(False, "--prune", help="remove from the workspace files that disappeared from the folders given"),
    as_json: bool = typer.Option(False, "--json", help="print the ingest report as JSON"),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Ingest a case folder: records into DuckDB, documents into Chroma and the lexical index.

    Idempotent: unchanged files are skipped, changed files replaced. Exit status 0 when every
    input was ingested, 1 when some files or rows were rejected (listed with reasons).

    Example: faprep ingest ./acme --prune
    """
    from assistant import services
    from assistant.records import WorkspaceBusy

    settings = _settings(workspace)
    try:
        with _RichProgress(quiet=as_json or not err.is_terminal) as progress:
            report = services.ingest(settings, paths, prune=prune, progress=progress)
    except WorkspaceBusy as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2)
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
    table.add_row(*(str(t[k]) for k in ("files", "ingested", "skipped", "rejected", "pruned", "rows", "rejected_rows", "pages", "chunks")))
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
    console.print(f"done in {report.seconds:.1f} s" + ("" if report.ok else " — [red]some inputs were rejected (exit status 1)[/]"))


@app.command()
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
    tt.add_row("lexical index (chunks)", f"{st.get('lexical_chunks', 0):,}")
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


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to bind (default loopback only)"),
    port: int = typer.Option(7860),
    workspace: Optional[str] = WorkspaceOpt,
) -> None:
    """Serve the API and the web page on HOST:PORT.

    Example: faprep serve --port 7860
    """
    import uvicorn

    from assistant.api import create_app

    settings = _settings(workspace)
    console.print(f"faprep serving workspace '{settings.workspace}' on http://{host}:{port}/")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
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


def main() -> None:  # pragma: no cover
    sys.exit(app())
