"""Structured files (CSV/XLSX): recognise the kind by header row, stream the rows into DuckDB.

Rows are parsed by DuckDB itself (read_csv, all columns as text) and typed with the SQL forms of
``assistant.normalize``; a row whose required field does not parse is rejected with its row
number, field and reason, and every other row is loaded. Nothing is read into Python lists, so a
million-row ES-003 export loads in seconds with bounded memory.
"""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from dataclasses import dataclass
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


def read_header(path: Path) -> tuple[list[str], str]:
    """First row of a CSV and its delimiter (``,``, ``;``, tab or ``|``)."""
    with path.open("r", encoding="utf-8-sig", errors="strict", newline="") as fh:
        first = fh.readline()
    if not first.strip():
        raise HeaderError("the file is empty or its first line is blank")
    delimiter = max([",", ";", "\t", "|"], key=first.count)
    headers = next(csv.reader([first], delimiter=delimiter))
    return [h.strip() for h in headers], delimiter


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


def xlsx_to_csv(path: Path, out_dir: Path) -> Path:
    """Stream the first sheet of an XLSX into a CSV so that one loader serves both."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        out = out_dir / (path.stem + ".csv")
        with out.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            for row in ws.iter_rows(values_only=True):
                writer.writerow(_xlsx_cell(v) for v in row)
        return out
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
        "quote='\"', escape='\"', encoding='utf-8', null_padding=false)",
        [str(src), match.delimiter, names],
    )
    # DuckDB may log one malformed line several times: keep its first message.
    rejects: list[RowReject] = [
        RowReject(int(line) - 1, None, f"malformed line: {msg}")
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
    return LoadResult(spec.kind, int(n_ok), rejects)


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_structured(con, path: Path, source_name: str) -> LoadResult:
    """Recognise and load one CSV or XLSX file. Raises HeaderError / UnicodeDecodeError / ValueError."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        with tempfile.TemporaryDirectory(prefix="faprep-xlsx-") as tmp:
            csv_path = xlsx_to_csv(path, Path(tmp))
            headers, delim = read_header(csv_path)
            match = match_header(headers, delim)
            return load_csv(con, path, match, source_name, csv_path=csv_path)
    headers, delim = read_header(path)
    match = match_header(headers, delim)
    if not _mixed_line_endings(path):
        return load_csv(con, path, match, source_name)
    # DuckDB's sniffer gives up on mixed CRLF/LF line endings (a hand-edited export): load a
    # copy with normalised line endings, streamed.
    with tempfile.TemporaryDirectory(prefix="faprep-csv-") as tmp:
        copy = Path(tmp) / path.name
        with (
            path.open("r", encoding="utf-8-sig", newline=None) as src,
            copy.open("w", encoding="utf-8", newline="\n") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
        return load_csv(con, path, match, source_name, csv_path=copy)


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
