"""The records as the checks read them: derived tables built once per change of the records.

Every check (and the survey's record facts) reads four relations rather than the raw extracts:

``lines``
    one row per entry summary line: the main tariff ordinal (Tariff Ordinal Number 1) only, since
    classification, origin and value are tested on the main HTS number; Chapter 99 rows (``9903...``,
    ordinal 2+) are not lines of their own. ``total_duty`` adds the duty of every ordinal of that
    line, so ``total_duty / value`` is the line's effective duty rate including Section 301 duty.
    When the same entry line appears in two exports, the one from the file named last wins.
    ``declared_origin`` is the country of origin upper-cased, ``mid_country`` the country of the
    manufacturer ID (``CA`` for a province code, none when the MID does not start with two letters).
``hts_rates``
    the duty rate observed for each HTS number: main-ordinal duty / entered value over lines with no
    special program claim. Used to estimate duty at stake when a line was declared under another HTS.
``master``
    the product master, one row per part (the last file and row win when a part repeats), with
    ``hts_d`` (its HTS as digits) and ``origin`` (its country of origin upper-cased).
``entries``
    one row per entry: first entry date (``entered``) and entry summary date, lines, invoices, value,
    the file and row of its first line.
``entry_documents``, ``entry_kinds``
    the documents linked to each entry (``document_entries``), one row per entry, kind and document,
    with how each was linked; and per entry the kinds of documents it has.

Building them over a million ES-003 rows takes about a second, so they are stored in the records
database (``prepared_*`` tables) by the ingest that changed the records, stamped with a fingerprint
of what they were built from (the record files' content hashes, the source rows of the entry lines
and product master, the documents and their identifiers). :func:`prepare` checks the stamp (milliseconds) and points temporary
views at the stored tables; when the stamp does not match (records written some other way, a
workspace from an older version opened read-only) it builds the tables for this connection only.
"""

from __future__ import annotations

import hashlib

import duckdb

STAMP_KEY = "prepared_stamp"
NAMES = ("lines", "hts_rates", "master", "entries", "entry_documents", "entry_kinds")

# name -> SELECT building it; each reads the raw tables or the relations built before it.
_BUILD = {
    "lines": """
        WITH dedup AS (
            SELECT * EXCLUDE (raw) FROM entry_lines
            WHERE entry_number IS NOT NULL AND line_number IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY entry_number, line_number, coalesce(tariff_ordinal, 1)
                                       ORDER BY source_file DESC, source_row) = 1
        ), duty AS (
            SELECT entry_number, line_number, sum(coalesce(duty, 0)) AS total_duty FROM dedup GROUP BY ALL
        )
        SELECT d.*, coalesce(d.entry_date, d.entry_summary_date) AS entered, u.total_duty,
               regexp_replace(coalesce(d.hts, ''), '[^0-9]', '', 'g') AS hts_d,
               upper(trim(d.country_of_origin)) AS declared_origin,
               CASE WHEN list_contains({provinces}, upper(left(trim(d.mid), 2))) THEN 'CA'
                    WHEN regexp_full_match(upper(left(trim(d.mid), 2)), '[A-Z]{{2}}') THEN upper(left(trim(d.mid), 2))
               END AS mid_country
        FROM dedup d JOIN duty u USING (entry_number, line_number)
        WHERE coalesce(d.tariff_ordinal, 1) = 1""",
    "hts_rates": """
        SELECT hts_d, sum(coalesce(duty, 0)) / sum(value) AS rate, count(*) AS n
        FROM {p}lines WHERE hts_d <> '' AND value > 0 AND coalesce(trim(spi), '') = ''
        GROUP BY hts_d""",
    "master": """
        SELECT * EXCLUDE (raw), regexp_replace(coalesce(hts, ''), '[^0-9]', '', 'g') AS hts_d,
               upper(trim(country_of_origin)) AS origin FROM products
        WHERE part_number IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY part_number ORDER BY source_file DESC, source_row DESC) = 1""",
    "entries": """
        SELECT entry_number, min(entered) AS entered, min(entry_summary_date) AS summary_date, count(*) AS n_lines,
               string_agg(DISTINCT invoice_number, ', ' ORDER BY invoice_number) AS invoices, sum(value) AS value,
               min(source_file) AS source_file, min(source_row) AS source_row
        FROM {p}lines GROUP BY entry_number""",
    "entry_documents": """
        SELECT de.entry_number, d.kind, de.path, string_agg(DISTINCT de.via, '; ' ORDER BY de.via) AS via
        FROM document_entries de JOIN documents d USING (path) GROUP BY ALL""",
    "entry_kinds": """
        SELECT entry_number, list(DISTINCT kind ORDER BY kind) AS kinds FROM {p}entry_documents GROUP BY entry_number""",
}
# A manufacturer ID starts with the manufacturer's ISO country code; a Canadian one with a province code.
CANADIAN_PROVINCES = ("XA", "XB", "XC", "XM", "XN", "XO", "XP", "XQ", "XS", "XT", "XV", "XW", "XY")


