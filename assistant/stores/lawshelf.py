"""The law shelf: 19 CFR Parts and 19 USC sections that ship with faprep, indexed once per home and
searched beside every workspace's own documents.

**Texts.** The built-in texts lie in ``assistant/stores/law_texts`` (public domain: the eCFR text of
19 CFR Parts 141, 142, 152, 159, 162, 163, 165, 171, 174, 177, 181 and 182, and six sections of
19 USC). ``faprep law update FOLDER`` copies newer editions into ``$FAPREP_HOME/law/texts``; a text
there replaces the built-in one of the same Part (or USC section), or adds one. Each file is read by
its structure (:mod:`assistant.stores.lawtext`); one that is not regulation text is refused.

**Chunks.** A chunk is one paragraph's own text (cut at sentences when long), so it never crosses a
section: it knows its section, its paragraph path and where it lies in the section's text, so a
quote is cited ``19 CFR 163.11(c)(3)`` and verified verbatim against the stored section. What is
embedded and indexed adds what the paragraph is read in: the citation, the section's title, the
lead-ins of the paragraphs above it, and, for a paragraph that introduces a list, its items.

**Index.** ``$FAPREP_HOME/law/index``: per text file (by its sha256) the chunks (JSON) and their
vectors (NumPy), a lexical index (bm25s) over all chunks, and a manifest naming the texts and the
embedding model, precision and runtime that made the vectors. Only texts whose sha256 changed are
embedded again; a manifest made by another model is rebuilt whole, never queried. The index is
written under a file lock and its manifest replaced atomically, so every workspace's askers read
a whole index. Dense search is an exact dot product over the shelf's few thousand vectors.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from assistant.errors import BadInput
from assistant.stores.lawtext import CFR, USC, LawText, LawTextError, Section, read_law
from assistant.stores.lexical import TOKENIZER, LexicalIndex, expand

log = logging.getLogger(__name__)

BUILT_IN = Path(__file__).resolve().parent / "law_texts"
TEXT_SUFFIXES = (".md", ".txt", ".markdown")
CHUNKING = "paragraphs-2"  # how texts are cut and what is embedded: part of every index's and cache's stamp
RERANK_ALPHA = 0.5  # weight of the dense score when the paragraphs of the best sections are scored
SECTIONS = 6  # sections whose every paragraph is scored for a question
CHUNK_CHARS = 1100  # about 240 word pieces: the chunk size of documents
_SENTENCE_END = re.compile(r"(?<=[.;:])\s+(?=[A-Z(])")
_CITE = re.compile(
    r"(?:(?P<title>19)\s*(?P<kind>C\.?F\.?R\.?|U\.?S\.?C\.?)\s*(?:§+\s*)?|§+\s*|\bsection\s+|\bsec\.\s*)?"
    r"(?P<number>\d{3}\.\d{1,3}[a-z]?|1[3-6]\d{2}[a-z]?)(?P<path>(?:\((?:[a-z]{1,4}|\d{1,3}|[A-Z]{1,4})\))*)",
    re.I,
)
# a section of the Tariff Act of 1930 as practitioners name it ("section 592", "a 592 penalty"): 19 USC 1592
_TARIFF_ACT = re.compile(
    r"(?:\b(?:section|sec\.)\s*|§\s*|\b(?=\d{3}\s+(?:penalt|case|action|violation|proceeding|claim|liabilit|negligen|fraud|gross|investigat|pre-penalty)))"
    r"(?P<number>[3-7]\d{2})(?P<path>(?:\((?:[a-z]{1,4}|\d{1,3}|[A-Z]{1,4})\))*)(?![\d.])",
    re.I,
)
_PART = re.compile(r"\b(?:19\s*C\.?F\.?R\.?\s*)?part\s+(\d{3})\b", re.I)


@dataclass
class LawChunk:
    id: str  # "19 CFR 163.4(a)#0"
    source: str  # "19 CFR" | "19 USC"
    section: str  # "163.4"
    paragraph: str  # the paragraph the chunk starts at: "(a)", "" for the section's lead text
    title: str  # the section's title
    text: str  # the section's text from start to end, verbatim
    start: int
    end: int
    file: str  # the text file it comes from
    as_of: str | None = None
    context: str = ""  # the lead-ins of the paragraphs above it
    items: str = ""  # the items a paragraph ending in ":" introduces

    @property
    def cite(self) -> str:
        return f"{self.source} {self.section}{self.paragraph}"

    def embed_text(self) -> str:
        """What is embedded and indexed: the citation, the section's title and the lead-ins above the
        paragraph, its text, and the items it introduces (only its own text is quoted)."""
        return f"{self.source} {self.section} {self.title} {self.paragraph} {self.context}\n{self.text} {self.items}".strip()


@dataclass
class LawHit:
    chunk: LawChunk
    score: float  # fused, 0..1
    dense: float  # cosine similarity to the question
    via: str  # "cite" (named in the question) | "dense" | "lexical" | "dense+lexical"


@dataclass
class NamedLaw:
    """A citation the question names: ``19 CFR 163.11(a)(5)``, ``section 1592(c)(4)``, ``Part 177``."""

    source: str | None
    section: str | None
    paragraph: str
    part: str | None = None
    bare: bool = False  # a number alone ("163.4"): a citation only if the shelf holds that section


def chunks_of(section: Section, file: str, as_of: str | None) -> list[LawChunk]:
    """The section cut into chunks that never cross it, one per paragraph (see the module doc)."""
    out: list[LawChunk] = []
    for p in section.paragraphs:
        if p.heading_only:  # "(a) Prohibition": read as the lead-in of the paragraphs below it
            continue
        context = _context(section, p.path)
        for a, b in _windows(p.text):
            out.append(
                LawChunk(
                    f"{section.cite}{p.path}#{len(out)}",
                    section.source,
                    section.number,
                    p.path,
                    section.title,
                    p.text[a:b],
                    p.start + a,
                    p.start + b,
                    file,
                    as_of,
                    context,
                    _list_after(section, p.path, p.text),
                )
            )
    return out


def _context(section: Section, path: str) -> str:
    """What a paragraph is read in: the start of each paragraph above it (its lead-ins)."""
    parents: list[str] = []
    while path:
        path = path[: path.rfind("(")]
        parent = section.paragraph(path)
        if parent is not None:
            parents.insert(0, parent.heading or parent.text[:160])
    return " ".join(parents)


def _list_after(section: Section, path: str, text: str) -> str:
    """For a paragraph that introduces a list ("shall contain the following:"), the items it introduces."""
    if not text.rstrip().endswith((":", "—", "-")):
        return ""
    depth = path.count("(")
    items = [p.text for p in section.paragraphs if p.path.startswith(path) and p.path.count("(") == depth + 1]
    return " ".join(items)[:600]


def _windows(text: str) -> list[tuple[int, int]]:
    """``text`` in pieces of at most ``CHUNK_CHARS``, cut after sentences (or anywhere, as a last resort)."""
    if len(text) <= CHUNK_CHARS:
        return [(0, len(text))]
    cuts = [m.start() for m in _SENTENCE_END.finditer(text)]
    out, start = [], 0
    while start < len(text):
        limit = start + CHUNK_CHARS
        if limit >= len(text):
            out.append((start, len(text)))
            break
        inside = [c for c in cuts if start < c <= limit]
        end = inside[-1] if inside else limit
        out.append((start, end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    return out


def named_law(question: str) -> list[NamedLaw]:
    """The sections, paragraphs and Parts of 19 CFR / 19 USC a question names."""
    out: list[NamedLaw] = []
    for m in _CITE.finditer(question):
        number = m.group("number")
        lead = m.group(0)[: m.start("number") - m.start()]
        if question[max(0, m.start() - 1) : m.start()] in ("$", ".", ",") or question[m.end() : m.end() + 1].isdigit():
            continue  # an amount or part of a longer number
        kind = (m.group("kind") or "").upper().replace(".", "")
        if "." in number:
            source = CFR if kind != "USC" else None
        else:
            if not lead.strip() and not kind:
                continue  # a bare four-digit number: a year, an amount, an account
            source = USC if kind in ("USC", "") else None
        if source is None:
            continue
        out.append(NamedLaw(source, number, m.group("path") or "", bare=not lead.strip() and not kind))
    for m in _TARIFF_ACT.finditer(question):
        number = "1401a" if m.group("number") == "402" else "1" + m.group("number")
        if not any(n.section == number for n in out):
            out.append(NamedLaw(USC, number, m.group("path") or ""))
    for m in _PART.finditer(question):
        if not any(n.section and n.section.startswith(m.group(1) + ".") for n in out):
            out.append(NamedLaw(CFR, None, "", part=m.group(1)))
    return out


class LawShelf:
    """The texts on the shelf and their index in ``$FAPREP_HOME/law`` (see the module doc)."""

    _texts_cache: dict[tuple[str, float, int], LawText] = {}
    _cache_lock = threading.Lock()

    def __init__(self, home: Path):
        self.folder = Path(home) / "law"
        self.texts_dir = self.folder / "texts"
        self.index_dir = self.folder / "index"
        self._loaded: tuple[str, list[LawChunk], np.ndarray] | None = None
        self._lexical: LexicalIndex | None = None

    # --- the texts -------------------------------------------------------------------------------

    @classmethod
    def read(cls, path: Path) -> LawText:
        """A text file parsed, once per process while it is unchanged."""
        st = path.stat()
        key = (str(path), st.st_mtime, st.st_size)
        with cls._cache_lock:
            if key not in cls._texts_cache:
                cls._texts_cache[key] = read_law(path)
            return cls._texts_cache[key]

    def texts(self) -> list[LawText]:
        """The built-in texts, each replaced by a text of the same Part in the home's folder; and the
        home's texts of other Parts."""
        chosen: dict[tuple[str, str], LawText] = {}
        for folder in (BUILT_IN, self.texts_dir):
            if not folder.is_dir():
                continue
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in TEXT_SUFFIXES and not path.name.startswith("."):
                    text = self.read(path)
                    chosen[(text.source, text.part)] = text
        return sorted(chosen.values(), key=lambda t: (t.source != CFR, _natural(t.part)))

    def sections(self) -> dict[str, Section]:
        """Every section on the shelf by its citation (``19 CFR 163.4``)."""
        return {s.cite: s for t in self.texts() for s in t.sections}

    def catalogue(self) -> list[dict]:
        """What ``faprep law`` shows: each text's Part, sections, as-of date, sha256 and where it comes from."""
        manifest = self.manifest()
        return [
            {
                "source": t.source,
                "part": t.part,
                "title": t.title,
                "sections": len(t.sections),
                "as_of": t.as_of.isoformat() if t.as_of else None,
                "sha256": t.sha256,
                "file": t.name,
                "origin": "built in" if (BUILT_IN / t.name).is_file() and self._is_built_in(t) else "updated",
                "indexed": t.sha256 in manifest.get("texts", {}),
            }
            for t in self.texts()
        ]

    def _is_built_in(self, text: LawText) -> bool:
        path = BUILT_IN / text.name
        return path.is_file() and self.read(path).sha256 == text.sha256

    # --- exact lookups ------------------------------------------------------------------------------

    def lookup(self, named: NamedLaw) -> tuple[Section, str] | None:
        """The section and the paragraph (its deepest existing part) a citation names."""
        if named.section is None:
            return None
        section = self.sections().get(f"{named.source} {named.section}")
        if section is None:
            return None
        path = named.paragraph
        while path and section.subtree(path) is None:
            path = path[: path.rfind("(")]
        return section, path

    def quote(self, cite: str) -> tuple[Section, str, str] | None:
        """(section, paragraph path, verbatim text of the paragraph and those under it) for a citation such
        as ``19 CFR 163.4(a)``; None when the shelf does not hold it."""
        found = named_law(cite)
        hit = self.lookup(found[0]) if found else None
        if hit is None:
            return None
        section, path = hit
        span = section.subtree(path) if path else (0, len(section.text))
        assert span is not None
        return section, path, section.text[span[0] : span[1]]

    # --- the index ------------------------------------------------------------------------------------

    def manifest(self) -> dict:
        try:
            return json.loads((self.index_dir / "manifest.json").read_text())
        except (OSError, ValueError):
            return {}

    @contextmanager
    def _writing(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def is_current(self, stamp: str) -> bool:
        """The index holds every text on the shelf, embedded by the model ``stamp`` names."""
        stamp = _stamped(stamp)
        manifest = self.manifest()
        return (
            manifest.get("model") == stamp
            and manifest.get("tokenizer") == TOKENIZER
            and set(manifest.get("texts", {})) == {t.sha256 for t in self.texts()}
        )

    def build(self, embedder, stamp: str, progress=None, cache: Path | None = None) -> dict:
        """Index the texts not yet indexed by this model (all of them when the model changed); drop the
        ones no longer on the shelf. ``cache``: a folder of the machine where a text's chunks and vectors,
        once computed by this model, are kept for every home (``faprep model`` fills it for the built-in
        texts). Returns what was done: texts embedded, kept and dropped, chunks, seconds."""
        started = dt.datetime.now()
        stamp = _stamped(stamp)
        with self._writing():
            manifest = self.manifest()
            if manifest.get("model") != stamp:
                manifest = {"texts": {}}
            self.index_dir.mkdir(parents=True, exist_ok=True)
            texts = self.texts()
            done, kept = [], []
            for text in texts:
                if text.sha256 in manifest["texts"]:
                    kept.append(text.name)
                    continue
                if progress:
                    progress(f"law shelf: {text.source} {text.part}")
                n = self._index_text(text, embedder, stamp, cache)
                manifest["texts"][text.sha256] = {"file": text.name, "chunks": n}
                done.append(text.name)
            current = {t.sha256 for t in texts}
            dropped = [v["file"] for k, v in manifest["texts"].items() if k not in current]
            manifest["texts"] = {k: v for k, v in manifest["texts"].items() if k in current}
            chunks = self._chunks_of(manifest)
            by_id = {c.id: c for c in chunks}
            LexicalIndex(self.index_dir / "lexical").update(
                [c.id for c in chunks], lambda ids: [by_id[i].embed_text() for i in ids]
            )
            manifest.update(
                model=stamp, tokenizer=TOKENIZER, built=dt.datetime.now().isoformat(timespec="seconds"), version=1
            )
            tmp = self.index_dir / "manifest.json.tmp"
            tmp.write_text(json.dumps(manifest, indent=1))
            os.replace(tmp, self.index_dir / "manifest.json")
            self._remove_stale(manifest)
        self._loaded, self._lexical = None, None
        seconds = (dt.datetime.now() - started).total_seconds()
        return {"embedded": done, "kept": kept, "dropped": dropped, "chunks": len(chunks), "seconds": seconds}

    def ensure(self, embedder, stamp: str, cache: Path | None = None, progress=None) -> dict | None:
        """``build`` when the index is not current for ``stamp``; None when it already was."""
        return None if self.is_current(stamp) else self.build(embedder, stamp, progress, cache)

    def _index_text(self, text: LawText, embedder, stamp: str, cache: Path | None) -> int:
        """The text's chunks and vectors in the index (from the machine's cache when it has them): chunks."""
        names = (f"{text.sha256}.json", f"{text.sha256}.npy")
        cached = cache / hashlib.sha256(stamp.encode()).hexdigest()[:16] if cache else None
        if cached is not None and all((cached / n).is_file() for n in names):
            for n in names:
                shutil.copyfile(cached / n, self.index_dir / n)
            return len(json.loads((self.index_dir / names[0]).read_text()))
        chunks = [c for s in text.sections for c in chunks_of(s, text.name, _day(text.as_of))]
        vectors = np.asarray(embedder.embed([c.embed_text() for c in chunks]), dtype=np.float32)
        np.save(self.index_dir / names[1], vectors)
        (self.index_dir / names[0]).write_text(json.dumps([asdict(c) for c in chunks]))
        if cached is not None:
            cached.mkdir(parents=True, exist_ok=True)
            for n in names:  # whole files only: copied beside, then renamed into place
                tmp = cached / f".{n}.{os.getpid()}"
                shutil.copyfile(self.index_dir / n, tmp)
                os.replace(tmp, cached / n)
        return len(chunks)

    def _chunks_of(self, manifest: dict) -> list[LawChunk]:
        out: list[LawChunk] = []
        for sha in manifest.get("texts", {}):
            out += [LawChunk(**c) for c in json.loads((self.index_dir / f"{sha}.json").read_text())]
        return out

    def _remove_stale(self, manifest: dict) -> None:
        keep = set(manifest["texts"])
        for path in self.index_dir.iterdir():
            if path.suffix in (".npy", ".json") and path.stem not in keep and path.name != "manifest.json":
                path.unlink()

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.index_dir.rglob("*") if p.is_file()) if self.index_dir.exists() else 0

    def _load(self, stamp: str) -> tuple[list[LawChunk], np.ndarray]:
        stamp = _stamped(stamp)
        manifest = self.manifest()
        key = json.dumps([manifest.get("model"), sorted(manifest.get("texts", {}))])
        if self._loaded is None or self._loaded[0] != key:
            if manifest.get("model") != stamp:
                raise LookupError("the law shelf was indexed by another embedding model")
            chunks = self._chunks_of(manifest)
            vectors = [np.load(self.index_dir / f"{sha}.npy") for sha in manifest.get("texts", {})]
            matrix = np.concatenate(vectors) if vectors else np.zeros((0, 1), dtype=np.float32)
            self._loaded = (key, chunks, matrix)
            self._lexical = LexicalIndex(self.index_dir / "lexical")
        return self._loaded[1], self._loaded[2]

    def search(
        self,
        query: str,
        qvec,
        stamp: str,
        k: int = 8,
        pool: int = 40,
        alpha: float = 0.5,
        sections: int = SECTIONS,
        within: set[str] | None = None,
        boost: Callable[[LawChunk], float] | None = None,
    ) -> list[LawHit]:
        """The ``k`` best paragraphs for the question, in two steps: the sections whose paragraphs the
        dense and lexical searches rank best (a convex combination of min-max normalised scores, as for
        documents), then every paragraph of those ``sections`` scored the same way, so the paragraph
        that answers is found even when another section's paragraph is closer in words. ``within``: the
        sections to score (``19 CFR 177.7``, those of a Part the question names), instead of the best;
        ``boost``: what a paragraph adds to its score in both steps (one that states what is asked for)."""
        chunks, matrix = self._load(stamp)
        if not chunks:
            return []
        sims = matrix @ np.asarray(qvec, dtype=np.float32)
        assert self._lexical is not None
        index = {c.id: i for i, c in enumerate(chunks)}
        dense = {int(i): float(sims[i]) for i in np.argsort(-sims)[:pool]}
        lex = {index[cid]: s for cid, s in self._lexical.search(expand(query), k=pool) if cid in index}
        fused = _fuse(dense, lex, alpha)
        extra = (lambda i: boost(chunks[i])) if boost else (lambda i: 0.0)
        best: dict[str, float] = {}
        for i, score in fused.items():
            key = f"{chunks[i].source} {chunks[i].section}"
            best[key] = max(best.get(key, 0.0), score + extra(i))
        top = set(sorted(best, key=lambda x: -best[x])[:sections]) if not within else set(within)
        inside = [i for i, c in enumerate(chunks) if f"{c.source} {c.section}" in top]
        allowed = {chunks[i].id for i in inside}
        lex_in = {index[cid]: s for cid, s in self._lexical.search(expand(query), k=len(inside), allowed=allowed)}
        rescored = _fuse({i: float(sims[i]) for i in inside}, lex_in, RERANK_ALPHA)
        for i in rescored:  # the section's own standing counts too
            rescored[i] = 0.8 * rescored[i] + 0.2 * best.get(f"{chunks[i].source} {chunks[i].section}", 0.0) + extra(i)
        ranked = sorted(rescored, key=lambda i: -rescored[i])[:k]
        return [
            LawHit(
                chunks[i],
                rescored[i],
                float(sims[i]),
                "+".join(v for v, d in (("dense", dense), ("lexical", lex)) if i in d) or "section",
            )
            for i in ranked
        ]

    def chunks_at(self, section: Section, path: str, stamp: str) -> list[LawChunk]:
        """The indexed chunks of a paragraph named in a question (its subtree), in order."""
        chunks, _ = self._load(stamp)
        inside = [c for c in chunks if c.source == section.source and c.section == section.number]
        if not path:
            return inside
        span = section.subtree(path)
        return [c for c in inside if span and c.start < span[1] and c.end > span[0]]

    # --- updates ----------------------------------------------------------------------------------------

    def update(self, folder: Path) -> tuple[list[LawText], list[dict]]:
        """Copy the regulation texts of ``folder`` into the home's shelf: (texts taken, files refused with
        their reason). A file that is not regulation text is refused, never copied."""
        folder = Path(folder)
        if not folder.is_dir():
            raise BadInput(f"{folder}: not a folder of regulation texts", field="path")
        taken, refused = [], []
        for path in sorted(folder.iterdir()):
            if path.is_dir() or path.name.startswith("."):
                continue
            if path.suffix.lower() not in TEXT_SUFFIXES:
                refused.append({"file": path.name, "reason": "not a text file (.md or .txt)"})
                continue
            try:
                text = read_law(path)
            except LawTextError as exc:
                refused.append({"file": path.name, "reason": exc.message.removeprefix(f"{path.name}: ")})
                continue
            taken.append(text)
        with self._writing():
            self.texts_dir.mkdir(parents=True, exist_ok=True)
            for text in taken:
                for old in self.texts_dir.iterdir():  # the home's earlier edition of the same Part
                    if old.suffix.lower() in TEXT_SUFFIXES and old.name != text.name:
                        try:
                            same = self.read(old)
                        except LawTextError:
                            continue
                        if (same.source, same.part) == (text.source, text.part):
                            old.unlink()
                shutil.copy2(folder / text.name, self.texts_dir / text.name)
        return taken, refused


def _stamped(stamp: str) -> str:
    """The model's stamp and the way texts are chunked: an index made either way otherwise is rebuilt."""
    return stamp if stamp.endswith(CHUNKING) else f"{stamp}|{CHUNKING}"


def _fuse(dense: dict[int, float], lexical: dict[int, float], alpha: float) -> dict[int, float]:
    def norm(scores: dict[int, float]) -> dict[int, float]:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(scores.values())
        return {i: (s - lo) / (hi - lo) if hi > lo else 1.0 for i, s in scores.items()}

    d, lx = norm(dense), norm(lexical)
    return {i: alpha * d.get(i, 0.0) + (1 - alpha) * lx.get(i, 0.0) for i in set(d) | set(lx)}


def _natural(text: str) -> list:
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", text)]


def _day(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


__all__ = ["CFR", "USC", "LawShelf", "LawChunk", "LawHit", "NamedLaw", "named_law", "chunks_of", "BUILT_IN"]
