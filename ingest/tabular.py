"""Structured files (CSV/XLSX): recognise the kind by header row, stream the rows into DuckDB.

Rows are parsed by DuckDB itself (read_csv, all columns as text) and typed with the SQL forms of
``assistant.normalize``; a row whose required field does not parse is rejected with its row
number, field and reason, and every other row is loaded. Nothing is read into Python lists, so a
million-row ES-003 export loads in seconds with bounded memory.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant import normalize as nz
from assistant.errors import HeaderError
from assistant.stores.schema import SPECS, TableSpec


@dataclass
class HeaderMatch:
    spec: TableSpec
    mapping: dict[str, int]  # column name -> index in the file
    headers: list[str]
    delimiter: str
    skip: int = 0  # lines above the header row (a report's title, run date, parameters, blank lines)


HEADER_SEARCH_LINES = 30  # the header row is looked for within the first lines of a file or sheet
# a line after the data that is a report's footer, not a record: "Total Records: 120", "Grand Total", "Page 3 of 3"
FOOTER_RE = re.compile(
    r"^\s*(grand\s+total|totals?|sum|count|record\s+count|total\s+(records|rows|lines|entries)|"
    r"number\s+of\s+(records|rows|lines)|end\s+of\s+(report|file|data)|page\s+\d+|report\s+(generated|run)|"
    r"run\s+(date|time)|printed|generated)\b",
    re.I,
)


def find_header(path: Path) -> HeaderMatch:
    """The header row of a CSV: the first of its first ``HEADER_SEARCH_LINES`` lines that faprep recognises
    (title, run-date, filter and blank lines above it are skipped); ``HeaderError`` when none is."""
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as fh:
        head = [line for _, line in zip(range(HEADER_SEARCH_LINES), fh)]
    if not any(line.strip() for line in head):
        raise HeaderError("the file is empty or its first lines are blank")
    first_error: HeaderError | None = None
    for skip, line in enumerate(head):
        if not line.strip():
            continue
        delimiter = max([",", ";", "\t", "|"], key=line.count)
        headers = [h.strip() for h in next(csv.reader([line], delimiter=delimiter))]
        if len([h for h in headers if h]) < 2:
            continue  # a title or a "Run Date: ..." line
        try:
            match = match_header(headers, delimiter)
        except HeaderError as exc:
            first_error = first_error or exc
            continue
        match.skip = skip
        return match
    raise first_error or HeaderError("header row not recognised: no line of the first rows looks like a header")


def match_header(headers: list[str], delimiter: str = ",") -> HeaderMatch:
    keys = [nz.header_key(h) for h in headers]
    best: tuple[int, TableSpec, dict[str, int], list[str]] | None = None
    for spec in SPECS:
        mapping: dict[str, int] = {}
        for col in spec.columns:
            for i, key in enumerate(keys):
                if key in col.keys() and i not in mapping.values():
                    mapping[col.name] = i
                    break
        sig_ok = all(
            any(nz.header_key(s) in c.keys() and c.name in mapping for c in spec.columns) for s in spec.signature
        )
        missing = [c.header for c in spec.required() if c.name not in mapping]
        score = len(mapping) + (100 if sig_ok else 0) - 10 * len(missing)
        if best is None or score > best[0]:
            best = (score, spec, mapping, missing)
    assert best is not None
    _, spec, mapping, missing = best
    sig_ok = all(any(nz.header_key(s) in c.keys() and c.name in mapping for c in spec.columns) for s in spec.signature)
    if not sig_ok:
        raise HeaderError(
            "header row not recognised as any faprep file (ES-003 entry lines, products, payments, "
            f"certificates, broker reviews); found columns: {', '.join(headers[:12])}"
        )
    if missing:
        raise HeaderError(f"looks like {spec.label} but lacks required column(s): {', '.join(missing)}")
    return HeaderMatch(spec, mapping, headers, delimiter)


def xlsx_to_csv(path: Path, out_dir: Path) -> tuple[Path, HeaderMatch, list[str]]:
    """Stream the sheet of an XLSX that holds records into a CSV (one loader serves both): the first
    sheet whose first rows contain a header faprep recognises; the other sheets (report parameters,
    notes, pivots) are named in the notes returned."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        errors, notes = [], []
        for ws in wb.worksheets:
            out = out_dir / f"{path.stem}-{len(errors)}.csv"
            with out.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                for i, row in enumerate(ws.iter_rows(values_only=True)):
                    writer.writerow(_xlsx_cell(v) for v in row)
                    if i + 1 == HEADER_SEARCH_LINES:
                        break
            try:
                find_header(out)
            except HeaderError as exc:
                errors.append((ws.title, str(exc)))
                continue
            with out.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh)
                for row in ws.iter_rows(values_only=True):
                    writer.writerow(_xlsx_cell(v) for v in row)
            others = [s.title for s in wb.worksheets if s.title != ws.title]
            if others:
                notes.append(f"read sheet '{ws.title}'; ignored sheet(s) {', '.join(repr(o) for o in others)}")
            return out, find_header(out), notes
        detail = "; ".join(f"sheet '{t}': {e}" for t, e in errors)
        raise HeaderError(f"no sheet holds records faprep recognises ({detail})")
    finally:
        wb.close()