def _sql(name: str, prefix: str) -> str:
    provinces = "[" + ", ".join(f"'{c}'" for c in CANADIAN_PROVINCES) + "]"
    return _BUILD[name].format(p=prefix, provinces=provinces)


def stamp(con: duckdb.DuckDBPyConnection) -> str:
    """A fingerprint of what the prepared tables are built from; changes whenever a record file or a
    source row of the entry lines or product master does."""
    files = con.execute(
        "SELECT coalesce(string_agg(path || ':' || sha256, '|' ORDER BY path), '') FROM files WHERE category = 'records'"
    ).fetchone()
    rows = con.execute(
        """SELECT (SELECT count(*) FROM entry_lines), (SELECT bit_xor(hash(source_file, source_row)) FROM entry_lines),
                  (SELECT count(*) FROM products), (SELECT bit_xor(hash(source_file, source_row)) FROM products),
                  (SELECT count(*) FROM documents), (SELECT bit_xor(hash(path, kind)) FROM documents),
                  (SELECT count(*) FROM identifiers), (SELECT bit_xor(hash(path, id_kind, value)) FROM identifiers)"""
    ).fetchone()
    return hashlib.sha256(f"{files}|{rows}".encode()).hexdigest()


def refresh(con: duckdb.DuckDBPyConnection) -> bool:
    """Rebuild the stored ``prepared_*`` tables when the records changed (a writable connection);
    True when they were rebuilt."""
    now = stamp(con)
    if _stored_stamp(con) == now and stored_tables(con):
        return False
    con.execute("BEGIN TRANSACTION")
    try:
        for name in NAMES:
            con.execute(f"CREATE OR REPLACE TABLE prepared_{name} AS {_sql(name, 'prepared_')}")
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [STAMP_KEY, now])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return True


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Point the temporary views ``lines``, ``hts_rates``, ``master`` and ``entries`` at the stored
    tables when they match the records, or at tables built now for this connection."""
    # HTS numbers compared as digits: the shorter (at least 6 digits) must be a prefix of the longer.
    con.execute(
        """CREATE OR REPLACE TEMP MACRO hts_eq(a, b) AS (
               length(a) >= 6 AND length(b) >= 6
               AND left(a, least(length(a), length(b))) = left(b, least(length(a), length(b))))"""
    )
    fresh = _stored_stamp(con) == stamp(con) and stored_tables(con)
    for name in NAMES:
        if fresh:
            source = f"prepared_{name}"
        else:
            source = f"stale_{name}"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {source} AS {_sql(name, 'stale_')}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {source}")


def _stored_stamp(con: duckdb.DuckDBPyConnection) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [STAMP_KEY]).fetchone()
    return row[0] if row else None


def stored_tables(con: duckdb.DuckDBPyConnection) -> bool:
    have = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND table_name LIKE 'prepared_%'"
        ).fetchall()
    }
    return all(f"prepared_{n}" in have for n in NAMES)
