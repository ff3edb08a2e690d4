"""Hybrid retrieval: dense (Chroma) + lexical (bm25s), fused, with filters and an identifier fast path.

1. **Filters** (kind, ruling number, entry, part, date range) become a set of allowed chunk ids,
   computed in DuckDB, which both searches respect.
2. **Identifier fast path**: the entry, invoice, part, HTS and ruling numbers named in the question
   are looked up in the ``identifiers`` table (and, for an entry, in the documents linked to it; for
   a ruling, in the ruling itself). Chunks that contain them come first, by how many they contain.
3. **Dense and lexical** candidates are fused by reciprocal rank fusion (``rrf``, default) or a
   convex combination of normalised scores (``convex``); ``faprep eval`` measures both.

Chunk texts and provenance come from DuckDB, the source of truth; Chroma and bm25s only rank.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from assistant.config import Settings
from assistant.stores.lexical import expand
from assistant.stores.records import open_records
from assistant.stores.workspace import Workspace

RRF_K = 60
CANDIDATES = 40  # per list, before fusion
ID_KINDS = ("entry", "invoice", "part", "hts", "ruling")


@dataclass
class Filters:
    kinds: list[str] | None = None
    ruling: str | None = None
    entry: str | None = None
    part: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def active(self) -> bool:
        return any(v for v in (self.kinds, self.ruling, self.entry, self.part, self.since, self.until))


@dataclass
class Passage:
    chunk_id: str
    path: str
    page: int | None
    kind: str
    title: str
    text: str
    char_start: int
    char_end: int
    ruling_number: str | None = None
    score: float = 0.0
    via: list[str] = field(default_factory=list)  # id, dense, lexical
    ocr_confidence: float | None = None  # the page was read by OCR, with this mean confidence

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def rrf(ranked_lists: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: sum over lists of 1 / (k + rank), rank from 1."""
    scores: dict[str, float] = {}
    for ranked in ranked_lists:
        for rank, cid in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + 1.0 / (k + rank)
    return scores


def convex(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], alpha: float = 0.5) -> dict[str, float]:
    """alpha * dense similarity + (1 - alpha) * lexical score, each min-max normalised over its list."""

    def norm(pairs):
        if not pairs:
            return {}
        values = [s for _, s in pairs]
        lo, hi = min(values), max(values)
        return {cid: (s - lo) / (hi - lo) if hi > lo else 1.0 for cid, s in pairs}

    d, lx = norm(dense), norm(lexical)
    return {cid: alpha * d.get(cid, 0.0) + (1 - alpha) * lx.get(cid, 0.0) for cid in set(d) | set(lx)}


