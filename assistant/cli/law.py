"""``faprep law``: the law shelf (19 CFR and 19 USC that ship with faprep) and newer editions of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from assistant.cli.common import app, command, console, err, runtime_of, settings_of

law_app = typer.Typer(
    help="The law shelf: 19 CFR Parts and 19 USC sections every workspace answers from.",
    invoke_without_command=True,
)
app.add_typer(law_app, name="law")


@law_app.callback()
def law_list(
    ctx: typer.Context,
    as_json: Optional[bool] = typer.Option(False, "--json", help="print the shelf as JSON"),
) -> None:
    """What is on the shelf: each Part (or USC section), its sections, as-of date and sha256.

    Example: faprep law --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from assistant.services import law

    shelf = law.catalogue(settings_of(None))
    if as_json:
        print(json.dumps(shelf, indent=2))
        return
    t = Table(title=f"Law shelf{'' if shelf['enabled'] else ' (off: FAPREP_LAW=off)'}", title_justify="left")
    for col in ("text", "title", "sections", "as of", "sha256", "origin", "indexed"):
        t.add_column(col, overflow="fold")
    for x in shelf["texts"]:
        name = f"{x['source']} {'Part ' if x['source'] == '19 CFR' else ''}{x['part']}"
        t.add_row(
            name,
            x["title"][:60],
            str(x["sections"]),
            x["as_of"] or "",
            x["sha256"][:12],
            x["origin"],
            "yes" if x["indexed"] else "no",
        )
    console.print(t)
    ix = shelf["index"]
    console.print(
        f"index: {ix['chunks']:,} chunks, {ix['bytes'] / 1e6:.1f} MB in {ix['folder']}"
        + (f", built {ix['built']} by {ix['model']}" if ix["built"] else " (built at the first ingest or question)")
    )


@command(law_app, "update")
def law_update(folder: Path = typer.Argument(..., help="a folder of eCFR-style Markdown or plain-text texts")) -> None:
    """Put newer editions on the shelf: each text replaces the one of its Part (or is added); only what
    changed is indexed again. A file that is not regulation text is refused with the reason.

    Example: faprep law update ./ecfr-2026
    """
    from assistant.services import law

    runtime, caller = runtime_of(None)
    result = law.update(runtime, caller, folder, progress=lambda m: err.print(f"[dim]{m}[/]"))
    for t in result["taken"]:
        console.print(f"on the shelf: {t['file']} ({t['source']} {t['part']}, {t['sections']} sections)")
    for r in result["refused"]:
        err.print(f"[red]refused:[/] {r['file']}: {r['reason']}")
    if result["index"]:
        ix = result["index"]
        console.print(f"indexed {len(ix['embedded'])} text(s) in {ix['seconds']:.1f} s; {ix['chunks']:,} chunks")
    if result["refused"] or not result["taken"]:
        raise typer.Exit(1)
