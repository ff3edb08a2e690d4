"""Extractive grounded answers: the sentences of the retrieved passages that answer the question.

No language model. The passages come from hybrid retrieval; each is split into sentences (lines in
tables and forms), and a sentence is scored by its embedding similarity to the question, the share
of the question's terms it contains, whether it names an identifier the question names, and its
passage's rank. The best sentences (at most ``answer_sentences``, two per passage, no near
duplicates) are quoted in the answer with ``[n]`` markers. Each citation's ``quote`` is checked to
be a verbatim span of the source page's extracted text before it is returned; one that is not is
dropped and flagged. When nothing is close enough (and no identifier matched) the answer says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, Field, model_serializer

import prompts
from assistant.answering.retrieval import Passage
from assistant.stores.lexical import STOPWORDS, tokenize

LEGAL_NOTE = prompts.LEGAL_NOTE
NO_ANSWER = "I found nothing in the ingested records and documents that answers this question."
GENERIC = STOPWORDS | frozenset(
    "please tell me show list give find about there documents document records record file files say says said".split()
)
_ABBREV = frozenset(
    "no nos inc co corp ltd sec secs u.s u.s.c c.f.r v vs e.g i.e mr ms mrs dr st art fig p pp ch seq".split()
)
# a line that starts a new item, not the rest of a wrapped sentence: "Item 2:", "Part No: ...", "5. Valuation"
_NEW_ITEM = re.compile(r"^(?:[^\s:]+(?: [^\s:]+){0,3}:|\d+[.)]\s|[-*•#]|[A-Z0-9 .,&/-]+$)")
_HTS = re.compile(r"\b\d{4}\.\d{2}(?:\.\d{2,4})?\b")
_ASKS_HTS = re.compile(r"\b(classif\w*|hts\w*|tariff (?:no|number)\w*|subheading|heading)\b", re.I)
_CLASSIFICATION = re.compile(r"\b(classif\w*|hts\w*|tariff|heading|subheading|chapter \d+|gri)\b", re.I)


class Citation(BaseModel):
    """A source of the answer: a passage of a document (``quote`` verbatim at ``char_start``), or, with
    ``kind == "record"``, rows of an ingested file (``rows``, ``fields`` as stored, the ``value`` stated
    and ``how`` it was computed; docs/data-formats.md section 5)."""

    n: int
    source: str
    page: int | None = None
    kind: str
    ruling_number: str | None = None
    quote: str = ""
    title: str = ""
    chunk_id: str = ""
    chunk_sha256: str = ""
    char_start: int = Field(default=0, description="start of the quote in the page's extracted text")
    char_end: int = 0
    ocr_confidence: float | None = Field(
        default=None, description="the quoted page was read by OCR: its mean confidence"
    )
    table: str = ""
    rows: list[int] = []
    row_count: int = 0
    fields: dict = {}
    value: str = ""
    how: str = ""
    section: str = ""  # law: "163.4"
    paragraph: str = ""  # law: "(a)"
    as_of: str | None = None  # law: the text's edition

    @classmethod
    def from_passage(cls, n: int, p: Passage, quote: str, span: tuple[int, int]) -> Citation:
        """Citation ``n`` quoting ``quote`` from passage ``p``, verified at ``span`` of its page's text."""
        return cls(
            n=n,
            source=p.path,
            page=p.page,
            kind=p.kind,
            ruling_number=p.ruling_number,
            quote=quote,
            title=p.title,
            chunk_id=p.chunk_id,
            chunk_sha256=p.sha256,
            ocr_confidence=p.ocr_confidence,
            char_start=span[0],
            char_end=span[1],
        )

    @model_serializer(mode="wrap")
    def _serialize(self, handler, info):
        """In JSON (``--json``, the API, drafts' JSON) a citation has its public shape, whatever holds it."""
        if info.mode == "json":
            return self.public()
        return handler(self)

    @property
    def is_record(self) -> bool:
        return self.kind == "record"

    @property
    def is_law(self) -> bool:
        return self.kind == "law"

    @property
    def cite(self) -> str:
        """A law citation as lawyers write it: ``19 CFR 163.4(a)``."""
        return f"{self.source}{self.paragraph}" if self.is_law else self.source

    def public(self) -> dict:
        """The citation as ``--json`` and the API give it: a record's own shape, or a passage's."""
        if self.is_record:
            out = {
                "n": self.n,
                "kind": "record",
                "source": self.source,
                "rows": self.rows,
                "table": self.table,
                "fields": self.fields,
                "value": self.value,
                "how": self.how,
            }
            if self.row_count > len(self.rows):
                out["row_count"] = self.row_count
            return out
        if self.is_law:
            return {
                "n": self.n,
                "kind": "law",
                "source": self.source,
                "section": self.section,
                "paragraph": self.paragraph,
                "cite": self.cite,
                "title": self.title,
                "as_of": self.as_of,
                "quote": self.quote,
                "char_start": self.char_start,
                "char_end": self.char_end,
            }
        hidden = {
            "table",
            "rows",
            "row_count",
            "fields",
            "value",
            "how",
            "ocr_confidence",
            "section",
            "paragraph",
            "as_of",
        }
        out = {k: v for k, v in self.__dict__.items() if k not in hidden}
        if self.ocr_confidence is not None:
            out["ocr"] = True
            out["ocr_confidence"] = self.ocr_confidence
        return out


