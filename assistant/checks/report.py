"""Renderings of a ``CheckRun``: Markdown (prompts/findings_report.md.j2) and XLSX (a summary sheet,
a sheet per check with its evidence rows, the checks and their parameters, the notes).

Findings of one check that share a cause (``Finding.cause``) are shown under one summary row: in the
XLSX as a bold row with the findings in a collapsed outline group beneath it, in Markdown as one
section listing them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

import prompts
from assistant.checks import CheckRun, group_of
from assistant.checks.base import Finding
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
MONEY = '"$"#,##0.00'


def to_xlsx(run: CheckRun, path: Path) -> None:
    """The XLSX report, written row by row as it is built (openpyxl's write-only workbook: a flood of
    findings is never held as a grid of styled cells)."""
    from openpyxl import Workbook

    run.complete()
    wb = Workbook(write_only=True)
    styles = _Styles()
    _summary_sheet(wb.create_sheet("Summary"), run, styles)
    for c in run.checks:
        _evidence_sheet(wb, c.id, [f for f in run.findings if f.check == c.id], styles)
    _sheet(
        wb,
        "Checks",
        ["check", "findings", "what counts", "legal basis", "parameters"],
        (
            [
                c.id,
                c.findings,
                c.description,
                "; ".join(c.legal_basis),
                "; ".join(f"{k} = {v}" for k, v in c.parameters.items()),
            ]
            for c in run.checks
        ),
        styles,
        {3: 90, 4: 35, 5: 60},
    )
    _sheet(wb, "Notes", ["note"], [[n] for n in run.notes] or [["none"]], styles, {1: 120})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


class _Styles:
    """The report's cell styles, made once for every row."""

    def __init__(self):
        from openpyxl.styles import Alignment, Font, PatternFill

        self.bold = Font(bold=True)
        self.title = Font(bold=True, size=13)
        self.fills = {sev: PatternFill("solid", fgColor=color) for sev, color in FILLS.items()}
        self.wrap = Alignment(wrap_text=True, vertical="top")

    def cell(self, ws, value, font=None, fill=None, number_format=None, alignment=None):
        from openpyxl.cell import WriteOnlyCell

        c = WriteOnlyCell(ws, value=value)
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if number_format is not None:
            c.number_format = number_format
        if alignment is not None:
            c.alignment = alignment
        return c


def _summary_sheet(summary, run: CheckRun, styles: _Styles) -> None:
    """The title, the legal note, then a row per finding; findings that share a cause under one bold row."""
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(SUMMARY_WIDTHS, start=1):
        summary.column_dimensions[get_column_letter(i)].width = w
    summary.freeze_panes = "A5"
    # One summary row per shared cause, its findings under it (an outline group, collapsed).
    summary.sheet_properties.outlinePr.summaryBelow = False
    summary.append(
        [styles.cell(summary, f"Findings report — workspace {run.workspace}, as of {run.as_of}", styles.title)]
    )
    summary.append([LEGAL_NOTE])
    summary.append([])
    summary.append([styles.cell(summary, h, styles.bold) for h in SUMMARY_HEADER])
    row = 4
    for cluster in run.clusters():
        if len(cluster) > 1:
            row += 1
            _cause_row(summary, group_of(cluster), styles)
        for f in cluster:
            row += 1
            if len(cluster) > 1:  # a row's outline level is written with the row: set before it
                summary.row_dimensions[row].outlineLevel = 1
                summary.row_dimensions[row].hidden = True
            _finding_row(summary, f, styles)


def _cause_row(summary, g, styles: _Styles) -> None:
    """The bold row of findings that share a cause: how many, the entries, the duty at stake."""
    values = [g.severity, g.check, f"{g.count:,} findings", g.title, f"{g.entries:,} entries", g.amount_at_risk]
    cells = [styles.cell(summary, v, styles.bold) for v in values]
    cells[0].fill = styles.fills[g.severity]
    cells[5].number_format = MONEY
    summary.append(cells)


def _finding_row(summary, f, styles: _Styles) -> None:
    """A finding's row."""
    c = styles.cell
    summary.append(
        [
            c(summary, f.severity, fill=styles.fills[f.severity]),
            f.check,
            f.id,
            c(summary, f.title, alignment=styles.wrap),
            ", ".join(f.entries),
            c(summary, f.amount_at_risk, number_format=MONEY),
            c(summary, f.amount_basis, alignment=styles.wrap),
            "; ".join(f.legal_basis),
            c(summary, f.recommendation, alignment=styles.wrap),
        ]
    )


def _evidence_sheet(wb, check_id: str, items: list, styles: _Styles) -> None:
    """A check's sheet: a row per evidence row of its findings, the columns every row has (first seen first)."""
    keys: list[str] = []
    for f in items:
        for r in f.evidence_rows:
            keys += [k for k in r if k not in keys]
    rows = ([f.id, f.severity] + [r.get(k) for k in keys] for f in items for r in f.evidence_rows)
    _sheet(wb, check_id, ["finding", "severity", *keys], rows, styles)


def _sheet(wb, title: str, header: list[str], rows, styles: _Styles, widths: dict[int, int] | None = None):
    """A sheet with a bold, frozen header row; a column's width from ``widths`` or its header."""
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(_sheet_name(title))
    for i, h in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = (widths or {}).get(i, min(60, max(10, len(h) + 2)))
    ws.freeze_panes = "A2"
    ws.append([styles.cell(ws, h, styles.bold) for h in header])
    for r in rows:
        ws.append([_cell(v) for v in r])
    return ws


def write_json(run: CheckRun, out: BinaryIO, batch: int = 1000) -> None:
    """The run as JSON (docs/data-formats.md section 4), written to ``out`` as it is encoded, a batch of
    findings at a time: byte for byte what ``run.model_dump_json(indent=2)`` gives, without holding the
    whole text (a flood of findings is hundreds of megabytes) or pydantic's per-value serialization."""
    import orjson

    run.complete()
    head = run.model_dump(mode="json", exclude={"findings"})
    keys = [k for k in CheckRun.model_fields] + [
        k for k in CheckRun.model_computed_fields if k not in CheckRun.model_fields
    ]
    fields = [k for k, f in Finding.model_fields.items() if not f.exclude]
    out.write(b"{")
    for n, key in enumerate(keys):
        out.write(b"," if n else b"")
        out.write(b'\n  "' + key.encode() + b'": ')
        if key != "findings":
            out.write(_indented(orjson.dumps(head[key], option=orjson.OPT_INDENT_2), 2))
            continue
        if not run.findings:
            out.write(b"[]")
            continue
        out.write(b"[")
        for start in range(0, len(run.findings), batch):
            rows = [{k: getattr(f, k) for k in fields} for f in run.findings[start : start + batch]]
            text = orjson.dumps(rows, option=orjson.OPT_INDENT_2, default=_json_value)
            out.write(b"," if start else b"")
            out.write(_indented(text[1:-2], 2))  # the batch's items, without its brackets and last newline
        out.write(b"\n  ]")
    out.write(b"\n}")


def _indented(text: bytes, spaces: int) -> bytes:
    return text.replace(b"\n", b"\n" + b" " * spaces)


def _json_value(value):
    """A value orjson does not encode, as pydantic's JSON gives it (a Decimal as its string, ...)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


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
        with open(path, "wb") as fh:
            write_json(run, fh)
    else:
        raise BadInput(f"{path}: unknown report format {suffix or '(none)'}; use .xlsx, .md or .json", field="format")
    return path


def _sheet_name(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", "_", title)[:31]


def _cell(v):
    if v is None or isinstance(v, (int, float, str)):
        return v
    return str(v)
