"""Answers from the records: facts about the things a question names, and record questions of any shape,
the value asked for first, each cited to its rows; then the documents' sentences that support a fact.
"""

from __future__ import annotations

import re

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters

CLASSIFICATION_KINDS = ("part_hts", "part_ruling", "ruling_", "hts_", "entry_hts")


def with_sources(text: str, sources, first: int = 1) -> tuple[str, list[ans.Citation]]:
    """``text`` with its ``{0}``, ``{1}`` ... replaced by citation markers numbered from ``first``."""
    citations = [s.citation(first + i) for i, s in enumerate(sources)]
    marks = [f"[{c.n}]" for c in citations]
    return " ".join(text.format(*marks).split()), citations


class RecordAnswers:
    """The record paths of an ``Assistant``: its facts and record queries, and the documents that support them."""

    def __init__(self, assistant):
        self.a = assistant

    def from_query(self, found) -> ans.Answer:
        text, citations = with_sources(found.text, found.sources)
        return ans.Answer(answer=text, citations=citations)

    def from_facts(self, found, question: str, query: str, ids, record, qvec) -> ans.Answer | None:
        """The facts the records hold about what the question names, the value asked for first, then the
        documents' sentences that support it; None when the records do not answer the question."""
        record["facts"] = {"kind": found.kind, "score": round(found.score, 4), "refusal": found.refusal}
        if not found.facts:
            if found.refusal and not found.kind:
                return ans.Answer(answer=found.refusal)  # names only things the records do not hold
            return None
        citations: list[ans.Citation] = []
        sentences = []
        for fact in found.facts:
            marks = []
            for s in fact.sources:
                citations.append(s.citation(len(citations) + 1))
                marks.append(f"[{len(citations)}]")
            text = fact.text.format(*marks) if marks else fact.text
            for path, pattern in fact.documents:
                c = self.quote(path, pattern, len(citations) + 1)
                if c is not None:
                    citations.append(c)
                    text = text[:-1] + f" [{c.n}]." if text.endswith(".") else f"{text} [{c.n}]"
            sentences.append(" ".join(text.split()))
        answer = " ".join(([found.refusal] if found.refusal else []) + sentences)
        support = self.support(found, question, query, ids, record, qvec)
        flags = list(support.flags)
        if support.citations:
            k = len(citations)
            body = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + k}]", support.answer)
            body = body.replace(ans.LEGAL_NOTE, "").strip().removeprefix("From the records: ")
            citations += [c.model_copy(update={"n": c.n + k}) for c in support.citations]
            answer += "\n\nFrom the documents: " + body
        if (found.kind or "").startswith(CLASSIFICATION_KINDS) or ans.LEGAL_NOTE in support.answer:
            answer += "\n\n" + ans.LEGAL_NOTE
        return ans.Answer(answer=answer, citations=citations, flags=flags)

    def support(self, found, question: str, query: str, ids, record, qvec) -> ans.Answer:
        """The documents' sentences that support the facts: for a ruling, the letter's sentence stating the
        subheading; otherwise sentences that name what the question names (none for a period alone)."""
        ruling = found.support_query(self.a.facts.look)
        documents = self.a.documents
        if ruling is not None:
            number, text = ruling
            return documents.answer(
                text,
                text,
                {"ruling": {number}},
                Filters(ruling=number),
                {},
                gap=0.2,
                keep=ans.states_hts,
                use_law=False,
            )
        if not ids:
            return ans.Answer(answer=ans.NO_ANSWER)
        # only the documents the question's identifiers lead to (an entry's invoice, a part's packing lists)
        return documents.answer(question, query, ids, None, record, qvec=qvec, only_identified=True, gated=False)

    def quote(self, path: str, pattern: str, n: int) -> ans.Citation | None:
        """A document citation quoting the first text of ``path`` that matches ``pattern`` (verbatim)."""
        look = self.a.facts.look
        for page, text in look.pages(path):
            m = re.search(pattern, text or "")
            if not m:
                continue
            quote = (m.group("quote") if "quote" in m.re.groupindex else m.group(0)).strip()
            start = text.index(quote, m.start())
            chunk = look.chunk_at(path, page, start)
            passage = next(iter(self.a.retriever.passages([chunk] if chunk else [])), None)
            if passage is None:
                return None
            return ans.Citation.from_passage(n, passage, quote, (start, start + len(quote)))
        return None
