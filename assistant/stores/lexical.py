"""Lexical index (bm25s) over the chunk texts, with identifier-preserving tokens, updated incrementally.

Dense embeddings do not find ``HL7-0101234-5`` or ``N361443``. The tokenizer keeps such tokens
whole (and also emits their parts and compact forms), so exact identifiers are found.

**Segments.** The index is a list of bm25s segments plus a set of deleted chunk ids, the way a
search engine keeps its index: an ingest that adds chunks writes one new segment holding only those
chunks, and chunks that disappeared (a changed or pruned file) are marked deleted. Work is
proportional to what changed, not to the size of the case. Segments are merged when there are
more than ``MAX_SEGMENTS`` (the small ones into one), and the whole index is rebuilt when more than
``MAX_DELETED`` of its entries are deleted.

**Scores stay global.** bm25s stores, per segment, ``idf(term) * tf-part`` with the segment's own
idf. At query time each term's column is rescaled by ``idf_global / idf_segment``, where the global
document frequency is the sum over segments, so a chunk scores as in one index over the whole case
(only the length normalisation uses the segment's own average length; chunks are sized alike).

**Crash safety.** A segment is written to its own directory before ``manifest.json``, which lists
the live segments, is replaced atomically; directories the manifest does not list are removed at
the next update. A query never writes.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import re
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

MAX_SEGMENTS = 8
MAX_DELETED = 0.25

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were which with what "
    "who when where how do does did our we you your they their there any all".split()
)


TOKENIZER = "stems-2"  # words are indexed as written and as their stems; an index made otherwise is rebuilt


@functools.lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def tokenize(text: str, stems: bool = True) -> list[str]:
    """Lower-case tokens: identifiers kept whole (and as parts and compact forms), other words as their
    stems ("retained" and "retain" are both "retain"), so "kept records" finds "records are kept" and
    "retention" finds "retain". ``stems=False``: words as written (indexes made before stems)."""
    tokens: list[str] = []
    for m in _TOKEN.finditer(text.lower()):
        tok = m.group(0)
        if "." in tok or "-" in tok or "/" in tok:
            tokens.append(tok)  # the identifier as written: 3924.90.1050, hl7-0101234-5
            compact = re.sub(r"[.\-/]", "", tok)
            if compact.isalnum() and len(compact) >= 6:
                tokens.append(compact)  # and compact: 3924901050, hl701012345
            tokens.extend(p for p in re.split(r"[.\-/]", tok) if len(p) > 1 and p not in STOPWORDS)
        elif tok not in STOPWORDS and (len(tok) > 1 or tok.isdigit()):
            tokens.append(stem(tok) if stems and tok.isalpha() and len(tok) > 3 else tok)
    return tokens


@functools.lru_cache(maxsize=1)
def _groups() -> list[tuple[set[tuple[str, ...]], list[str]]]:
    """The thesaurus's groups: the stemmed words of each entry (to find it in a question), and the words
    each entry adds to a search."""
    import prompts

    out = []
    for group in prompts.thesaurus():
        entries = [tuple(stem(w) for w in re.findall(r"[a-z0-9]+", e)) for e in group]
        out.append((set(entries), list(group)))
    return out


def in_thesaurus(word: str) -> bool:
    """Whether ``word`` is an entry of a thesaurus group (a customs word faprep knows other words for)."""
    s = (stem(word.lower()),)
    return any(s in entries for entries, _ in _groups())


def expand(query: str) -> str:
    """``query`` and, for each thesaurus group one of whose entries it uses, the group's other entries
    (prompts/thesaurus.txt): what lexical search looks for."""
    words = [stem(w) for w in re.findall(r"[a-z0-9]+", query.lower())]
    joined = " " + " ".join(words) + " "
    extra: list[str] = []
    for entries, texts in _groups():
        if any(" " + " ".join(e) + " " in joined for e in entries if e):
            extra += [t for t in texts if t not in extra]
    return query if not extra else f"{query} {' '.join(extra)}"


def _idf(df: int, n: int) -> float:
    """bm25s's default (Lucene) idf."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _bm25s():
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@dataclass
class _Segment:
    name: str
    ids: list[str]
    retriever: Any  # bm25s.BM25

    def df(self, token: str) -> int:
        j = self.retriever.vocab_dict.get(token)
        if j is None:
            return 0
        indptr = self.retriever.scores["indptr"]
        return int(indptr[j + 1] - indptr[j])


@dataclass
class UpdateResult:
    action: str  # unchanged | updated | merged | rebuilt
    added: int = 0
    deleted: int = 0
    segments: int = 0


