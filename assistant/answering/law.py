"""The law shelf in answers: passages of 19 CFR and 19 USC found for a question, quoted to the paragraph,
and the law beside the importer's own rule.

* **Found** by the citations a question names (``19 CFR 163.11(a)(5)``, ``section 1592(c)(4)``,
  ``Part 177``: exact lookup first, as entry and ruling numbers are) and by meaning and words (the
  shelf's hybrid search, :class:`assistant.stores.lawshelf.LawShelf`). A law passage is a
  :class:`~assistant.answering.retrieval.Passage` of kind ``law`` whose path is the section
  (``19 CFR 163.4``) and whose page text is the section's stored text, so sentences are chosen and
  quotes verified exactly as for documents.
* **Cited** as law: ``19 CFR 163.4(a)``, the deepest paragraph holding the quote, its section title
  and the text's as-of date (docs/data-formats.md section 5).
* **Beside the importer's rule**: when the manual and the law both answer a question about a period
  (how long records are kept, within how many days something is done), the periods are compared:
  the same, the manual's stricter, or the manual's weaker than the law, which is flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.retrieval import Passage
from assistant.stores.lawshelf import LawChunk, LawShelf, NamedLaw, named_law
from assistant.stores.lawtext import Section

LAW_KIND = "law"
LIST_CHARS = 1600  # a paragraph that introduces a list is quoted with its items up to this length
_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()
    )
}
_PERIOD = re.compile(
    r"\b(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")(?:\s*\(\d+\))?[\s-]+(calendar |business |working )?"
    r"(year|month|week|day)s?\b",
    re.I,
)
_DAYS = {"year": 365, "month": 30, "week": 7, "day": 1}
# what a question asks for, and a paragraph that states it: a period (a deadline, how long), an amount
ASKS_PERIOD = re.compile(
    r"\b(how long|how many (?:days|weeks|months|years)|deadline|due|by when|time limit|how soon|how late|how far back|"
    r"how (?:quick|quickly|fast|far ahead|far in advance)|time ?frame|turnaround|"
    r"how old|when (?:is|are|must|do|does|should|can)|valid|expires?|lag|statute of limitations?)\b",
    re.I,
)
ASKS_AMOUNT = re.compile(
    r"\b(how much|penalt\w*|fines?|fined|exposure|amount|threshold|dollars?|maximum|minimum|cap|liab\w*|"
    r"(?:duty|interest|tax) rates?|rates? of (?:duty|interest))\b|\$",
    re.I,
)
_AMOUNT = re.compile(r"\$\s?\d|\bper ?cent\b|\bdollars\b|\btimes the\b", re.I)
STATES_ASKED = 0.2  # what a paragraph stating what the question asks for (a period, an amount) adds to its score


@dataclass
class Period:
    """A period a rule states: ``5 years``, ``within 90 calendar days``."""

    text: str
    days: int
    within: bool  # a deadline ("within 30 days": shorter is stricter), else a minimum ("kept for 5 years")


def periods_in(text: str) -> list[Period]:
    out = []
    for m in _PERIOD.finditer(text):
        n = m.group(1).lower()
        count = int(n) if n.isdigit() else _NUMBER_WORDS[n]
        before = text[max(0, m.start() - 40) : m.start()].lower()
        within = bool(re.search(r"\b(within|no later than|not later than|before the end of|by)\s+(?:the\s+)?$", before))
        out.append(Period(m.group(0), count * _DAYS[m.group(3).lower()], within))
    return out


def compare(manual: str, law: str) -> tuple[str, bool] | None:
    """How the manual's period stands against the law's: (sentence, weaker than the law); None when
    they state no comparable period."""
    ours, theirs = periods_in(manual), periods_in(law)
    if not ours or not theirs:
        return None
    a, b = ours[0], theirs[0]
    if a.within != b.within:
        return None
    if a.days == b.days:
        return f"They agree: the manual says {a.text}, the law {b.text}.", False
    stricter = a.days < b.days if b.within else a.days > b.days
    if stricter:
        return f"The manual is stricter than the law: it says {a.text} where the law says {b.text}.", False
    return (
        f"The manual is weaker than the law: it says {a.text} where the law requires {b.text}; "
        "bring the manual in line with the law.",
        True,
    )


def states_asked(question: str):
    """A paragraph's bonus for stating what ``question`` asks for (a period, an amount); None: it asks neither."""
    period, amount = bool(ASKS_PERIOD.search(question)), bool(ASKS_AMOUNT.search(question))
    if not (period or amount):
        return None

    def bonus(text: str) -> float:
        return STATES_ASKED if (period and periods_in(text)) or (amount and _AMOUNT.search(text)) else 0.0

    return bonus


