"""Answers from the documents (the workspace's own files) and the law shelf, quoted verbatim.

The documents' passages come from the workspace's hybrid retrieval, the law's from the shelf
(:mod:`assistant.answering.law`). Sentences are chosen from each source alone (the law never crowds
the importer's own manual out of an answer about it), then:

* a question that names a section of the law (``19 CFR 163.11``, ``section 1592(c)(4)``) is answered
  from the law;
* when both the documents and the law answer it, and both state a period (how long, within how
  many days), the answer gives the importer's rule and the law's side by side and says whether they
  agree, the manual being stricter, or weaker (flagged);
* otherwise the source whose best sentence answers better, a small lean toward the importer's own
  files when the question speaks of "our" rules, toward the law when it speaks of the regulations.

With the shelf off (``FAPREP_LAW=off``) a question that needed the law says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering import answer as ans
from assistant.answering.gate import Unrelated, features, load
from assistant.answering.law import LAW_KIND, LawDesk, compare, periods_in, states_asked

RUNNER_UP_GAP = 0.5  # a quoted sentence scores at most this much below the best one
LAW_PASSAGES = 6
LAW_QUOTES = 2  # paragraphs of the law quoted at most
LAW_GAP = 0.15  # ... each scoring at most this much below the best
LAW_FLOOR = 0.45  # a paragraph of the law answers when it is this similar to the question
LAW_OFFTOPIC_GAP = 0.23  # ... and this much closer than text unrelated to customs (set on the dev sets)
LEAN = 0.08  # how much a question's wording leans the choice between the documents and the law
_OURS = re.compile(r"\b(our|we|us|manual|sop|procedures?|polic(y|ies)|handbook|instructions?)\b", re.I)
_LAWS = re.compile(
    r"\b(regulations?|regs|cfr|u\.?s\.?c|statute|statutory|the law|legally|law say|law require|cbp require\w*|"
    r"required by|19 ?c\.?f\.?r|title 19)\b",
    re.I,
)
# a question that sets our rule against the law's: "longer than the law", "is it just the 5 the law says?"
_COMPARES = re.compile(
    r"\b(longer|shorter|more|less|stricter|weaker|sooner|later) than\b|\bis it (just|only)\b|\bcompared? (with|to)\b|"
    r"\b(same as|in line with|match(es)?|agrees? with|meets?|beyond)\b",
    re.I,
)
LAW_OFF = (
    "The law shelf is off (FAPREP_LAW=off): this question is about 19 CFR or 19 USC, which the workspace's "
    "own files do not answer."
)


@dataclass
class Sourced:
    """The sentences one source (the documents, or the law) offers for a question."""

    passages: list
    sentences: list
    best: float = -1.0
    supported: bool = False
    loosely: bool = False  # supported by the loose-wording bound (ans.supports_loosely)
    flags: list[str] = field(default_factory=list)


class DocumentAnswers:
    """Extractive answers over the retriever's documents and the law desk's shelf."""

    def __init__(self, settings, retriever, law: LawDesk):
        self.settings = settings
        self.retriever = retriever
        self.law = law
        self._unrelated: Unrelated | None = None

    @property
    def unrelated(self) -> Unrelated:
        if self._unrelated is None:
            self._unrelated = Unrelated(self.retriever.embedder)
        return self._unrelated

    # --- one source -------------------------------------------------------------------------------

    def _sourced(self, query: str, passages, ids, qvec, keep=None) -> Sourced:
        from assistant.stores.lexical import expand

        flat = {v for values in ids.values() for v in values}
        spelled = expand(query)  # "a PD": a prior disclosure; "CHB": the customs broker
        sentences = ans.select_sentences(
            query,
            passages,
            self.retriever.embedder,
            qvec,
            flat,
            max_sentences=self.settings.answer_sentences,
            alt_vec=self.retriever.embedder.embed_query(spelled) if spelled != query else None,
            bonus=states_asked(query),
        )
        if keep is not None:
            sentences = [x for x in sentences if keep(x.text)]
        floor = self.settings.answer_min_similarity
        out = Sourced(passages, sentences)
        out.supported = any(ans.supports(x, floor) for x in sentences)
        out.loosely = any(ans.supports_loosely(x, floor) for x in sentences)
        out.best = max((x.score for x in sentences), default=-1.0)
        return out

    def _law(self, query: str, passages, ids) -> Sourced:
        """The law's candidates: each passage (a paragraph, with its items) quoted whole."""
        if not passages:
            return Sourced([], [])
        flat = {v for values in ids.values() for v in values}
        sentences = self.law.sentences(query, passages, flat)[: LAW_QUOTES + 2]
        out = Sourced(passages, sentences)
        out.supported = any(x.names_id or x.sim >= LAW_FLOOR for x in sentences)
        out.best = max((x.score for x in sentences), default=-1.0)
        return out

    def page_text(self, path: str, page: int | None) -> str:
        if page is None and path.startswith(("19 CFR ", "19 USC ")):
            return self.law.section_text(path)
        return self.retriever.page_text(path, page)

    def make_citation(self, n: int, p, quote: str, span: tuple[int, int]):
        if p.kind == LAW_KIND:
            return self.law.citation(n, p, quote, span)
        return ans.Citation.from_passage(n, p, quote, span)

    def _quoted(self, source: Sourced, gap: float, first: int = 1) -> tuple[list, list[str], list[str]]:
        """Citations (numbered from ``first``), the answer's parts and flags for the best sentences of one source."""
        floor = self.settings.answer_min_similarity
        best = source.best
        kept = [x for x in source.sentences if (x.names_id or x.sim >= floor - 0.15) and x.score >= best - gap]
        if kept and kept[0].passage.kind == LAW_KIND:
            kept = [x for x in kept if x.score >= best - min(gap, LAW_GAP)][:LAW_QUOTES]
        citations, parts, flags = ans.cite(kept, self.page_text, self.make_citation)
        for c in citations:
            c.n += first - 1
        parts = [re.sub(r"\[(\d+)\]$", lambda m: f"[{int(m.group(1)) + first - 1}]", p) for p in parts]
        if citations and citations[0].is_law:
            parts = [f"{c.cite}: {p}" for c, p in zip(citations, parts)]
        return citations, parts, flags

    # --- the answer -------------------------------------------------------------------------------

    def answer(
        self,
        question: str,
        query: str,
        ids,
        filters,
        record: dict,
        gap: float = RUNNER_UP_GAP,
        keep=None,
        qvec=None,
        only_identified: bool = False,
        use_law: bool = True,
        gated: bool = True,
    ) -> ans.Answer:
        """The answer to ``question`` from the documents and the law shelf (see the module doc); ``gated``:
        refused when the fitted gate (``assistant.answering.gate``) finds its evidence too weak."""
        s = self.settings
        if qvec is None:
            qvec = self.retriever.embedder.embed_query(query)
        passages = self.retriever.search(query, k=s.answer_passages, filters=filters, query_vec=qvec)
        law_passages = []
        consult_law = use_law and not only_identified and not (filters is not None and filters.active())
        if consult_law and self.law.enabled:
            law_passages = self.law.passages(query, qvec, k=LAW_PASSAGES)
        record["passages"] = [_logged(p) for p in passages + law_passages]
        if any("id" in p.via for p in passages):
            passages = [p for p in passages if "id" in p.via]  # the question names them: answer from them
        elif only_identified:
            return ans.Answer(answer=ans.NO_ANSWER)
        docs = self._sourced(query, passages, ids, qvec, keep)
        law = self._law(query, law_passages, ids)
        if gated and docs.loosely and not law.supported:
            docs.supported = True  # the loose bound, for the fitted gate to weigh; never over the law's paragraph
        result, used = self._choose(question, docs, law, law_passages, gap, consult_law)
        if used is None or not result.citations:
            return result
        offtopic = self.unrelated.closeness(qvec)
        f = features(used.sentences, used.passages, offtopic, used is law, _terms(query))
        if used is law:  # the law: its own floor, and closer to the question than unrelated text is
            record["gate"] = {"features": f, "probability": None}
            return result if f["offtopic_gap"] >= LAW_OFFTOPIC_GAP else ans.Answer(answer=ans.NO_ANSWER, refused=True)
        gate = load() if gated else None
        p = gate.probability(f) if gate else None
        record["gate"] = {"features": f, "probability": None if p is None else round(p, 4)}
        if gate is not None and not gate.answers(f):
            if law.supported and _best(law) and _best(law).sim - offtopic >= LAW_OFFTOPIC_GAP:
                return self._single(question, law, gap)  # the documents' evidence is weak; the law's is not
            return ans.Answer(answer=ans.NO_ANSWER, refused=True)
        return result

    def _choose(self, question: str, docs: Sourced, law: Sourced, law_passages, gap: float, consult_law: bool):
        """The answer from the documents, the law or both, and the source it was drawn from (None: none)."""
        named_law = any("id" in p.via for p in law_passages)
        if law.supported and _COMPARES.search(question) and _OURS.search(question):
            # "do we keep records longer than 1508 makes us?": our rule that states a period, beside the law's
            stating = [x for x in docs.sentences if periods_in(x.text) and x.sim >= LAW_FLOOR - 0.1]
            if stating:
                best = max(x.score for x in stating)
                return self._both(question, Sourced(docs.passages, stating, best, True), law, gap)
        if named_law and law.supported or (named_law and law.sentences and not docs.supported):
            return self._single(question, law, gap), law
        if docs.supported and law.supported:
            return self._both(question, docs, law, gap)
        if law.supported:
            return self._single(question, law, gap), law
        if docs.supported:
            answer = self._single(question, docs, gap)
            if consult_law and not self.law.enabled and _LAWS.search(question):
                answer.flags.append("the law shelf is off (FAPREP_LAW=off): 19 CFR and 19 USC were not consulted")
            return answer, docs
        if consult_law and not self.law.enabled and (_LAWS.search(question) or self.law.named(question)[0]):
            return ans.Answer(answer=LAW_OFF, refused=True), None
        missing = self.law.named(question)[1] if consult_law else []
        return ans.Answer(answer=(" ".join(m + "." for m in missing) if missing else ans.NO_ANSWER), refused=True), None

    def _single(self, question: str, source: Sourced, gap: float) -> ans.Answer:
        citations, parts, flags = self._quoted(source, gap)
        if not citations:
            return ans.Answer(answer=ans.NO_ANSWER, flags=flags)
        if citations[0].is_law:
            return ans.Answer(answer="From the law: " + " ".join(parts), citations=citations, flags=flags)
        cited = [c for c in source.passages if any(c.chunk_id == x.chunk_id for x in citations)]
        text = ans.compose(parts, ans.is_classification(question, cited))
        return ans.Answer(answer=text, citations=citations, flags=flags)

    def _both(self, question: str, docs: Sourced, law: Sourced, gap: float) -> tuple[ans.Answer, Sourced]:
        """The importer's rule and the law side by side when both state a period; else the better source."""
        rule = _rule_beside(docs, law, self.law.depth_of)
        compared = compare(_best(docs).text, rule.text) if rule is not None else None
        if compared is None:
            lean = LEAN * (bool(_OURS.search(question)) - bool(_LAWS.search(question)))
            chosen = docs if docs.best + lean >= law.best else law
            return self._single(question, chosen, gap), chosen
        verdict, weaker = compared
        d_cites, d_parts, d_flags = self._quoted(Sourced(docs.passages, [_best(docs)], docs.best, True), 0.0)
        l_cites, l_parts, l_flags = self._quoted(Sourced(law.passages, [rule], rule.score, True), 0.0, len(d_cites) + 1)
        if not d_cites or not l_cites:
            chosen = docs if d_cites else law
            return self._single(question, chosen, gap), chosen
        text = f"Your own rule: {' '.join(d_parts)}\n\nThe law: {' '.join(l_parts)}\n\n{verdict}"
        flags = d_flags + l_flags
        if weaker:
            flags.append(f"the importer's rule is weaker than {l_cites[0].cite}: {verdict}")
        return ans.Answer(answer=text, citations=d_cites + l_cites, flags=flags), docs


def _rule_beside(docs: Sourced, law: Sourced, depth):
    """The law sentence to set beside the importer's best: among the law's sentences that state a comparable
    period and score near the best in its section, the general rule (the shallowest paragraph: 163.4(a)'s five years, not
    the two years of the exception in 163.4(b)(3), nor the three of drawback records); else the best. Never
    the one that happens to agree: an exception that agrees would hide a rule weaker than the law."""
    ours, best = _best(docs), _best(law)
    if ours is None or best is None:
        return None
    near = [
        x
        for x in law.sentences
        if x.passage.path == best.passage.path  # within the best one's section: its rule and its exceptions
        and x.score >= best.score - LAW_GAP
        and compare(ours.text, x.text) is not None
    ]
    if not near:
        return best
    return max(near, key=lambda x: (-depth(x), x.score))


def _best(source: Sourced):
    return max(source.sentences, key=lambda x: x.score) if source.sentences else None


def _logged(p) -> dict:
    return {
        "chunk_id": p.chunk_id,
        "path": p.path,
        "page": p.page,
        "via": p.via,
        "score": round(p.score, 6),
        "sha256": p.sha256,
    }


def _terms(text: str) -> int:
    return len(ans.content_terms(text))