class Retriever:
    """Holds the stores open for repeated queries (one per process or server)."""

    def __init__(self, settings: Settings):
        from assistant.stores.embeddings import get_embedder, vectors_key
        from assistant.stores.lexical import LexicalIndex
        from assistant.stores.vectors import VectorStore

        self.settings = settings
        self.records = open_records(settings, "documents")
        self.con = self.records.con
        self.embedder = get_embedder(settings)
        self.vectors = VectorStore(settings)
        self.vectors.check(vectors_key(self.embedder), settings.workspace)  # never compare vectors of two kinds
        self.lexical = LexicalIndex(Workspace.of(settings).lexical)
        self.known_parts, self.known_invoices = self.records.known_references()

    def close(self) -> None:
        self.records.close()

    # --- the parts ----------------------------------------------------------------------------

    def identifiers_in(self, text: str) -> dict[str, set[str]]:
        from ingest import identifiers as ids

        found = ids.extract(text, self.known_parts, self.known_invoices)
        return {k: found[k] for k in ID_KINDS if found.get(k)}

    def kinds_present(self, kinds: list[str]) -> list[str]:
        """The ingested documents of these kinds (their paths), in order."""
        rows = self.con.execute(
            "SELECT DISTINCT path FROM documents WHERE kind IN (SELECT unnest(?)) ORDER BY path", [list(kinds)]
        ).fetchall()
        return [r[0] for r in rows]

    def allowed(self, f: Filters | None) -> set[str] | None:
        if not f or not f.active():
            return None
        conds: list[str] = []
        params: list[Any] = []
        if f.kinds:
            conds.append("c.kind IN (SELECT unnest(?))")
            params.append(list(f.kinds))
        if f.ruling:
            conds.append(
                "(c.path IN (SELECT path FROM rulings WHERE ruling_number = ?) OR c.chunk_id IN "
                "(SELECT chunk_id FROM identifiers WHERE id_kind = 'ruling' AND value = ?))"
            )
            params += [f.ruling.upper(), f.ruling.upper()]
        if f.entry:
            conds.append("c.path IN (SELECT path FROM document_entries WHERE entry_number = ?)")
            params.append(f.entry)
        if f.part:
            conds.append(
                "(c.path IN (SELECT path FROM identifiers WHERE id_kind = 'part' AND value = ?) OR c.path IN "
                "(SELECT de.path FROM document_entries de JOIN entry_lines e USING (entry_number) "
                "WHERE e.part_number = ?))"
            )
            params += [f.part.upper(), f.part.upper()]
        if f.since or f.until:
            # a document's date: a ruling's date, or the earliest entry date of the entries it belongs to
            conds.append("""coalesce(
                (SELECT min(r.ruling_date) FROM rulings r WHERE r.path = c.path),
                (SELECT min(coalesce(e.entry_date, e.entry_summary_date)) FROM document_entries de
                 JOIN entry_lines e USING (entry_number) WHERE de.path = c.path)) BETWEEN ? AND ?""")
            params += [f.since or dt.date(1900, 1, 1), f.until or dt.date(9999, 12, 31)]
        rows = self.con.execute(f"SELECT c.chunk_id FROM chunks c WHERE {' AND '.join(conds)}", params).fetchall()
        return {r[0] for r in rows}

    def id_hits(self, found: dict[str, set[str]]) -> list[tuple[str, int]]:
        """Chunks containing the identifiers named, with how many distinct ones each contains."""
        pairs = [(k, v) for k, values in found.items() for v in values]
        if not pairs:
            return []
        kinds, values = [k for k, _ in pairs], [v for _, v in pairs]
        rows = self.con.execute(
            """
            WITH wanted AS (SELECT unnest(?) AS id_kind, unnest(?) AS value),
            hits AS (
                SELECT i.chunk_id, w.value FROM identifiers i JOIN wanted w USING (id_kind, value)
                WHERE i.chunk_id IS NOT NULL
                UNION ALL  -- every chunk of a ruling named, and of the documents linked to an entry named
                SELECT c.chunk_id, w.value FROM wanted w JOIN rulings r ON w.id_kind = 'ruling' AND r.ruling_number = w.value
                JOIN chunks c ON c.path = r.path
                UNION ALL
                SELECT c.chunk_id, w.value FROM wanted w JOIN document_entries de ON w.id_kind = 'entry' AND de.entry_number = w.value
                JOIN chunks c ON c.path = de.path
                UNION ALL  -- a file named after the identifier (invoice_KMH-2501-001.pdf) counts for all its chunks
                SELECT c.chunk_id, w.value FROM identifiers i JOIN wanted w USING (id_kind, value)
                JOIN chunks c ON c.path = i.path WHERE i.chunk_id IS NULL)
            SELECT chunk_id, count(DISTINCT value) AS n FROM hits GROUP BY chunk_id ORDER BY n DESC, chunk_id
        """,
            [kinds, values],
        ).fetchall()
        return [(cid, int(n)) for cid, n in rows]

    def dense(self, emb, n: int, allowed: set[str] | None) -> list[tuple[str, float]]:
        if allowed is not None and not allowed:
            return []
        if allowed is not None and len(allowed) <= 2000:
            return [(cid, 1.0 - d) for cid, d in self.vectors.query(emb, k=min(n, len(allowed)), ids=list(allowed))]
        hits = self.vectors.query(emb, k=n if allowed is None else n * 4)
        return [(cid, 1.0 - d) for cid, d in hits if allowed is None or cid in allowed][:n]

    # --- the whole ------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        k: int = 8,
        filters: Filters | None = None,
        fusion: str | None = None,
        use_ids: bool = True,
        query_vec=None,
    ) -> list[Passage]:
        """Top ``k`` passages; ``query_vec`` is the query's embedding when the caller already has it."""
        fusion = fusion or self.settings.fusion
        allowed = self.allowed(filters)
        found = self.identifiers_in(query) if use_ids else {}
        id_ranked = [(cid, n) for cid, n in self.id_hits(found) if allowed is None or cid in allowed]
        if query_vec is None:
            query_vec = self.embedder.embed_query(query)
        dense = self.dense(query_vec, CANDIDATES, allowed)
        lexical = self.lexical.search(expand(query), k=CANDIDATES, allowed=allowed)
        if fusion == "convex":
            fused = convex(dense, lexical, self.settings.fusion_alpha)
        else:
            fused = rrf([[c for c, _ in dense], [c for c, _ in lexical]])
        via: dict[str, list[str]] = {}
        for name, ranked in (("dense", dense), ("lexical", lexical)):
            for cid, _ in ranked:
                via.setdefault(cid, []).append(name)
        id_count = dict(id_ranked)
        for cid in id_count:
            via.setdefault(cid, []).insert(0, "id")
        # identifier hits first (more identifiers matched first), then by fused score
        order = sorted(set(fused) | set(id_count), key=lambda c: (-id_count.get(c, 0), -fused.get(c, 0.0), c))
        top = order[:k]
        passages = self.passages(top)
        for p in passages:
            p.score = fused.get(p.chunk_id, 0.0) + id_count.get(p.chunk_id, 0)
            p.via = via.get(p.chunk_id, [])
        return passages

    def passages(self, chunk_ids: list[str]) -> list[Passage]:
        if not chunk_ids:
            return []
        rows = self.con.execute(
            """
            SELECT c.chunk_id, c.path, c.page, c.kind, coalesce(d.title, c.path), c.text, c.char_start, c.char_end,
                   (SELECT min(r.ruling_number) FROM rulings r WHERE r.path = c.path),
                   (SELECT max(CASE WHEN pg.ocr THEN pg.ocr_confidence END) FROM pages pg
                    WHERE pg.path = c.path AND pg.page IS NOT DISTINCT FROM c.page)
            FROM chunks c LEFT JOIN documents d USING (path) WHERE c.chunk_id IN (SELECT unnest(?))
        """,
            [chunk_ids],
        ).fetchall()
        by_id = {}
        for r in rows:
            passage = Passage(*r[:9])
            passage.ocr_confidence = r[9]
            by_id[r[0]] = passage
        return [by_id[c] for c in chunk_ids if c in by_id]

    def page_text(self, path: str, page: int | None) -> str:
        row = self.con.execute(
            "SELECT text FROM pages WHERE path = ? AND page IS NOT DISTINCT FROM ?", [path, page]
        ).fetchone()
        return row[0] if row else ""