class Answer(BaseModel):
    answer: str
    citations: list[Citation] = []
    tools_called: list[str] = []
    mode: str = "extractive"
    session_id: str | None = None
    answer_id: str | None = None
    findings: list[dict] = []
    flags: list[str] = []
    resolved: str | None = None  # a follow-up, as it was understood in the light of the conversation
    refused: bool = False  # the answer says the records, documents and law do not answer the question

    def public(self) -> dict:
        """The JSON of ``faprep ask --json`` (docs/data-formats.md section 5, plus ids, findings and flags)."""
        out = self.model_dump(mode="json", exclude={"citations"} | ({"resolved"} if self.resolved is None else set()))
        out["citations"] = [c.public() for c in self.citations]
        return out


SENTENCE_CACHE = 20_000  # sentence (and passage) vectors kept per process (about 30 MB): each embedded once


class _SentenceCache:
    """Sentence vectors by (model, text), least recently used dropped first: the sentences of the passages
    an answer reads are embedded once per process, not once per question (a server's askers share it)."""

    def __init__(self, size: int):
        import threading
        from collections import OrderedDict

        self.size, self.lock = size, threading.Lock()
        self.vecs: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()

    def vectors(self, embedder, texts: list[str], max_tokens: int | None = 64) -> np.ndarray:
        from assistant.stores.embeddings import stamp_of

        try:
            key = f"{stamp_of(embedder)}|{max_tokens}"
        except AttributeError:  # an embedder without a stamp: this object's own vectors
            key = f"{id(embedder)}|{max_tokens}"
        with self.lock:
            have = {t: self.vecs[(key, t)] for t in texts if (key, t) in self.vecs}
            for t in have:
                self.vecs.move_to_end((key, t))
        missing = list(dict.fromkeys(t for t in texts if t not in have))
        if missing:
            fresh = embedder.embed(missing, max_tokens=max_tokens)
            with self.lock:
                for t, v in zip(missing, fresh):
                    have[t] = self.vecs[(key, t)] = v
                while len(self.vecs) > self.size:
                    self.vecs.popitem(last=False)
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray([have[t] for t in texts])


_SENTENCES = _SentenceCache(SENTENCE_CACHE)


def sentence_vectors(embedder, texts: list[str], max_tokens: int | None = 64) -> np.ndarray:
    """The embeddings of candidate sentences (at most 64 word pieces each; ``None``: whole passages up to
    the model's limit), from the process's cache."""
    return _SENTENCES.vectors(embedder, texts, max_tokens)


@dataclass
class Sentence:
    passage: Passage
    rank: int
    start: int  # within the passage text
    end: int
    score: float = 0.0
    sim: float = 0.0  # cosine similarity to the question
    overlap: float = 0.0  # share of the question's content terms it contains
    shared: int = 0  # how many of them
    names_id: bool = False  # contains an identifier the question names
    states_hts: bool = False  # states an HTS number (counts when the question asks for a classification)

    @property
    def text(self) -> str:
        return self.passage.text[self.start : self.end]


_LEADS_ON = re.compile(
    r"\b(be|is|are|was|were|under|in|into|of|for|to|at|by|and|or|the|an?|as|subheading|heading|number|no\.)$", re.I
)