class LexicalIndex:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._segments: list[_Segment] | None = None
        self._deleted: set[str] = set()
        self._stems = True

    @property
    def manifest_path(self) -> Path:
        return self.directory / "manifest.json"

    # --- reading -------------------------------------------------------------------------------

    def _manifest(self) -> dict:
        try:
            manifest = json.loads(self.manifest_path.read_text())
        except (OSError, ValueError):
            return {"segments": [], "deleted": []}
        return manifest if isinstance(manifest.get("segments"), list) else {"segments": [], "deleted": []}

    def _load(self) -> list[_Segment]:
        if self._segments is None:
            bm25s = _bm25s()
            manifest = self._manifest()
            self._deleted = set(manifest.get("deleted", []))
            self._stems = manifest.get("tokenizer") == TOKENIZER  # an index made before stems is read without them
            self._segments = []
            for entry in manifest["segments"]:
                path = self.directory / entry["name"]
                ids = json.loads((path / "ids.json").read_text())
                retriever = bm25s.BM25.load(str(path), show_progress=False)
                self._segments.append(_Segment(entry["name"], ids, retriever))
        return self._segments

    def mentions(self, word: str) -> bool:
        """Whether any indexed chunk holds ``word`` (as written or by its stem)."""
        w = word.lower()
        return any(seg.df(t) > 0 for seg in self._load() for t in {w, stem(w)})

    def indexed_ids(self) -> set[str]:
        """Chunk ids the index answers for (deleted ones excluded)."""
        return {i for seg in self._load() for i in seg.ids} - self._deleted

    def summary(self) -> dict:
        """From the manifest alone (no index loaded): live chunks, segments, deleted entries."""
        manifest = self._manifest()
        entries = sum(int(seg.get("n", 0)) for seg in manifest["segments"])
        deleted = len(manifest.get("deleted", []))
        return {"chunks": entries - deleted, "segments": len(manifest["segments"]), "deleted": deleted}

    def search(self, query: str, k: int = 10, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` chunk ids by BM25 with global statistics; ``allowed`` restricts to those ids."""
        segments = self._load()
        tokens = list(dict.fromkeys(tokenize(query, stems=self._stems)))
        if not segments or not tokens:
            return []
        n_total = sum(len(s.ids) for s in segments)
        df_total = {t: sum(s.df(t) for s in segments) for t in tokens}
        tokens = [t for t in tokens if df_total[t]]
        hits: list[tuple[float, str]] = []
        for seg in segments:
            scores = self._segment_scores(seg, tokens, df_total, n_total)
            if scores is None:
                continue
            nz = np.flatnonzero(scores > 0)
            taken = 0
            for i in nz[np.argsort(-scores[nz], kind="stable")]:
                cid = seg.ids[i]
                if cid in self._deleted or (allowed is not None and cid not in allowed):
                    continue
                hits.append((float(scores[i]), cid))
                taken += 1
                if taken == k:
                    break
        hits.sort(key=lambda h: -h[0])
        return [(cid, score) for score, cid in hits[:k]]

    @staticmethod
    def _segment_scores(seg: _Segment, tokens: list[str], df_total: dict[str, int], n_total: int):
        r = seg.retriever
        data, indices, indptr = r.scores["data"], r.scores["indices"], r.scores["indptr"]
        n_seg = len(seg.ids)
        scores = None
        for t in tokens:
            j = r.vocab_dict.get(t)
            if j is None:
                continue
            lo, hi = int(indptr[j]), int(indptr[j + 1])
            if lo == hi:
                continue
            if scores is None:
                scores = np.zeros(n_seg, dtype=np.float32)
            factor = _idf(df_total[t], n_total) / _idf(hi - lo, n_seg)
            np.add.at(scores, indices[lo:hi], data[lo:hi] * factor)
        return scores

    # --- writing -------------------------------------------------------------------------------

    def update(self, current_ids: list[str], texts_for: Callable[[list[str]], list[str]]) -> UpdateResult:
        """Bring the index to exactly ``current_ids``; ``texts_for(ids)`` returns their texts in order."""
        segments = self._load()
        if segments and self._manifest().get("tokenizer") != TOKENIZER:
            # made by another tokenizer: its tokens would not meet the questions' now
            fresh = [self._write_segment(list(current_ids), texts_for(list(current_ids)))] if current_ids else []
            self._commit(fresh, set())
            return UpdateResult("rebuilt", added=len(current_ids), segments=len(fresh))
        stored = {i for seg in segments for i in seg.ids}
        current = set(current_ids)
        live = stored - self._deleted
        back = {i for i in current_ids if i in self._deleted}  # deleted, then back (a file restored): same text
        new = [i for i in current_ids if i not in stored]
        gone = live - current
        if not new and not gone and not back:
            return UpdateResult("unchanged", segments=len(segments))

        deleted = ((self._deleted | gone) & stored) - back
        total = len(stored) + len(new)
        if not segments or (deleted and len(deleted) > MAX_DELETED * total):
            ids = list(current_ids)
            kept, fresh_ids, deleted, action = [], ids, set(), "rebuilt"
        elif len(segments) + bool(new) > MAX_SEGMENTS:
            # merge every segment but the largest, with the new chunks, into one (dropping deleted entries)
            largest = max(segments, key=lambda seg: len(seg.ids))
            fresh_ids = [i for seg in segments if seg is not largest for i in seg.ids if i not in deleted] + new
            kept, deleted, action = [largest], deleted & set(largest.ids), "merged"
        else:
            kept, fresh_ids, action = list(segments), new, "updated"
        fresh = [self._write_segment(fresh_ids, texts_for(fresh_ids))] if fresh_ids else []
        self._commit(kept + fresh, deleted)
        return UpdateResult(action, added=len(new) + len(back), deleted=len(gone), segments=len(kept) + len(fresh))

    def _write_segment(self, ids: list[str], texts: list[str]) -> _Segment:
        bm25s = _bm25s()
        name = f"seg-{uuid.uuid4().hex[:12]}"
        path = self.directory / name
        path.mkdir(parents=True)
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) or ["_empty_"] for t in texts], show_progress=False)
        retriever.save(str(path), show_progress=False)
        (path / "ids.json").write_text(json.dumps(ids))
        return _Segment(name, ids, retriever)

    def _commit(self, segments: list[_Segment], deleted: set[str]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        manifest = {
            "version": 2,
            "tokenizer": TOKENIZER,
            "segments": [{"name": s.name, "n": len(s.ids)} for s in segments],
            "deleted": sorted(deleted),
        }
        tmp = self.manifest_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(manifest))
        os.replace(tmp, self.manifest_path)
        self._segments, self._deleted, self._stems = segments, deleted, True
        keep = {s.name for s in segments} | {self.manifest_path.name}
        for child in self.directory.iterdir():
            if child.name not in keep:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
