"""Records store: one DuckDB file per workspace.

Holds the structured records (entry lines, products, payments, certificates, broker reviews), the
document catalogue (documents, chunks, identifiers, rulings), the ingest manifest and run log.
The vectors live in Chroma and the lexical index in bm25s files; the chunk texts here are the
source of truth both are built from.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingest.tabular import SPECS, table_ddl

SCHEMA = [
    *(table_ddl(spec) for spec in SPECS),
    """CREATE TABLE IF NOT EXISTS files (
        path VARCHAR PRIMARY KEY,      -- as given relative to the case root, or absolute
        abs_path VARCHAR,
        sha256 VARCHAR,
        size BIGINT,
        category VARCHAR,              -- records | document | rejected
        kind VARCHAR,                  -- entry_lines, products, ... or a document kind
        status VARCHAR,                -- writing | done | rejected | partial
        n_rows INTEGER, n_rejected INTEGER, n_pages INTEGER, n_chunks INTEGER,
        message VARCHAR,
        ingested_at TIMESTAMP
    )""",
    """CREATE TABLE IF NOT EXISTS file_rejects (
        path VARCHAR, row INTEGER, field VARCHAR, reason VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS documents (
        path VARCHAR PRIMARY KEY, kind VARCHAR, title VARCHAR, n_pages INTEGER, n_chars INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS pages (
        path VARCHAR, page INTEGER, text VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS chunks (
        chunk_id VARCHAR PRIMARY KEY, path VARCHAR, page INTEGER, char_start INTEGER, char_end INTEGER,
        kind VARCHAR, text VARCHAR, n_tokens INTEGER
    )""",
    """CREATE TABLE IF NOT EXISTS identifiers (
        path VARCHAR, chunk_id VARCHAR, id_kind VARCHAR, value VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS rulings (
        ruling_number VARCHAR, path VARCHAR, ruling_date DATE, tariff_numbers VARCHAR[], subject VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS runs (
        run_id INTEGER, started TIMESTAMP, finished TIMESTAMP, n_seen INTEGER, n_ingested INTEGER,
        n_skipped INTEGER, n_rejected INTEGER, n_pruned INTEGER, status VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    # An entry document is linked to every entry its text or file name mentions, and to every
    # entry whose lines name an invoice number that the document mentions.
    """CREATE OR REPLACE VIEW document_entries AS
        SELECT DISTINCT i.path, i.value AS entry_number, 'mentions entry' AS via
        FROM identifiers i WHERE i.id_kind = 'entry'
        UNION
        SELECT DISTINCT i.path, e.entry_number, 'invoice ' || e.invoice_number AS via
        FROM identifiers i JOIN (SELECT DISTINCT entry_number, invoice_number FROM entry_lines
                                 WHERE invoice_number IS NOT NULL) e
          ON i.id_kind = 'ref' AND i.value = e.invoice_number""",
]

DOCUMENT_TABLES = ("documents", "pages", "chunks", "identifiers", "rulings")


class WorkspaceBusy(RuntimeError):
    pass


class Records:
    """A DuckDB connection to a workspace's records, schema created on open."""

    def __init__(self, path: Path, read_only: bool = False, memory_limit: str = "1GB"):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and not path.exists():
            read_only = False
        try:
            self.con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            raise WorkspaceBusy(
                f"the records database {path} is in use by another faprep process (a running "
                "`faprep serve` or ingest); stop it or use the API, then try again"
            ) from exc
        if not read_only:
            # Bounded memory: large loads spill to the workspace instead of growing RSS.
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
            self.con.execute("SET temp_directory = ?", [str(path.parent / "duckdb_tmp")])
            for ddl in SCHEMA:
                self.con.execute(ddl)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Records":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- manifest --------------------------------------------------------------------------

    def manifest(self) -> dict[str, tuple[str, str]]:
        return {p: (h, s) for p, h, s in self.con.execute("SELECT path, sha256, status FROM files").fetchall()}

    def delete_records(self, path: str) -> None:
        """Remove every structured row that came from ``path``, and its row rejects."""
        for spec in SPECS:
            self.con.execute(f"DELETE FROM {spec.kind} WHERE source_file = ?", [path])
        self.con.execute("DELETE FROM file_rejects WHERE path = ?", [path])

    def delete_documents(self, paths: list[str]) -> None:
        """Remove the document rows, pages, chunks, identifiers and rulings of ``paths``."""
        for table in DOCUMENT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, path)", [paths])

    def chunk_ids(self, path: str) -> list[str]:
        return [r[0] for r in self.con.execute("SELECT chunk_id FROM chunks WHERE path = ?", [path]).fetchall()]

    def known_references(self) -> tuple[set[str], set[str]]:
        """Part numbers (product master and entry lines) and invoice numbers (entry lines) on record:
        what a reference-shaped token in a document or a question is recognised against."""
        parts = {r[0] for r in self.con.execute(
            "SELECT DISTINCT part_number FROM products WHERE part_number IS NOT NULL UNION "
            "SELECT DISTINCT part_number FROM entry_lines WHERE part_number IS NOT NULL").fetchall()}
        invoices = {r[0] for r in self.con.execute(
            "SELECT DISTINCT invoice_number FROM entry_lines WHERE invoice_number IS NOT NULL").fetchall()}
        return parts, invoices

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def table_counts(self) -> dict[str, int]:
        tables = [s.kind for s in SPECS] + ["documents", "chunks", "rulings"]
        return {t: self.con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


@contextmanager
def writer_lock(workspace: Path):
    """One writer per workspace: a second ingest fails at once with a clear message."""
    workspace.mkdir(parents=True, exist_ok=True)
    lock_path = workspace / "write.lock"
    fh = open(lock_path, "a+")
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise WorkspaceBusy(
                f"workspace {workspace} is being written by another faprep process; wait for it to finish"
            ) from exc
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()