def _xlsx_cell(value) -> str:
    import datetime as dt

    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class RowReject:
    row: int | None
    field: str | None
    reason: str


@dataclass
class LoadResult:
    kind: str
    rows: int
    rejects: list[RowReject]
    notes: list[str] = field(default_factory=list)  # lines skipped (title, footer), sheets ignored


_PARSERS = {
    "entry": nz.sql_entry_number,
    "hts": nz.sql_hts_number,
    "money": nz.sql_money,
    "date": nz.sql_date,
    "int": lambda c: f"TRY_CAST(trim({c}) AS INTEGER)",
    "number": lambda c: f"TRY_CAST(replace(trim({c}), ',', '') AS DOUBLE)",
    "text": nz.sql_text,
    "upper": nz.sql_upper,
    "flag": nz.sql_flag,
}
_EXPECT = {
    "entry": "an 11-character entry number (ABC-1234567-8)",
    "hts": "a 10-digit HTS number",
    "money": "an amount of money",
    "date": "a date (MM/DD/YYYY or YYYY-MM-DD)",
    "int": "a whole number",
    "number": "a number",
}
MAX_REJECTS_LISTED = 200


def load_csv(con, path: Path, match: HeaderMatch, source_name: str, csv_path: Path | None = None) -> LoadResult:
    """Insert the rows of ``csv_path`` (default ``path``) into the spec's table, tagged ``source_name``.

    Runs inside the caller's transaction; rows already stored for ``source_name`` must have been
    deleted by the caller.
    """
    spec, src = match.spec, csv_path or path
    ncols = len(match.headers)
    names = [f"c{i}" for i in range(ncols)]
    con.execute("DROP TABLE IF EXISTS _raw")
    con.execute(
        "CREATE TEMP TABLE _raw AS SELECT row_number() OVER () AS _rn, * FROM read_csv(?, delim=?, header=true, "
        "all_varchar=true, names=?, parallel=false, store_rejects=true, rejects_table='_rej', rejects_scan='_rej_scan', "
        "quote='\"', escape='\"', encoding='utf-8', null_padding=false, skip=?)",
        [str(src), match.delimiter, names, match.skip],
    )
    notes = []
    if match.skip:
        notes.append(f"skipped {match.skip} line(s) above the header row (report title, parameters, blank lines)")
    # DuckDB may log one malformed line several times: keep its first message.
    rejects: list[RowReject] = [
        RowReject(int(line) - 1 - match.skip, None, f"malformed line: {msg}")
        for line, msg in con.execute(
            "SELECT line, first(error_message ORDER BY column_idx) FROM _rej GROUP BY line ORDER BY line"
        ).fetchall()
    ]
    # _rn numbers the accepted records; the data-row number (file line - 1) skips rejected rows:
    # record k comes after the i-th rejected row r_i iff k > r_i - i.
    bad_rows = [r.row for r in rejects]
    row_expr = "_rn"
    if bad_rows:
        thresholds = [r - i for i, r in enumerate(bad_rows, start=1)]
        con.execute("CREATE OR REPLACE TEMP TABLE _bad AS SELECT unnest(?::INTEGER[]) AS thr", [thresholds])
        row_expr = "(_rn + (SELECT count(*) FROM _bad WHERE _bad.thr < _raw._rn))"

    exprs, checks = [], []
    for col in spec.columns:
        if col.name not in match.mapping:
            exprs.append(f"NULL AS {col.name}")
            continue
        raw_col = names[match.mapping[col.name]]
        parsed = _PARSERS[col.type](raw_col)
        exprs.append(f"{parsed} AS {col.name}")
        if col.type in _EXPECT:
            # a non-blank value that does not parse is an error; a blank required value too
            bad = f"({parsed}) IS NULL AND NOT {nz.sql_blank(raw_col)}"
            if col.required:
                bad = f"({parsed}) IS NULL"
            checks.append((col, raw_col, bad))
        elif col.required:
            checks.append((col, raw_col, nz.sql_blank(raw_col)))

    raw_json = "to_json({" + ", ".join(f"{json.dumps(h)}: {names[i]}" for i, h in enumerate(match.headers)) + "})"
    err_cases = (
        " ".join(
            f"WHEN {bad} THEN {_sql_str(c.header)} || ': ' || "
            f"CASE WHEN {nz.sql_blank(raw)} THEN 'required value is blank' "
            f"ELSE '''' || {raw} || ''' is not {_EXPECT.get(c.type, 'a value')}' END"
            for c, raw, bad in checks
        )
        if checks
        else ""
    )
    err_expr = f"CASE {err_cases} END" if checks else "NULL"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE _typed AS SELECT {row_expr} AS _row, {err_expr} AS _err, "
        f"{', '.join(exprs)}, {raw_json} AS raw FROM _raw"
    )
    row_errors = con.execute(
        f"SELECT _row, _err FROM _typed WHERE _err IS NOT NULL ORDER BY _row LIMIT {MAX_REJECTS_LISTED}"
    ).fetchall()
    n_bad = con.execute("SELECT count(*) FROM _typed WHERE _err IS NOT NULL").fetchone()[0]
    for row, err in row_errors:
        field_name, _, reason = err.partition(": ")
        rejects.append(RowReject(int(row), field_name, reason))
    if n_bad > MAX_REJECTS_LISTED:
        rejects.append(RowReject(None, None, f"... and {n_bad - MAX_REJECTS_LISTED} more rejected rows"))
    cols = ", ".join(c.name for c in spec.columns)
    con.execute(
        f"INSERT INTO {spec.kind} (source_file, source_row, {cols}, raw) "
        f"SELECT ?, _row, {cols}, raw FROM _typed WHERE _err IS NULL",
        [source_name],
    )
    n_ok = con.execute("SELECT count(*) FROM _typed WHERE _err IS NULL").fetchone()[0]
    con.execute("DROP TABLE IF EXISTS _raw")
    con.execute("DROP TABLE IF EXISTS _typed")
    for tmp in ("_bad", "_rej", "_rej_scan"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")
    rejects.sort(key=lambda r: (r.row is None, r.row or 0))
    return LoadResult(spec.kind, int(n_ok), rejects, notes)


def trailing_footer(path: Path, match: HeaderMatch, block: int = 1 << 16) -> tuple[list[str], int | None]:
    """The lines after the data that are a report's footer ("Total Records: 120", "Grand Total,,,5,300.00",
    "Page 3 of 3"), and the byte offset where they start (None: no footer)."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - block))
        tail = fh.read()
    start = size - len(tail)
    lines = tail.split(b"\n")
    offsets, pos = [], start
    for line in lines:
        offsets.append(pos)
        pos += len(line) + 1
    footer, cut = [], None
    limit = max(2, len(match.headers) // 3)
    for k in range(len(lines) - 1, 0 if start else -1, -1):  # the first line of a partial block may be cut
        text = lines[k].decode("utf-8", "replace").strip()
        if not text:
            continue
        cells = [c.strip() for c in next(csv.reader([text], delimiter=match.delimiter)) if c.strip()]
        if not cells or (len(cells) <= limit and any(FOOTER_RE.match(c) for c in cells)):  # a total, or ",,,,"
            footer.append(text)
            cut = offsets[k]
            continue
        break
    return footer[::-1], cut


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_structured(con, path: Path, source_name: str) -> LoadResult:
    """Recognise and load one CSV or XLSX file. Raises HeaderError / UnicodeDecodeError / ValueError."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        with tempfile.TemporaryDirectory(prefix="faprep-xlsx-") as tmp:
            csv_path, match, sheet_notes = xlsx_to_csv(path, Path(tmp))
            return _load_without_footer(con, path, csv_path, match, source_name, sheet_notes)
    match = find_header(path)
    return _load_without_footer(con, path, path, match, source_name, [])


class _Head(io.RawIOBase):
    """The first ``limit`` bytes of an open binary file, as a stream (the file is never read whole)."""

    def __init__(self, fh, limit: int):
        self.fh, self.left = fh, limit

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = min(len(b), self.left)
        if n <= 0:
            return 0
        data = self.fh.read(n)
        b[: len(data)] = data
        self.left -= len(data)
        return len(data)


def _load_without_footer(con, path: Path, data: Path, match: HeaderMatch, source_name: str, notes: list[str]):
    """Load ``data`` (the file itself, or the CSV of an XLSX sheet) without a report footer after the
    records; a copy is loaded when a footer is cut or the line endings are mixed."""
    footer, cut = trailing_footer(data, match)
    if footer:
        shown = [f for f in footer if f.strip(match.delimiter + " ")][:3]
        notes = [
            *notes,
            f"skipped {len(footer)} footer line(s) after the data"
            + (": " + "; ".join(map(repr, shown)) if shown else ""),
        ]
    if cut is None and not _mixed_line_endings(data):
        result = load_csv(con, path, match, source_name, csv_path=data)
        result.notes[:0] = notes
        return result
    # DuckDB's sniffer gives up on mixed CRLF/LF line endings (a hand-edited export): load a
    # copy with normalised line endings (and without the footer), streamed.
    with tempfile.TemporaryDirectory(prefix="faprep-csv-") as tmp:
        copy = Path(tmp) / path.name
        with data.open("rb") as raw, copy.open("w", encoding="utf-8", newline="\n") as dst:
            limit = cut if cut is not None else data.stat().st_size
            src = io.TextIOWrapper(io.BufferedReader(_Head(raw, limit)), encoding="utf-8-sig", newline=None)
            shutil.copyfileobj(src, dst, 1 << 20)
        result = load_csv(con, path, match, source_name, csv_path=copy)
        result.notes[:0] = notes
        return result


def _mixed_line_endings(path: Path, block: int = 1 << 20) -> bool:
    crlf = lf = False
    prev = b""
    with path.open("rb") as fh:
        while data := fh.read(block):
            data = prev + data
            n_crlf = data.count(b"\r\n")
            crlf |= n_crlf > 0
            lf |= data.count(b"\n") > n_crlf
            if crlf and lf:
                return True
            prev = data[-1:]
    return False