def _continues(text: str, start: int, i: int) -> bool:
    """Whether the sentence begun at ``start`` goes on past the line break at ``i``, over blank lines too,
    as hard-wrapped letters (CBP's CROSS rulings) break them: it has no end punctuation yet and the next
    line starts in lower case, or with a number after a word that leads on to one ("will be\n\n3924...")."""
    sentence = text[start:i].rstrip()
    if not sentence or sentence[-1] in ".!?:;" or len(sentence.split()) < 3:
        return False
    j = i
    while j < len(text) and text[j].isspace():
        j += 1
    if j >= len(text) or text.count("\n", i, j) > 3:
        return False
    nxt = text[j]
    return nxt.islower() or (nxt.isdigit() and bool(_LEADS_ON.search(sentence)))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence (or line) spans of ``text``, whitespace trimmed, abbreviations and decimals kept whole."""
    spans, start, i, n = [], 0, 0, len(text)
    while i < n:
        ch = text[i]
        cut = None
        if ch == "\n":
            # a line break ends a sentence unless it wraps prose: a long line without end punctuation
            line = text[text.rfind("\n", 0, i) + 1 : i].rstrip()
            nxt_line = text[i + 1 : i + 2]
            following = text[i + 1 : text.find("\n", i + 1) if "\n" in text[i + 1 :] else n]
            wrapped = (
                len(line) >= 60
                and line[-1:] not in ".!?:;"
                and (
                    nxt_line.islower() or nxt_line.isdigit() or (nxt_line.isupper() and not _NEW_ITEM.match(following))
                )
            )
            cut = None if wrapped or _continues(text, start, i) else i
        elif ch in ".!?" and i + 1 < n:
            nxt = text[i + 1]
            word = re.search(r"([A-Za-z.]+)$", text[start:i])
            abbrev = word and (word.group(1).lower().strip(".") in _ABBREV or len(word.group(1).strip(".")) == 1)
            if nxt.isspace() and not abbrev:
                cut = i + 1
            elif (
                ch == "."
                and nxt.isupper()
                and i > 0
                and text[i - 1].islower()
                and i + 2 < n
                and text[i + 2].islower()
                and not abbrev
            ):
                cut = i + 1  # "ruling.Images were": sentences run together in some sources
        if cut is not None:
            spans.append((start, cut))
            start = cut if ch != "\n" else i + 1
        i += 1
    spans.append((start, n))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b - a >= 8 and sum(c.isalnum() for c in text[a:b]) >= 5 and "http" not in text[a:b]:
            out.append((a, b))
    return out


HEADING_WORDS = 8


def is_heading(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` is a heading: a short line of its own, mostly words, without end punctuation or
    a label's colon ("B.1  Retention period", "RECORDKEEPING AND RETENTION", "3.4 Record Keeping")."""
    line = text[a:b]
    if "\n" in line or (a > 0 and text[a - 1] != "\n") or (b < len(text) and text[b] != "\n"):
        return False
    words = line.split()
    if line[-1] in ".!?;:," or re.search(r":\s", line):
        return False
    if len(words) <= 2 * HEADING_WORDS and line.upper() == line and sum(c.isalpha() for c in line) >= 8:
        return True  # "REQUESTS FOR INFORMATION (CF-28) AND NOTICES OF ACTION (CF-29)"
    if not 1 <= len(words) <= HEADING_WORDS:
        return False
    alpha = [w for w in words if re.fullmatch(r"[A-Za-z][A-Za-z'’&/-]*", w)]
    return len(alpha) >= max(1, len(words) - 1) and (line[0].isupper() or line[0].isdigit())


def supports(s: Sentence, floor: float) -> bool:
    """Close enough to answer: names an identifier asked about, or is similar in meaning and in words."""
    return s.names_id or s.sim >= floor + 0.15 or (s.sim >= floor - 0.07 and s.overlap >= 0.5)


def supports_loosely(s: Sentence, floor: float) -> bool:
    """A loosely worded question shares a few of its words with the sentence that answers it ("max length
    of a usmca blanket period" / "Blanket certifications may cover a period of up to 12 months"): as close
    in meaning as the floor and two of its words, evidence for the fitted gate to weigh."""
    return supports(s, floor) or (s.sim >= floor and s.overlap >= 0.25 and s.shared >= 2)


def content_terms(text: str) -> set[str]:
    return {t for t in tokenize(text) if t not in GENERIC}


def is_classification(question: str, passages: list[Passage]) -> bool:
    return bool(_CLASSIFICATION.search(question)) or any(p.kind == "ruling" for p in passages[:3])


