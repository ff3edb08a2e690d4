"""Lexical index (bm25s) over the chunk texts, with identifier-preserving tokens.

Dense embeddings do not find ``HL7-0101234-5`` or ``N361443``. The tokenizer keeps such tokens
whole (and also emits their parts and compact forms), so exact identifiers are found.

The index is persisted beside the vectors and rebuilt only when the set of chunks changed (its
fingerprint is stored with it); a query never rebuilds it. BM25's IDF is global, so a change
means re-indexing the token lists, which bm25s does in seconds for 100k chunks.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import shutil
from pathlib import Path

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-/][a-z0-9]+)*")
STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the this to was were which with what "
    "who when where how do does did our we you your they their there any all".split()
)


def tokenize(text: str) -> list[str]:
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
            tokens.append(tok)
    return tokens


def fingerprint(chunk_ids: list[str]) -> str:
    digest = hashlib.sha256()
    for cid in sorted(chunk_ids):
        digest.update(cid.encode())
    return digest.hexdigest()


class LexicalIndex:
    def __init__(self, directory: Path):
        self.directory = directory
        self._retriever = None
        self._ids: list[str] = []

    @property
    def meta_path(self) -> Path:
        return self.directory / "faprep.json"

    def stored_fingerprint(self) -> str | None:
        try:
            return json.loads(self.meta_path.read_text())["fingerprint"]
        except (OSError, ValueError, KeyError):
            return None

    def build(self, chunk_ids: list[str], texts: list[str]) -> None:
        """Index and persist atomically (a new directory renamed over the old)."""
        import bm25s

        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if chunk_ids:
            retriever = bm25s.BM25()
            retriever.index([tokenize(t) or ["_empty_"] for t in texts], show_progress=False)
            retriever.save(str(tmp), show_progress=False)
        (tmp / "ids.json").write_text(json.dumps(chunk_ids))
        (tmp / "faprep.json").write_text(json.dumps({"fingerprint": fingerprint(chunk_ids), "n": len(chunk_ids)}))
        old = self.directory.with_name(self.directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(old)
        tmp.rename(self.directory)
        shutil.rmtree(old, ignore_errors=True)
        self._retriever = None

    def _load(self) -> None:
        import bm25s

        if self._retriever is not None:
            return
        ids_path = self.directory / "ids.json"
        if not ids_path.exists():
            self._ids, self._retriever = [], False
            return
        self._ids = json.loads(ids_path.read_text())
        self._retriever = bm25s.BM25.load(str(self.directory), show_progress=False) if self._ids else False

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        self._load()
        if not self._retriever:
            return []
        vocab = self._retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return []
        k = min(k, len(self._ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        return [(self._ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]
