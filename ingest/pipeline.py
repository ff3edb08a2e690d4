"""Ingest pipeline: discover -> recognise -> load/parse -> chunk -> identifiers -> embed -> write.

Idempotent by content: the manifest (``files`` table) keys each input on its path and sha256.
An unchanged file is skipped; a changed file's rows, chunks and vectors are replaced; ``prune``
removes what disappeared from the folders given.

Crash safety: a document's rows are committed to DuckDB with status ``writing`` before its
vectors go to Chroma, and marked ``done`` after. A file not ``done`` for its current hash is
redone from scratch on the next run (its old rows and vectors are deleted by path first), so a
killed ingest re-run ends with exact counts and no duplicates. The lexical index is then brought to
the chunks in DuckDB: a new segment for what was added, deletions marked, its manifest replaced
atomically (see ``assistant.stores.lexical``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from assistant.config import Settings
from assistant.errors import DocumentError, HeaderError
from assistant.stores import prepared
from assistant.stores.records import Records, writer_lock
from assistant.stores.workspace import Workspace
from ingest import identifiers as ids
from ingest.chunking import Chunker, load_tokenizer
from ingest.documents import DOCUMENT_SUFFIXES, Page, load_document, recognise_kind, title_of
from ingest.ocr import OcrOptions
from ingest.rulings import parse_ruling
from ingest.tabular import load_structured

log = logging.getLogger(__name__)

STRUCTURED_SUFFIXES = {".csv", ".tsv", ".xlsx", ".xlsm"}
FLUSH_CHUNKS = 512
LOOKAHEAD = 256  # documents parsed ahead of the embedder


@dataclass
class FileOutcome:
    path: str
    status: str  # ingested | skipped | rejected | partial | pruned
    category: str = ""  # records | document
    kind: str = ""
    rows: int = 0
    rejected_rows: int = 0
    pages: int = 0
    chunks: int = 0
    reason: str = ""
    row_rejects: list[dict] = field(default_factory=list)


@dataclass
class IngestReport:
    files: list[FileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    lexical: str = "unchanged"  # what the lexical index did: unchanged | updated | merged | rebuilt

    def by_status(self, status: str) -> list[FileOutcome]:
        return [f for f in self.files if f.status == status]

    @property
    def ok(self) -> bool:
        return not any(f.status in ("rejected", "partial") for f in self.files)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def totals(self) -> dict[str, int]:
        return {
            "files": len([f for f in self.files if f.status != "pruned"]),
            "ingested": len(self.by_status("ingested")) + len(self.by_status("partial")),
            "skipped": len(self.by_status("skipped")),
            "rejected": len(self.by_status("rejected")),
            "pruned": len(self.by_status("pruned")),
            "rows": sum(f.rows for f in self.files),
            "rejected_rows": sum(f.rejected_rows for f in self.files),
            "pages": sum(f.pages for f in self.files),
            "chunks": sum(f.chunks for f in self.files),
        }

    def to_dict(self) -> dict:
        return {
            "ok": self.ok,
            "seconds": round(self.seconds, 3),
            "lexical": self.lexical,
            "totals": self.totals(),
            "files": [f.__dict__ for f in self.files],
        }


class Progress(Protocol):
    def start(self, total_files: int) -> None: ...
    def file_done(self, outcome: FileOutcome) -> None: ...
    def chunks_embedded(self, n: int) -> None: ...
    def phase(self, text: str) -> None: ...


class _NoProgress:
    def start(self, total_files: int) -> None:
        pass

    def file_done(self, outcome: FileOutcome) -> None:
        pass

    def chunks_embedded(self, n: int) -> None:
        pass

    def phase(self, text: str) -> None:
        pass


@dataclass
class Source:
    abs_path: Path
    key: str  # stable name: relative to the folder given, or the file name


def discover(paths: list[Path]) -> tuple[list[Source], list[FileOutcome], list[Path]]:
    """Files under ``paths`` (hidden files and editor lock files skipped), problems, and root dirs."""
    sources: list[Source] = []
    problems: list[FileOutcome] = []
    roots: list[Path] = []
    seen: set[Path] = set()
    for given in paths:
        p = Path(given)
        if not p.exists():
            problems.append(FileOutcome(str(given), "rejected", reason="no such file or folder"))
            continue
        if p.is_file():
            candidates = [(p.resolve(), p.name)]
        else:
            roots.append(p.resolve())
            candidates = []
            for dirpath, dirnames, filenames in os.walk(p):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith((".", "~$")):
                        continue
                    full = Path(dirpath) / name
                    candidates.append((full.resolve(), full.relative_to(p).as_posix()))
        for abs_path, key in candidates:
            if abs_path not in seen:
                seen.add(abs_path)
                sources.append(Source(abs_path, key))
    return sources, problems, roots


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _ParsedDoc:
    source: Source
    sha: str
    size: int
    kind: str
    title: str
    pages: list[Page]
    chunks: list[dict]
    file_ids: dict[str, set[str]]
    ruling: object | None
    note: str = ""


def ingest_paths(settings: Settings, paths: list[Path], prune: bool = False, progress: Progress | None = None):
    """Ingest case folders or files into the workspace of ``settings``: the work of ``faprep ingest``
    (the service ``assistant.services.ingesting.ingest`` also logs it)."""
    return Ingestor(settings, progress).run(paths, prune=prune)


class Ingestor:
    def __init__(self, settings: Settings, progress: Progress | None = None):
        self.settings = settings
        self.progress = progress or _NoProgress()
        self.ocr = OcrOptions(settings.ocr, settings.ocr_dpi, settings.ocr_min_confidence)
        self._embedder = None
        self._vectors = None
        self._chunker = None
        # the model and the vector store, opening on threads while parsing starts
        self._model_future = None
        self._vectors_future = None

    # lazily: a run of unchanged files loads neither the model nor Chroma
    @property
    def embedder(self):
        if self._embedder is None:
            from assistant.stores.embeddings import get_embedder

            self.progress.phase("loading embedding model")
            self._embedder = self._model_future.result() if self._model_future else get_embedder(self.settings)
        return self._embedder

    @property
    def vectors(self):
        if self._vectors is None:
            from assistant.stores.embeddings import vectors_key
            from assistant.stores.vectors import VectorStore

            store = self._vectors_future.result() if self._vectors_future else VectorStore(self.settings)
            key = vectors_key(self.embedder)
            store.check(key, self.settings.workspace)  # never vectors of two kinds in one collection
            store.mark(key)
            self._vectors = store
        return self._vectors

    def run(self, paths: list[Path], prune: bool = False) -> IngestReport:
        started = time.perf_counter()
        ws = Workspace.of(self.settings)
        with writer_lock(ws.root), Records(ws.records) as rec:
            report = self._run(rec, paths, prune)
            self.progress.phase("preparing the records for the checks")
            prepared.refresh(rec.con)
            report.seconds = time.perf_counter() - started
            t = report.totals()
            run_id = rec.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
            rec.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    dt.datetime.now() - dt.timedelta(seconds=report.seconds),
                    dt.datetime.now(),
                    t["files"],
                    t["ingested"],
                    t["skipped"],
                    t["rejected"],
                    t["pruned"],
                    "ok" if report.ok else "with rejections",
                ],
            )
        return report

    def _run(self, rec: Records, paths: list[Path], prune: bool) -> IngestReport:
        report = IngestReport()
        sources, problems, roots = discover(paths)
        report.files.extend(problems)
        manifest = rec.manifest()
        self.progress.start(len(sources))

        structured = [s for s in sources if s.abs_path.suffix.lower() in STRUCTURED_SUFFIXES]
        documents = [s for s in sources if s.abs_path.suffix.lower() in DOCUMENT_SUFFIXES]
        others = [s for s in sources if s not in structured and s not in documents]
        for s in others:
            outcome = FileOutcome(
                s.key,
                "rejected",
                reason=f"unsupported file type '{s.abs_path.suffix or '(none)'}': expected CSV/XLSX records, PDF/DOCX/TXT/MD documents or PNG/JPEG/TIFF scans",
            )
            self._record_rejected(rec, s, outcome)
            report.files.append(outcome)
            self.progress.file_done(outcome)

        # Records first: documents are linked to entries and parts by what the records hold.
        for s in structured:
            outcome = self._ingest_structured(rec, s, manifest)
            report.files.append(outcome)
            self.progress.file_done(outcome)

        known_parts, known_invoices = rec.known_references()

        # Parsing (pypdf, chunking, identifiers) runs on a worker thread, ahead of the main
        # thread, which embeds (torch releases the GIL) and writes; DuckDB stays on this thread.
        pending: list[_ParsedDoc] = []
        jobs: deque = deque()

        def handle(outcome: FileOutcome | None, parsed: _ParsedDoc | None) -> None:
            nonlocal pending
            if parsed is None:
                if outcome.status == "rejected":
                    self._delete(rec, outcome.path)
                    self._record_rejected(rec, by_key[outcome.path], outcome, *hashes.get(outcome.path, (None, None)))
                report.files.append(outcome)
                self.progress.file_done(outcome)
                return
            pending.append(parsed)
            if sum(len(p.chunks) for p in pending) >= FLUSH_CHUNKS:
                report.files.extend(self._flush(rec, pending))
                pending = []

        by_key = {s.key: s for s in documents}
        hashes: dict[str, tuple[str, int]] = {}
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="faprep-parse") as pool:
            for s in documents:
                try:
                    sha, size = sha256_of(s.abs_path), s.abs_path.stat().st_size
                except OSError as exc:
                    handle(FileOutcome(s.key, "rejected", reason=f"cannot read file: {exc.strerror}"), None)
                    continue
                hashes[s.key] = (sha, size)
                unchanged = self._unchanged(rec, s, sha, manifest, "document")
                if unchanged is not None:
                    handle(unchanged, None)
                    continue
                chunker = self._start_document_work()
                jobs.append(pool.submit(self._parse_document, s, sha, size, chunker, known_parts, known_invoices))
                while jobs and (len(jobs) > LOOKAHEAD or jobs[0].done()):
                    handle(*jobs.popleft().result())
            while jobs:
                handle(*jobs.popleft().result())
        if pending:
            report.files.extend(self._flush(rec, pending))

        if prune:
            present = {s.key for s in sources}
            for path, abs_path in rec.con.execute("SELECT path, abs_path FROM files").fetchall():
                under_root = abs_path and any(Path(abs_path).is_relative_to(r) for r in roots)
                gone = abs_path and not Path(abs_path).exists()
                if path not in present and (under_root or gone):
                    self._delete(rec, path)
                    rec.con.execute("DELETE FROM files WHERE path = ?", [path])
                    report.files.append(FileOutcome(path, "pruned", reason="no longer in the case folder"))

        report.lexical = self._refresh_lexical(rec)
        return report

    # --- records -------------------------------------------------------------------------------

    def _ingest_structured(self, rec: Records, s: Source, manifest) -> FileOutcome:
        try:
            sha, size = sha256_of(s.abs_path), s.abs_path.stat().st_size
        except OSError as exc:
            return FileOutcome(s.key, "rejected", reason=f"cannot read file: {exc.strerror}")
        unchanged = self._unchanged(rec, s, sha, manifest, "records")
        if unchanged is not None:
            return unchanged
        con = rec.con
        con.execute("BEGIN TRANSACTION")
        try:
            rec.delete_records(s.key)
            result = load_structured(con, s.abs_path, s.key)
        except (HeaderError, UnicodeDecodeError, ValueError, OSError) as exc:
            con.execute("ROLLBACK")
            reason = str(exc) if not isinstance(exc, UnicodeDecodeError) else "not UTF-8 text (save the CSV as UTF-8)"
            outcome = FileOutcome(s.key, "rejected", category="records", reason=reason)
            self._delete(rec, s.key)
            self._record_rejected(rec, s, outcome, sha, size)
            return outcome
        except Exception as exc:  # noqa: BLE001 - e.g. DuckDB's own CSV parser errors; reported, not raised
            con.execute("ROLLBACK")
            outcome = FileOutcome(
                s.key, "rejected", category="records", reason=f"cannot parse as CSV: {_first_line(exc)}"
            )
            self._delete(rec, s.key)
            self._record_rejected(rec, s, outcome, sha, size)
            return outcome
        rejects = [{"row": r.row, "field": r.field, "reason": r.reason} for r in result.rejects]
        status = "partial" if rejects else "ingested"
        if rejects:
            con.executemany(
                "INSERT INTO file_rejects VALUES (?, ?, ?, ?)",
                [[s.key, r["row"], r["field"], r["reason"]] for r in rejects],
            )
        reason = f"{len(rejects)} row(s) rejected" if rejects else ""
        if result.rows == 0 and not rejects:
            reason = "header only: no data rows"
        reason = "; ".join(x for x in [*result.notes, reason] if x)
        self._upsert_file(
            rec,
            s,
            sha,
            size,
            "records",
            result.kind,
            "partial" if rejects else "done",
            n_rows=result.rows,
            n_rejected=len(rejects),
            message=reason,
        )
        con.execute("COMMIT")
        return FileOutcome(
            s.key,
            status,
            "records",
            result.kind,
            rows=result.rows,
            rejected_rows=len(rejects),
            reason=reason,
            row_rejects=rejects,
        )

    # --- documents -----------------------------------------------------------------------------

    def _parse_document(self, s: Source, sha: str, size: int, chunker: Chunker, known_parts, known_invoices):
        """Pure work, run on the parse thread: no database access here."""
        try:
            pages = load_document(s.abs_path, self.ocr, progress=self.progress.phase)
        except DocumentError as exc:
            return FileOutcome(s.key, "rejected", category="document", reason=str(exc)), None
        except Exception as exc:  # noqa: BLE001 - a loader bug must not stop the other files
            log.exception("unexpected error loading %s", s.key)
            return FileOutcome(s.key, "rejected", category="document", reason=f"cannot read: {_first_line(exc)}"), None
        full_text = "\n".join(p.text for p in pages)
        kind = recognise_kind(full_text, s.key)
        ruling = parse_ruling(full_text) if kind == "ruling" else None
        chunks = []
        for page in pages:
            for span in chunker.split(page.text):
                text = page.text[span.start : span.end]
                found = ids.extract(text, known_parts, known_invoices)
                chunk_id = hashlib.sha256(f"{s.key}\x00{sha}\x00{len(chunks)}".encode()).hexdigest()[:32]
                chunks.append(
                    {
                        "id": chunk_id,
                        "page": page.number,
                        "start": span.start,
                        "end": span.end,
                        "text": text,
                        "n_tokens": span.n_tokens,
                        "ids": found,
                        "ocr": page.ocr,
                        "ocr_confidence": page.confidence,
                    }
                )
        notes = []
        read = [p for p in pages if p.ocr and not p.skipped]
        if read:
            mean = sum(p.confidence or 0 for p in read) / len(read)
            notes.append(
                f"OCR on page(s) {', '.join(str(p.number or 1) for p in read[:10])} (mean confidence {mean:.2f})"
            )
        notes += [f"page {p.number or 1} not indexed: {p.skipped}" for p in pages if p.skipped]
        blank = [str(p.number) for p in pages if p.number is not None and not p.text.strip() and not p.skipped]
        if blank and len(pages) > 1:
            notes.append(f"no text layer on page(s) {', '.join(blank[:10])}")
        note = "; ".join(notes)
        file_ids = ids.extract(Path(s.key).name.replace("_", " "), known_parts, known_invoices)
        return None, _ParsedDoc(s, sha, size, kind, title_of(pages, s.abs_path), pages, chunks, file_ids, ruling, note)

    def _start_document_work(self) -> Chunker:
        """At the first document to parse: the chunker for the parse thread (its tokenizer loads in
        milliseconds from ``tokenizer.json``) and, on background threads, the embedding model
        (sha256 checks and the ONNX session, about a second) and the vector store (Chroma's import),
        so that parsing starts at once and the first flush finds both ready.
        """
        if self._chunker is None:
            from assistant.stores.embeddings import get_embedder, model_dir_of
            from assistant.stores.vectors import VectorStore

            loader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="faprep-load")
            self._model_future = loader.submit(get_embedder, self.settings)
            self._vectors_future = loader.submit(VectorStore, self.settings)
            loader.shutdown(wait=False)
            self._chunker = Chunker(
                load_tokenizer(model_dir_of(self.settings)), self.settings.chunk_tokens, self.settings.chunk_overlap
            )
        return self._chunker

    def _flush(self, rec: Records, docs: list[_ParsedDoc]) -> list[FileOutcome]:
        """Embed the chunks of several documents at once, then write them as one batch.

        The embedding runs on a worker thread (torch releases the GIL) while this thread writes the
        catalogue to DuckDB with status 'writing'; the vectors follow, then the files are 'done'.
        """
        texts = [c["text"] for d in docs for c in d.chunks]
        _ = self.vectors  # the store's vectors are of this process's kind (checked before anything is written)
        embedder = self.embedder
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="faprep-embed") as pool:
            future = pool.submit(embedder.embed, texts) if texts else None
            try:
                self._write_catalogue(rec, docs)
            finally:
                vectors = future.result() if future else []
        self.progress.chunks_embedded(len(texts))
        outcomes = self._write_vectors(rec, docs, vectors)
        for outcome in outcomes:
            self.progress.file_done(outcome)
        return outcomes

    def _write_catalogue(self, rec: Records, docs: list[_ParsedDoc]) -> None:
        con = rec.con
        keys = [d.source.key for d in docs]
        chunks = [(d, c) for d in docs for c in d.chunks]
        con.execute("BEGIN TRANSACTION")
        rec.delete_documents(keys)
        insert_columns(
            con,
            "documents",
            [
                keys,
                [d.kind for d in docs],
                [d.title for d in docs],
                [len(d.pages) for d in docs],
                [sum(len(p.text) for p in d.pages) for d in docs],
            ],
        )
        pages = [(d.source.key, p) for d in docs for p in d.pages]
        insert_columns(
            con,
            "pages",
            [
                [k for k, _ in pages],
                [p.number for _, p in pages],
                [p.text for _, p in pages],
                [p.ocr for _, p in pages],
                [p.confidence for _, p in pages],
            ],
        )
        insert_columns(
            con,
            "chunks",
            [
                [c["id"] for _, c in chunks],
                [d.source.key for d, _ in chunks],
                [c["page"] for _, c in chunks],
                [c["start"] for _, c in chunks],
                [c["end"] for _, c in chunks],
                [d.kind for d, _ in chunks],
                [c["text"] for _, c in chunks],
                [c["n_tokens"] for _, c in chunks],
            ],
        )
        id_rows = [
            (d.source.key, c["id"], kind, v) for d, c in chunks for kind, values in c["ids"].items() for v in values
        ]
        id_rows += [(d.source.key, None, kind, v) for d in docs for kind, values in d.file_ids.items() for v in values]
        insert_columns(con, "identifiers", [list(col) for col in zip(*id_rows)] if id_rows else [[], [], [], []])
        for d in docs:
            if d.ruling is not None:
                r = d.ruling
                con.execute(
                    "INSERT INTO rulings VALUES (?, ?, ?, ?, ?)",
                    [r.number, d.source.key, r.date, r.tariff_numbers, r.subject],
                )
        now = dt.datetime.now()
        file_rows = [
            (
                d.source.key,
                str(d.source.abs_path),
                d.sha,
                d.size,
                "document",
                d.kind,
                "writing",
                0,
                0,
                len(d.pages),
                len(d.chunks),
                d.note,
                now,
            )
            for d in docs
        ]
        insert_columns(con, "files", [list(col) for col in zip(*file_rows)], verb="INSERT OR REPLACE INTO")
        con.execute("COMMIT")

    def _write_vectors(self, rec: Records, docs: list[_ParsedDoc], vectors) -> list[FileOutcome]:
        con = rec.con
        keys = [d.source.key for d in docs]
        chunks = [(d, c) for d in docs for c in d.chunks]
        self.vectors.delete_paths(keys)
        if chunks:
            self.vectors.upsert(
                [c["id"] for _, c in chunks],
                vectors,
                [c["text"] for _, c in chunks],
                [self._metadata(d, c) for d, c in chunks],
            )
        con.execute("UPDATE files SET status = 'done' WHERE status = 'writing' AND list_contains(?, path)", [keys])
        return [
            FileOutcome(
                d.source.key, "ingested", "document", d.kind, pages=len(d.pages), chunks=len(d.chunks), reason=d.note
            )
            for d in docs
        ]

    @staticmethod
    def _metadata(d: _ParsedDoc, c: dict) -> dict:
        meta = {"path": d.source.key, "kind": d.kind, "char_start": c["start"], "char_end": c["end"], "title": d.title}
        if c["page"] is not None:
            meta["page"] = c["page"]
        if c.get("ocr"):
            meta["ocr"] = True
            meta["ocr_confidence"] = c["ocr_confidence"]
        if d.ruling is not None:
            meta["ruling_number"] = d.ruling.number
        for kind in ("entry", "invoice", "part", "hts", "ruling", "cite"):
            values = c["ids"].get(kind) or set()
            if kind in ("entry", "invoice"):
                values = values | d.file_ids.get(kind, set())
            if values:
                meta[f"{kind}s"] = "|" + "|".join(sorted(values)) + "|"
        return meta

    # --- manifest helpers ----------------------------------------------------------------------

    def _unchanged(self, rec, s: Source, sha: str, manifest, category: str) -> FileOutcome | None:
        prev = manifest.get(s.key)
        if not prev or prev[0] != sha or prev[1] == "writing":
            return None
        row = rec.con.execute(
            "SELECT category, kind, status, n_rows, n_rejected, n_pages, n_chunks, message FROM files WHERE path = ?",
            [s.key],
        ).fetchone()
        cat, kind, status, n_rows, n_rej, n_pages, n_chunks, message = row
        if status == "rejected":
            return FileOutcome(
                s.key, "rejected", cat or category, kind or "", reason=f"{message} (unchanged since last run)"
            )
        outcome = FileOutcome(s.key, "skipped", cat or category, kind or "", reason="unchanged")
        if status == "partial":
            rejects = rec.con.execute("SELECT row, field, reason FROM file_rejects WHERE path = ?", [s.key]).fetchall()
            outcome = FileOutcome(
                s.key,
                "partial",
                cat,
                kind,
                rejected_rows=n_rej or 0,
                reason=f"{message} (unchanged since last run)",
                row_rejects=[{"row": r, "field": f, "reason": why} for r, f, why in rejects],
            )
        return outcome

    def _upsert_file(
        self,
        rec,
        s: Source,
        sha,
        size,
        category,
        kind,
        status,
        n_rows=0,
        n_rejected=0,
        n_pages=0,
        n_chunks=0,
        message="",
    ):
        rec.con.execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                s.key,
                str(s.abs_path),
                sha,
                size,
                category,
                kind,
                status,
                n_rows,
                n_rejected,
                n_pages,
                n_chunks,
                message,
                dt.datetime.now(),
            ],
        )

    def _record_rejected(self, rec, s: Source, outcome: FileOutcome, sha: str | None = None, size: int | None = None):
        if sha is None:
            try:
                sha, size = sha256_of(s.abs_path), s.abs_path.stat().st_size
            except OSError:
                sha, size = None, None
        self._upsert_file(
            rec, s, sha, size, outcome.category or "rejected", outcome.kind, "rejected", message=outcome.reason
        )

    def _delete(self, rec: Records, key: str) -> None:
        had_chunks = rec.con.execute("SELECT count(*) FROM chunks WHERE path = ?", [key]).fetchone()[0]
        rec.delete_records(key)
        rec.delete_documents([key])
        if had_chunks or rec.con.execute("SELECT category FROM files WHERE path = ?", [key]).fetchone() == (
            "document",
        ):
            self.vectors.delete_paths([key])

    def _refresh_lexical(self, rec: Records) -> str:
        """Bring the lexical index to the chunks in DuckDB; only added chunks are tokenized and indexed."""
        from assistant.stores.lexical import LexicalIndex

        index = LexicalIndex(Workspace.of(self.settings).lexical)
        chunk_ids = [r[0] for r in rec.con.execute("SELECT chunk_id FROM chunks ORDER BY chunk_id").fetchall()]

        def texts_for(wanted: list[str]) -> list[str]:
            self.progress.phase(f"indexing {len(wanted):,} chunks for lexical search")
            texts = dict(
                rec.con.execute(
                    "SELECT chunk_id, text FROM chunks WHERE chunk_id IN (SELECT unnest(?))", [wanted]
                ).fetchall()
            )
            return [texts[i] for i in wanted]

        return index.update(chunk_ids, texts_for).action


def insert_columns(con, table: str, columns: list[list], verb: str = "INSERT INTO") -> None:
    """Insert many rows in one statement, passed column-wise (DuckDB executemany goes row by row)."""
    if not columns or not columns[0]:
        return
    cols = ", ".join(f"unnest(${i + 1})" for i in range(len(columns)))
    con.execute(f"{verb} {table} SELECT {cols}", columns)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:300]


def report_json(report: IngestReport) -> str:
    return json.dumps(report.to_dict(), indent=2, default=str)
