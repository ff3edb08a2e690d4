"""Records store: one DuckDB file per workspace.

Holds the structured records (entry lines, products, payments, certificates, broker reviews), the
document catalogue (documents, chunks, identifiers, rulings), the ingest manifest and run log.
The vectors live in Chroma and the lexical index in bm25s files; the chunk texts here are the
source of truth both are built from.
"""

from __future__ import annotations

import fcntl
import logging
import os
from contextlib import contextmanager
from pathlib import Path

import duckdb

from assistant.config import Settings
from assistant.errors import WorkspaceBusy
from assistant.stores import prepared
from assistant.stores.schema import SCHEMA_VERSION, SPECS, migrate, schema_version
from assistant.stores.workspace import Workspace

log = logging.getLogger(__name__)


def _connect(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        raise WorkspaceBusy(
            f"the records database {path} is in use by another faprep process (a running "
            "`faprep serve` or ingest); stop it or use the API, then try again"
        ) from exc


def scalar(con, sql: str, params: list | None = None):
    """The first column of the first row of a query (None when it returns no row)."""
    row = con.execute(sql, params or []).fetchone()
    return row[0] if row else None


DOCUMENT_TABLES = ("documents", "pages", "chunks", "identifiers", "rulings")


class Records:
    """A DuckDB connection to a workspace's records, its schema brought to the current version on open.

    A read-only open of a workspace made by an older faprep upgrades it first (a short write open,
    refused like any other while another process holds the workspace). One made before the checks'
    prepared tables were stored gets them the same way when nothing else holds it; otherwise its
    check runs build them per connection (``assistant.stores.prepared``) until the next ingest.
    """

    def __init__(self, path: Path, read_only: bool = False, memory_limit: str = "1GB"):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if read_only and not path.exists():
            read_only = False
        self.con = _connect(path, read_only)
        if read_only and schema_version(self.con) < SCHEMA_VERSION:
            self.con.close()
            self.con = _connect(path, False)
            self._migrate()
            self.con.close()
            self.con = _connect(path, True)
        if read_only and not prepared.stored_tables(self.con):
            self._store_prepared(memory_limit)
        if not read_only:
            # Bounded memory: large loads spill to the workspace instead of growing RSS.
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
            self.con.execute("SET temp_directory = ?", [str(Workspace(path.parent).duckdb_tmp)])
            self._migrate()

    def _store_prepared(self, memory_limit: str) -> None:
        """Store the checks' prepared tables in a short write open; when that is not possible now
        (another connection holds the file), the checks build them per connection instead."""
        self.con.close()
        try:
            writer = duckdb.connect(str(self.path), read_only=False)
            try:
                writer.execute(f"SET memory_limit = '{memory_limit}'")
                writer.execute("SET temp_directory = ?", [str(Workspace(self.path.parent).duckdb_tmp)])
                prepared.refresh(writer)
            finally:
                writer.close()
        except duckdb.Error as exc:
            log.info("prepared tables of %s not stored now (%s)", self.path, str(exc).splitlines()[0])
        self.con = _connect(self.path, True)

    def _migrate(self) -> None:
        try:
            migrate(self.con)
        except Exception:
            self.con.close()
            raise

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Records:
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
        parts = {
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT part_number FROM products WHERE part_number IS NOT NULL UNION "
                "SELECT DISTINCT part_number FROM entry_lines WHERE part_number IS NOT NULL"
            ).fetchall()
        }
        invoices = {
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT invoice_number FROM entry_lines WHERE invoice_number IS NOT NULL"
            ).fetchall()
        }
        return parts, invoices

    def document_file(self, key: str) -> Path | None:
        """Where the original of an ingested document (by its key) was read from."""
        row = self.con.execute("SELECT abs_path FROM files WHERE path = ? AND category = 'document'", [key]).fetchone()
        return Path(row[0]) if row and row[0] else None

    def documents_of_kind(self, kind: str) -> list[str]:
        """Keys of the ingested documents of one kind (e.g. the FA draft reports)."""
        return [
            r[0] for r in self.con.execute("SELECT path FROM documents WHERE kind = ? ORDER BY path", [kind]).fetchall()
        ]

    # --- lookups for the drafts (read-only) ---------------------------------------------------------

    def product(self, part: str) -> tuple | None:
        """The product master's row of ``part`` (the last one ingested): description, hts, ruling_number,
        rationale, source_file, source_row."""
        return self.con.execute(
            "SELECT description, hts, ruling_number, rationale, source_file, source_row FROM products "
            "WHERE part_number = ? ORDER BY source_file DESC, source_row DESC LIMIT 1",
            [part],
        ).fetchone()

    def declared_hts(self, part: str) -> list[tuple[str, bool]]:
        """Every HTS number ``part`` was declared under: (hts, on the main tariff ordinal)."""
        return self.con.execute(
            "SELECT DISTINCT hts, coalesce(tariff_ordinal, 1) = 1 FROM entry_lines WHERE part_number = ? ORDER BY 1",
            [part],
        ).fetchall()

    def ruling(self, number: str) -> tuple | None:
        """An ingested ruling's tariff_numbers, ruling_date and subject."""
        return self.con.execute(
            "SELECT tariff_numbers, ruling_date, subject FROM rulings WHERE ruling_number = ?", [number]
        ).fetchone()

    def first_page(self, path: str) -> tuple | None:
        """(page, text) of a document's first page."""
        return self.con.execute(
            "SELECT page, text FROM pages WHERE path = ? ORDER BY page NULLS FIRST LIMIT 1", [path]
        ).fetchone()

    def chunk_at(self, path: str, page: int | None, offset: int) -> str | None:
        """The id of the chunk of ``path`` (on ``page``) that holds the character at ``offset``."""
        return scalar(
            self.con,
            "SELECT chunk_id FROM chunks WHERE path = ? AND page IS NOT DISTINCT FROM ? "
            "AND char_start <= ? ORDER BY char_start DESC LIMIT 1",
            [path, page, offset],
        )

    def documents_on_file(self, entry: str) -> list[tuple[str, str]]:
        """(path, kind) of the documents linked to ``entry``."""
        return self.con.execute(
            "SELECT d.path, d.kind FROM document_entries de JOIN documents d USING (path) WHERE de.entry_number = ?",
            [entry],
        ).fetchall()

    def payment_vendors(self) -> list[tuple[str, str]]:
        """(payment_id, vendor_name) of every payment that names its vendor."""
        return self.con.execute("SELECT payment_id, vendor_name FROM payments WHERE vendor_name IS NOT NULL").fetchall()

    def payments(self, ids: list[str]) -> list[tuple]:
        """(payment_id, amount, vendor_name, included_in_price) of these payments."""
        return self.con.execute(
            "SELECT payment_id, amount, vendor_name, included_in_price FROM payments "
            "WHERE payment_id IN (SELECT unnest(?))",
            [sorted(ids)],
        ).fetchall()

    def get_meta(self, key: str) -> str | None:
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def catalogue_status(self) -> dict:
        """Rows per table, files by kind and status, rejected files and rows, the last ingest run."""
        con = self.con
        out: dict = {"tables": self.table_counts()}
        out["files_by_kind"] = [
            {"category": c, "kind": k, "status": s, "files": n}
            for c, k, s, n in con.execute(
                "SELECT category, coalesce(kind, ''), status, count(*) FROM files GROUP BY ALL ORDER BY ALL"
            ).fetchall()
        ]
        out["rejected_files"] = [
            {"path": p, "reason": m}
            for p, m in con.execute(
                "SELECT path, message FROM files WHERE status = 'rejected' ORDER BY path"
            ).fetchall()
        ]
        out["rejected_rows"] = scalar(con, "SELECT count(*) FROM file_rejects")
        last = con.execute("SELECT * FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
        if last:
            keys = ["run_id", "started", "finished", "seen", "ingested", "skipped", "rejected", "pruned", "status"]
            out["last_ingest"] = {k: (str(v) if k in ("started", "finished") else v) for k, v in zip(keys, last)}
        return out

    def table_counts(self) -> dict[str, int]:
        tables = [s.kind for s in SPECS] + ["documents", "chunks", "rulings"]
        return {t: scalar(self.con, f"SELECT count(*) FROM {t}") for t in tables}


def open_records(settings: Settings, what: str = "records") -> Records:
    """The workspace's records, read-only, or ``NoRecords`` telling the user to ingest first."""
    return Records(Workspace.of(settings).require_records(what), read_only=True)


@contextmanager
def writer_lock(workspace: Path):
    """One writer per workspace: a second ingest fails at once with a clear message."""
    workspace.mkdir(parents=True, exist_ok=True)
    lock_path = Workspace(workspace).write_lock
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