class LawDesk:
    """The shelf as the assistant reads it: passages, exact lookups and citations (one per ``Assistant``)."""

    def __init__(self, settings, embedder):
        from assistant.stores.embeddings import stamp_of

        self.settings = settings
        self.enabled = settings.law != "off"
        self.shelf = LawShelf(settings.home)
        self.embedder = embedder
        self.stamp = stamp_of(embedder)
        self._checked = False

    def ready(self) -> bool:
        """The shelf is on and its index current (built now, from the machine's cache when it can be)."""
        if not self.enabled:
            return False
        if not self._checked:
            from assistant.stores.embeddings import model_cache

            self.shelf.ensure(self.embedder, self.stamp, model_cache(self.settings) / "law")
            self._checked = True
        return True

    def named(self, question: str) -> tuple[list[tuple[Section, str]], list[str]]:
        """The sections (and paragraphs) a question names that the shelf holds, and those it does not
        hold (as text for a refusal). A bare number counts only when the shelf holds that section."""
        found, missing = [], []
        for n in named_law(question):
            hit = self.shelf.lookup(n)
            if hit is not None:
                found.append(hit)
            elif n.part:
                parts = {t.part for t in self.shelf.texts() if t.source == n.source}
                if n.part not in parts:
                    missing.append(
                        f"19 CFR Part {n.part} is not on the law shelf (it holds Parts {', '.join(sorted(parts))})"
                    )
            elif not n.bare:
                missing.append(f"{n.source} {n.section}{n.paragraph} is not on the law shelf")
        return found, missing

    def part_sections(self, question: str) -> list[str]:
        """The sections of the Parts a question names (``Part 177``), to search within."""
        parts = {n.part for n in named_law(question) if n.part}
        return [s.cite for t in self.shelf.texts() for s in t.sections if t.part in parts and t.source == "19 CFR"]

    def passages(self, question: str, qvec, k: int = 6) -> list[Passage]:
        """The law passages for ``question``: the paragraphs it names first, then the best of the search.
        A passage's ``score`` is its similarity to the question (1 for a paragraph named)."""
        if not self.ready():
            return []
        named, _ = self.named(question)
        out: list[Passage] = []
        whole: set[str] = set()  # sections named without a paragraph ("a 592 penalty"): searched within
        for section, path in named:
            chunks = self.shelf.chunks_at(section, path, self.stamp)
            if path or len(chunks) <= 3:
                out += [self.passage(chunk, 1.0, ["id"]) for chunk in chunks[:3]]
            else:
                whole.add(section.cite)
        within = set(self.part_sections(question)) | whole
        bonus = states_asked(question)
        boost = (lambda c: bonus(c.text)) if bonus else None
        for hit in self.shelf.search(question, qvec, self.stamp, k=k + len(out), within=within or None, boost=boost):
            if all(p.chunk_id != hit.chunk.id for p in out):
                via = hit.via.split("+") + (["id"] if f"{hit.chunk.source} {hit.chunk.section}" in whole else [])
                out.append(self.passage(hit.chunk, hit.dense, via))
        return out[: max(k, len(named))]

    def passage(self, chunk: LawChunk, score: float, via: list[str]) -> Passage:
        """A chunk as a passage; a paragraph that introduces a list carries its items (one verbatim span)."""
        start, end, text = chunk.start, chunk.end, chunk.text
        if chunk.items:  # the lead-in and as many of its items as fit, one contiguous span
            section = self.shelf.sections().get(f"{chunk.source} {chunk.section}")
            span = section.subtree(chunk.paragraph) if section else None
            if section and span:
                ends = [p.end for p in section.paragraphs if chunk.start <= p.start and p.end <= span[1]]
                end = max([e for e in ends if e - start <= LIST_CHARS], default=end)
                text = section.text[start:end]
        return Passage(
            chunk_id=chunk.id,
            path=f"{chunk.source} {chunk.section}",
            page=None,
            kind=LAW_KIND,
            title=chunk.title,
            text=text,
            char_start=start,
            char_end=end,
            score=score,
            via=via,
        )

    def sentences(self, question: str, passages: list[Passage], ids: set[str]) -> list:
        """Each law passage as one candidate to quote whole, scored like a document's sentence: its
        similarity to the question (from the search), the share of the question's terms it and its
        lead-ins contain, its rank, and whether it states what the question asks for (a period, an amount)."""
        from assistant.answering.answer import Sentence, content_terms
        from assistant.stores.lexical import tokenize

        terms = content_terms(question) - {t for i in ids for t in tokenize(i)}
        bonus = states_asked(question) or (lambda text: 0.0)
        out = []
        for rank, p in enumerate(passages):
            s = Sentence(p, rank, 0, len(p.text))
            toks = set(tokenize(f"{p.title} {p.text}"))
            s.overlap = len(terms & toks) / len(terms) if terms else 0.0
            s.names_id = "id" in p.via
            s.sim = p.score
            s.score = s.sim + 0.5 * s.overlap + (0.3 if s.names_id else 0.0) + 0.1 / (1 + rank) + bonus(p.text)
            out.append(s)
        return sorted(out, key=lambda x: -x.score)

    def paragraph_citation(self, n: int, cite: str, limit: int = 900):
        """Citation ``n`` quoting the paragraph a citation names (``19 CFR 163.4(a)``) verbatim (its own
        text, cut at a sentence past ``limit`` characters); None when the shelf is off or lacks it."""

        if not self.enabled:
            return None
        found = self.shelf.quote(cite)
        if found is None:
            return None
        section, path, _ = found
        own = section.paragraph(path) if path else None
        start, end = (own.start, own.end) if own else (0, len(section.text))
        if own is not None and own.heading_only:  # "(c) Maximum penalties": its heading and what is below it
            start, end = section.subtree(path) or (start, end)
        text = section.text[start:end]
        if len(text) > limit:
            cut = text.rfind(". ", 0, limit)
            text = text[: cut + 1] if cut > 0 else text[:limit]
        return self._cited(n, section, path, text, (start, start + len(text)))

    def depth_of(self, sentence) -> int:
        """How deep in its section the paragraph holding a law sentence's start sits: ``(a)`` 1,
        ``(b)(3)`` 2 (a chunk that starts at ``(b)`` may carry its items)."""
        section = self.shelf.sections().get(sentence.passage.path)
        if section is None:
            return 0
        return _paragraph_at(section, sentence.passage.char_start + sentence.start).count("(")

    def section_text(self, path: str) -> str:
        section = self.shelf.sections().get(path)
        return section.text if section else ""

    def citation(self, n: int, p: Passage, quote: str, span: tuple[int, int]):
        """Citation ``n`` of law: the deepest paragraph holding the quote's start, verified at ``span``."""

        section = self.shelf.sections()[p.path]
        paragraph = _paragraph_at(section, span[0])
        return self._cited(n, section, paragraph, quote, span, chunk_id=p.chunk_id, chunk_sha256=p.sha256)

    def _cited(self, n: int, section, paragraph: str, quote: str, span: tuple[int, int], **extra):
        """A law citation: the section, the paragraph, the quote at ``span`` of the section's text, the
        text's as-of date."""
        from assistant.answering.answer import Citation

        as_of = next((t.as_of for t in self.shelf.texts() if any(s is section for s in t.sections)), None)
        return Citation(
            n=n,
            source=section.cite,
            kind=LAW_KIND,
            quote=quote,
            title=section.title,
            char_start=span[0],
            char_end=span[1],
            section=section.number,
            paragraph=paragraph,
            as_of=as_of.isoformat() if as_of else None,
            **extra,
        )


def _paragraph_at(section, at: int) -> str:
    """The path of the deepest paragraph of ``section`` holding character ``at`` (``""``: the lead text)."""
    holding = [x for x in section.paragraphs if x.start <= at < x.end + 2]
    return holding[-1].path if holding else ""


__all__ = ["LawDesk", "LAW_KIND", "compare", "periods_in", "NamedLaw"]
