"""Renderings of a ``CheckRun``: Markdown (prompts/findings_report.md.j2) and XLSX (a summary sheet,
a sheet per check with its evidence rows, the checks and their parameters, the notes).

Findings of one check that share a cause (``Finding.cause``) are shown under one summary row: in the
XLSX as a bold row with the findings in a collapsed outline group beneath it, in Markdown as one
section listing them."""

from __future__ import annotations

import re
from pathlib import Path

import prompts
from assistant.checks import CheckRun, group_of
from assistant.errors import BadInput

LEGAL_NOTE = prompts.LEGAL_NOTE


def to_markdown(run: CheckRun) -> str:
    from prompts import render

    return render("findings_report.md.j2", run=run, clusters=run.clusters(), group_of=group_of)


FILLS = {"high": "F8CBAD", "medium": "FFE699", "low": "DDEBF7"}  # severity -> the summary cell's fill
SUMMARY_HEADER = [
    "severity",
    "check",
    "id",
    "title",
    "entries",
    "duty at stake",
    "how computed",
    "legal basis",
    "recommendation",
]
SUMMARY_WIDTHS = [9, 22, 32, 60, 30, 14, 50, 28, 80]


def to_xlsx(run: CheckRun, path: Path) -> None:
    from openpyxl import Workbook

    run.complete()
    wb = Workbook()
    _summary_sheet(wb.active, run)
    for c in run.checks:
        _evidence_sheet(wb, c.id, [f for f in run.findings if f.check == c.id])
    _sheet(
        wb,
        "Checks",
        ["check", "findings", "what counts", "legal basis", "parameters"],
        [
            [
                c.id,
                c.findings,
                c.description,
                "; ".join(c.legal_basis),
                "; ".join(f"{k} = {v}" for k, v in c.parameters.items()),
            ]
            for c in run.checks
        ],
        {3: 90, 4: 35, 5: 60},
    )
    _sheet(wb, "Notes", ["note"], [[n] for n in run.notes] or [["none"]], {1: 120})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def _summary_sheet(summary, run: CheckRun) -> None:
    """The title, the legal note, then a row per finding; findings that share a cause under one bold row."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    summary.title = "Summary"
    summary.append([f"Findings report — workspace {run.workspace}, as of {run.as_of}"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append([LEGAL_NOTE])
    summary.append([])
    summary.append(SUMMARY_HEADER)
    for c in summary[4]:
        c.font = Font(bold=True)
    # One summary row per shared cause, its findings under it (an outline group, collapsed).
    summary.sheet_properties.outlinePr.summaryBelow = False
    for cluster in run.clusters():
        if len(cluster) > 1:
            _cause_row(summary, group_of(cluster))
        for f in cluster:
            _finding_row(summary, f, grouped=len(cluster) > 1)
    for i, w in enumerate(SUMMARY_WIDTHS, start=1):
        summary.column_dimensions[get_column_letter(i)].width = w
    summary.freeze_panes = "A5"


def _cause_row(summary, g) -> None:
    """The bold row of findings that share a cause: how many, the entries, the duty at stake."""
    from openpyxl.styles import Font, PatternFill

    summary.append([g.severity, g.check, f"{g.count:,} findings", g.title, f"{g.entries:,} entries", g.amount_at_risk])
    row = summary.max_row
    for cell in summary[row]:
        cell.font = Font(bold=True)
    summary.cell(row, 1).fill = PatternFill("solid", fgColor=FILLS[g.severity])
    summary.cell(row, 6).number_format = '"$"#,##0.00'


def _finding_row(summary, f, grouped: bool) -> None:
    """A finding's row; under a cause's row, in its outline group, collapsed."""
    from openpyxl.styles import Alignment, PatternFill

    summary.append(
        [
            f.severity,
            f.check,
            f.id,
            f.title,
            ", ".join(f.entries),
            f.amount_at_risk,
            f.amount_basis,
            "; ".join(f.legal_basis),
            f.recommendation,
        ]
    )
    row = summary.max_row
    summary.cell(row, 1).fill = PatternFill("solid", fgColor=FILLS[f.severity])
    summary.cell(row, 6).number_format = '"$"#,##0.00'
    for col in (4, 7, 9):
        summary.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
    if grouped:
        summary.row_dimensions[row].outlineLevel = 1
        summary.row_dimensions[row].hidden = True


def _evidence_sheet(wb, check_id: str, items: list) -> None:
    """A check's sheet: a row per evidence row of its findings, the columns every row has (first seen first)."""
    keys: list[str] = []
    for f in items:
        for r in f.evidence_rows:
            keys += [k for k in r if k not in keys]
    rows = [[f.id, f.severity] + [r.get(k) for k in keys] for f in items for r in f.evidence_rows]
    _sheet(wb, check_id, ["finding", "severity", *keys], rows)


def _sheet(wb, title: str, header: list[str], rows: list[list], widths: dict[int, int] | None = None):
    """A sheet with a bold, frozen header row; a column's width from ``widths`` or its header."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_sheet_name(title))
    ws.append(header)
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(v) for v in r])
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, min(60, max(10, len(h) + 2)))
    return ws


def write(run: CheckRun, path: Path) -> Path:
    """Write the report in the format the suffix names: ``.xlsx``, ``.md`` or ``.json``."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        to_xlsx(run, path)
    elif suffix in (".md", ".markdown"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_markdown(run))
    elif suffix == ".json":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(run.model_dump_json(indent=2))
    else:
        raise BadInput(f"{path}: unknown report format {suffix or '(none)'}; use .xlsx, .md or .json", field="format")
    return path


def _sheet_name(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31]


def _cell(v):
    if v is None or isinstance(v, (int, float, str)):
        return v
    return str(v)
