"""Rulings asked by a description of the product: "How are kraft paper gift bags with cord handles
classified?" reaches the ruling for that product through the descriptions of the merchandise in the
letters' bodies (not only their ``RE:`` lines), and is answered with the ruling's tariff number, its
subject and the letter's sentence that states the subheading, cited.
"""

from __future__ import annotations

import re

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters, Passage
from assistant.formats import day

# the question asks how a product is classified, in the words people use for it
ASKS_CLASSIFICATION = re.compile(
    r"\b(classif\w*|clasif\w*|hts\w*|hs code|tariff (?:code|number|no|classification|heading)|subheading|"
    r"heading|duty rate|what duty|rul(?:e|ed|ing) on|tarr?if+)\b",
    re.I,
)
# asking about getting a ruling (CBP's process, 19 CFR 177), not about how a product is classified
RULING_PROCESS = re.compile(
    r"\b(?:get|getting|obtain\w*|request\w*|ask for|apply for|issu\w*|seek\w*)\s+(?:a |an |the )?"
    r"(?:binding |advance |new |prospective )?ruling|\bruling (?:letter )?(?:requests?|applications?)\b",
    re.I,
)
MIN_RULING = 0.45  # the ruling's best passage must be this similar to the question


def by_description(assistant, question: str, ids, named, qvec, record) -> ans.Answer | None:
    """The ruling for the product a question describes, or None (not such a question, or no ruling close)."""
    if not ASKS_CLASSIFICATION.search(question) or RULING_PROCESS.search(question):
        return None
    # our part by its id, an entry, or an HTS number: the records answer for it
    if ids.get("ruling") or (named.parts and not named.described) or named.entries or named.hts:
        return None
    cited: set[str] = set()
    if named.described:  # our product, by its description: the ruling our product master cites for it
        cited = assistant.facts.look.master_rulings(named.parts)
        if not cited:
            return None  # none cited: the records state what the master declares
        if len(cited) == 1:
            record["ruling_by_description"] = {"ruling": next(iter(cited)), "cited_by_master_for": named.parts}
            return _holding(assistant, next(iter(cited)))
    retriever = assistant.retriever
    passages = [
        p
        for p in retriever.search(question, k=20, filters=Filters(kinds=["ruling"]), query_vec=qvec)
        if p.ruling_number and (not cited or p.ruling_number in cited)  # several cited: the closest of them
    ]
    if not passages:
        return None
    sims = ans.sentence_vectors(retriever.embedder, [p.text for p in passages], max_tokens=None) @ qvec
    by_ruling: dict[str, list[float]] = {}
    best_of: dict[str, tuple[float, Passage]] = {}
    for p, sim in zip(passages, sims):
        by_ruling.setdefault(p.ruling_number, []).append(p.score + float(sim))
        if p.ruling_number not in best_of or float(sim) > best_of[p.ruling_number][0]:
            best_of[p.ruling_number] = (float(sim), p)
    # a ruling whose letter describes the product in several passages stands above one passage that does
    ranked = sorted(by_ruling, key=lambda r: -(max(by_ruling[r]) + 0.25 * sum(sorted(by_ruling[r])[-3:-1])))
    number = ranked[0]
    similarity, top = best_of[number]
    record["ruling_by_description"] = {"ruling": number, "similarity": round(similarity, 4), "candidates": ranked[:5]}
    if similarity < MIN_RULING:
        return None
    return _holding(assistant, number)


def _holding(assistant, number: str) -> ans.Answer | None:
    """The ruling's tariff numbers and the sentence of its letter that states the subheading."""
    ruling = assistant.facts.look.ruling(number)
    if ruling is None:
        return None
    subject = re.sub(
        r"^the tariff classification (and country of origin )?of (an? |the )?", "", ruling["subject"] or "", flags=re.I
    )
    holding = assistant.documents.answer(
        f"The applicable subheading for the {subject} will be",
        f"The applicable subheading for the {subject} will be",
        {"ruling": {number}},
        Filters(ruling=number),
        {},
        gap=0.2,
        keep=ans.states_hts,
        use_law=False,
        gated=False,
    )
    tariffs = ", ".join(ruling["tariff_numbers"] or []) or "no tariff number read"
    text = (
        f"The closest ruling is {number} ({day(ruling['ruling_date'])}), on {ruling['subject'] or 'its subject'}: "
        f"classified under {tariffs}."
    )
    citations = holding.citations
    if citations:
        body = holding.answer.replace(ans.LEGAL_NOTE, "").strip().removeprefix("From the records: ")
        text += " " + body
    text += "\n\nCheck that the ruling's merchandise is yours before relying on it.\n\n" + ans.LEGAL_NOTE
    return ans.Answer(answer=text, citations=citations, flags=holding.flags)
