"""Typing slips in a question ("total enterd value for 2025", "clasification of the mat") put right
before it is read, against the words the workspace and faprep itself use.

The vocabulary is the workspace's own text (every page ingested, the product master's descriptions,
the vendors' names) and faprep's words (the descriptions of fact kinds, record-question slots and
checks, the thesaurus, the records' vocabulary), each with how often it occurs. A word of the question
is put right only when it is long enough to be a slip rather than a name (``MIN_LETTERS``), is neither
in the vocabulary nor a known word (the whole English words of the embedding model's word-piece
vocabulary, about 22,000, and the law shelf's words), is written in lower case (not an id, a name or
an abbreviation), and the vocabulary has a word one edit away (a letter missing, extra, changed, or two swapped): the most frequent such
word. Everything else is left as typed; the corrected question is shown as what was understood.
"""

from __future__ import annotations

import re
from collections import Counter

MIN_LETTERS = 6  # shorter words are too often names, codes or other words one letter apart
_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Speller:
    """Puts slips right against a vocabulary (``{word: count}``); ``known`` words (English words of the
    embedding model's word-piece vocabulary, the law's words) are never changed."""

    def __init__(self, counts: Counter[str], known: set[str] | frozenset[str] = frozenset()):
        self.counts = counts
        self.known = known

    @classmethod
    def of_texts(cls, texts, known: set[str] | frozenset[str] = frozenset()) -> Speller:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(w.lower() for w in _WORD.findall(text or ""))
        return cls(counts, known)

    def correct(self, question: str) -> str:
        """``question`` with its slips put right (the same string when it has none)."""

        def fix(m: re.Match) -> str:
            word = m.group(0)
            if len(word) < MIN_LETTERS or not word.islower() or word in self.counts or word in self.known:
                return word
            near = [w for w in _one_edit(word) if w in self.counts and not _inflection(word, w)]
            return max(near, key=lambda w: (self.counts[w], w)) if near else word

        return _WORD.sub(fix, question)


def _inflection(word: str, other: str) -> bool:
    """The two differ at the end only ("insulated" / "insulate", "liquidates" / "liquidated"): another
    form of the word, not a slip."""
    return word.startswith(other) or other.startswith(word) or word[:-1] == other[:-1]


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, change or insertion away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    changes = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + changes + inserts)


def workspace_speller(con, extra: list[str], known: set[str]) -> Speller:
    """The speller of a workspace: its pages' text, descriptions and vendor names (read once from
    ``con``, the records database), and faprep's own words ``extra``; ``known``: words never changed."""
    texts: list[str] = list(extra)
    for sql in (
        "SELECT text FROM pages",
        "SELECT description FROM products",
        "SELECT DISTINCT description FROM entry_lines",
        "SELECT DISTINCT vendor_name FROM payments",
        "SELECT DISTINCT coalesce(memo, '') || ' ' || coalesce(gl_account, '') FROM payments",
    ):
        try:
            texts += [r[0] for r in con.execute(sql).fetchall() if r[0]]
        except Exception:  # noqa: BLE001 - a table or column a workspace does not have yet
            continue
    return Speller.of_texts(texts, known)


def english_words(model_dir) -> set[str]:
    """The whole lower-case words of the embedding model's word-piece vocabulary (about 22,000 common
    English words): words a question may use that the workspace happens not to."""
    import json
    from pathlib import Path

    try:
        vocab = json.loads((Path(model_dir) / "tokenizer.json").read_text())["model"]["vocab"]
    except (OSError, ValueError, KeyError):
        return set()
    return {w for w in vocab if w.isalpha() and w.islower()}