def select_sentences(
    question: str,
    passages: list[Passage],
    embedder,
    query_vec,
    question_ids: set[str],
    max_sentences: int = 4,
    per_passage: int = 2,
    max_candidates: int = 16,
    alt_vec=None,
    bonus=None,
) -> list[Sentence]:
    """Score every sentence of the passages and keep the best, at most ``per_passage`` from one passage.
    ``alt_vec``: the question with its customs words spelled out, a sentence as close as the closer of the
    two; ``bonus(text)``: what a sentence stating what the question asks for (a period, an amount) adds."""
    candidates: list[Sentence] = []
    seen_spans: set = set()
    headed: dict[int, str] = {}  # a candidate's heading (by the candidate's id): the one it stands under
    for r, p in enumerate(passages):
        heading = ""
        for a, b in sentence_spans(p.text):
            if is_heading(p.text, a, b):
                heading = p.text[a:b]  # "B.1  Retention period": the topic of the sentences below it
                continue
            if p.text[a].islower() or len(p.text[a:b].split()) < 3:
                continue  # the tail of a sentence cut by the chunk's start, or a bare heading
            key = (p.path, p.page, p.char_start + a)  # overlapping chunks repeat sentences
            if key not in seen_spans:
                seen_spans.add(key)
                candidates.append(Sentence(p, r, a, b))
                if heading:
                    headed[id(candidates[-1])] = heading
    if not candidates:
        return []
    ids_lower = {i.lower() for i in question_ids}
    # the identifiers' own tokens count through names_id, not as terms of the question
    terms = content_terms(question) - {t for i in question_ids for t in tokenize(i)}
    asks_hts = bool(_ASKS_HTS.search(question))
    # when every passage already names the identifier asked about, naming it again says little
    id_bonus = 0.1 if passages and all("id" in p.via for p in passages) else 0.3
    for c in candidates:
        toks = set(tokenize(c.text))
        # a sentence is read with its heading: "six (6) years" answers "retention period" under "Retention period"
        topic = set(tokenize(headed[id(c)])) if id(c) in headed else set()
        c.shared = len(terms & (toks | topic))
        c.overlap = c.shared / len(terms) if terms else 0.0
        c.names_id = bool(ids_lower & toks)
        c.states_hts = asks_hts and bool(_HTS.search(c.text))
    # only the likeliest sentences are embedded (the cost of an answer): by overlap, id, passage rank
    extra = {id(c): bonus(c.text) for c in candidates} if bonus is not None else {}
    candidates.sort(
        key=lambda c: (-(c.overlap + c.names_id + (0.5 if c.states_hts else 0) + extra.get(id(c), 0.0)), c.rank)
    )
    candidates = candidates[:max_candidates]
    read = [f"{headed[id(c)]}: {c.text}" if id(c) in headed else c.text for c in candidates]
    vectors = sentence_vectors(embedder, read)
    sims = vectors @ np.asarray(query_vec)
    if alt_vec is not None:
        sims = np.maximum(sims, vectors @ np.asarray(alt_vec))
    for c, sim in zip(candidates, sims):
        c.sim = float(sim)
        c.score = c.sim + 0.5 * c.overlap + (id_bonus if c.names_id else 0.0) + 0.1 / (1 + c.rank)
        c.score += extra.get(id(c), 0.0)
        if c.states_hts:
            c.score += 0.3  # a classification question is answered by a sentence that states the number
    chosen: list[Sentence] = []
    seen: list[set[str]] = []
    for c in sorted(candidates, key=lambda s: -s.score):
        if len(chosen) == max_sentences:
            break
        if sum(1 for x in chosen if x.passage is c.passage) >= per_passage:
            continue
        toks = set(tokenize(c.text))
        if any(len(toks & s) / max(1, len(toks | s)) > 0.8 for s in seen):
            continue
        chosen.append(c)
        seen.append(toks)
    return chosen


def verify_quote(page_text: str, quote: str, hint: int) -> tuple[int, int] | None:
    """The (start, end) of ``quote`` in ``page_text``, nearest to ``hint``; None if it is not verbatim there."""
    if not quote:
        return None
    starts = [m.start() for m in re.finditer(re.escape(quote), page_text)]
    if not starts:
        return None
    start = min(starts, key=lambda s: abs(s - hint))
    return start, start + len(quote)


def cite(sentences: list[Sentence], page_text_of, make=None) -> tuple[list[Citation], list[str], list[str]]:
    """Citations (numbered in order of appearance), the answer's parts with markers, and flags; ``make(n,
    passage, quote, span)`` builds each citation (default: a document's, ``Citation.from_passage``)."""
    make = make or Citation.from_passage
    citations: list[Citation] = []
    parts: list[str] = []
    flags: list[str] = []
    for s in sentences:
        p = s.passage
        quote = s.text
        span = verify_quote(page_text_of(p.path, p.page), quote, p.char_start + s.start)
        if span is None:
            flags.append(f"quote from {p.path} p.{p.page} is not verbatim in the source: dropped")
            continue
        n = len(citations) + 1
        citations.append(make(n, p, quote, span))
        parts.append(f"{_sentence_for_answer(quote)} [{n}]")
    return citations, parts, flags


def _sentence_for_answer(quote: str) -> str:
    text = " ".join(quote.split())
    return text if text[-1:] in ".!?:;" else text + "."


def states_hts(text: str) -> bool:
    """The text states an HTS number (``3924.90.1050``, ``3924.90``)."""
    return bool(_HTS.search(text))


def compose(parts: list[str], classification: bool) -> str:
    answer = "From the records: " + " ".join(parts)
    if classification:
        answer += "\n\n" + LEGAL_NOTE
    return answer
