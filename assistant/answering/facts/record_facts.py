"""``RecordFacts``: the question → fact path of :mod:`assistant.answering.facts`, over one workspace.

Built once per ``Assistant`` (stores open): it reads the ids the records hold, the distinctive words
of the vendors' names and the vendors of each payment role, and embeds every fact kind's descriptions
once. ``answer`` resolves what a question names, picks the registered kind closest to the question's
embedding among those whose thing it names (none below ``MIN_INTENT``) and states its facts; a
question about a rule or a procedure that names no more than a vendor or a period is left to the
documents. ``state`` runs one kind by its id (the record tools of the language model use it).
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

# the fact kinds register themselves when their modules are imported
from assistant.answering.facts import entries, invoices, parts, payments, periods, rulings  # noqa: F401
from assistant.answering.facts.question import (
    RULING_OF,
    Named,
    described_parts,
    description_words,
    distinctive_words,
    mask_described,
    mask_ids,
    resolve,
    vendor_hits,
)
from assistant.answering.facts.registry import REGISTRY, descriptions
from assistant.answering.facts.types import Fact, FactAnswer
from assistant.answering.routing import DATA, asks_policy
from assistant.stores.lookups import Lookups

# a certificate meant by what it is, not by its id
CERTIFICATES = re.compile(r"\b(?:certs?|certificates?|certifications?)\b", re.I)
# ... but not a question about what the importer does with its certificates ("how far ahead do we renew
# blanket certs", "who signs our certificates", "what must a certificate contain"): a procedure
OURS = re.compile(r"\b(?:our|ours|we|we've|we're|us)\b", re.I)
HABIT = re.compile(
    r"\b(?:do|does) (?:we|i|you|they|the importer)\b(?! (?:have|hold|still)\b(?! to\b))"
    r"|\b(?:should|must|shall|can|could|may|might) (?:we|i|you|they|the importer)\b"
    r"|^\s*who\b|\bneeds? to\b|\bhow (?:far|often|soon|do|does|should)\b|\bwhat (?:must|should) a\b",
    re.I,
)
MIN_INTENT = 0.38  # cosine similarity of the question to a fact kind's description, below which no fact is given


class RecordFacts:
    """States facts about the things a question names; built once per ``Assistant`` (stores open)."""

    def __init__(self, con, settings, embedder):
        self.look = Lookups(con)
        self.settings = settings
        self.embedder = embedder
        self.known = self.look.known()
        self.vendor_words = distinctive_words(self.known.vendors)
        self.part_words = description_words(
            {
                r["part_number"]: r["description"]
                for r in self.look.rows(
                    "SELECT part_number, any_value(description) AS description FROM products "
                    "WHERE description IS NOT NULL GROUP BY part_number"
                )
            }
        )
        self.role_vendors = self._role_vendors()
        self._certificates: list[dict] | None = None
        self._producer_words: dict[str, set[str]] = {}
        described = descriptions()
        vecs = np.asarray(embedder.embed([d for _, d in described]), dtype=np.float32)
        self._intent_vecs = vecs
        self._intent_of = [k for k, _ in described]

    def _role_vendors(self) -> dict[str, set[str]]:
        """{payment category (royalty, tooling, ...): vendors paid for it}, read as the valuation checks read
        payments; a role is a vendor paid for the imported goods (its payments name a part or a MID)."""
        from assistant.checks.valuation import read_payment

        matching: dict[str, list[dict]] = defaultdict(list)
        for r in self.look.rows("SELECT * EXCLUDE (raw) FROM payments WHERE vendor_name IS NOT NULL"):
            read = read_payment(r, self.settings.checks)
            if read and read[0] != "excluded":
                matching[read[1]].append(r)
        out: dict[str, set[str]] = {}
        for category, rows in matching.items():
            related = {r["vendor_name"] for r in rows if r.get("part_number") or r.get("mid")}
            out[category] = related or {r["vendor_name"] for r in rows}
        return out

    def named(self, question: str, ids: dict[str, set[str]]) -> Named:
        named = resolve(
            question, ids, self.known, self.vendor_words, self.role_vendors, self.settings.today, self.part_words
        )
        if not named.rulings and (said := RULING_OF.search(question)):  # "the mat ruling": the master's for it
            goods = named.parts or described_parts(said.group(1), self.part_words, self.vendor_words)
            named.rulings = self._master_rulings(goods)
        if not named.certificates and CERTIFICATES.search(question) and not HABIT.search(question):
            named.certificates = self._certificates_said(question, named)
        return named

    def _master_rulings(self, part_numbers: list[str]) -> list[str]:
        """The ingested rulings the product master cites for ``part_numbers``."""
        return sorted(r for r in self.look.master_rulings(part_numbers) if r in self.known.rulings)

    def _certificates_said(self, question: str, named: Named) -> list[str]:
        """The certificates a question means without naming them ("is our USMCA cert still valid", "the Rio
        Bravo blanket cert"): those of the program, producer and part it names, when ten or fewer."""
        if self._certificates is None:
            self._certificates = self.look.rows(
                "SELECT certificate_id, program, part_number, producer FROM certificates "
                "WHERE certificate_id IS NOT NULL ORDER BY blanket_start NULLS LAST, certificate_id"
            )
            self._producer_words = distinctive_words({r["producer"] for r in self._certificates if r["producer"]})
        rows = self._certificates
        if named.parts:
            rows = [r for r in rows if r["part_number"] in named.parts]
        said = {
            r["program"] for r in rows if r["program"] and re.search(rf"\b{re.escape(r['program'])}\b", question, re.I)
        }
        if said:
            rows = [r for r in rows if r["program"] in said]
        producers = vendor_hits(question, self._producer_words)
        if producers:
            rows = [r for r in rows if r["producer"] in producers]
        elif not named.parts and not OURS.search(question):
            return []  # "a NAFTA certificate", "the certificate of origin": the law's, not ours
        ids = list(dict.fromkeys(r["certificate_id"] for r in rows))
        return ids if len(ids) <= 10 else []

    def intent_scores(self, qvec) -> dict[str, float]:
        q = np.asarray(qvec, dtype=np.float32)
        sims = self._intent_vecs @ q / (np.linalg.norm(self._intent_vecs, axis=1) * (np.linalg.norm(q) or 1.0))
        out: dict[str, float] = {}
        for kind, s in zip(self._intent_of, sims):
            out[kind] = max(out.get(kind, -1.0), float(s))
        return out

    def answer(self, question: str, qvec, ids: dict[str, set[str]], named: Named | None = None) -> FactAnswer | None:
        """The facts that answer ``question`` (None: the records do not answer it; ask the documents);
        ``named``: what it names, when already resolved (with what a conversation carries)."""
        named = named if named is not None else self.named(question, ids)
        if not named.any():
            return None
        refusal = "; ".join(named.unknown)
        kinds = named.kinds()
        if kinds <= {"vendor", "period"} and asks_policy(question) and not DATA.search(question):
            return None  # a rule or a procedure ("When must payments to suppliers in 2024 be reported?")
        if not kinds:
            return FactAnswer(None, 0.0, [], refusal=refusal[0].upper() + refusal[1:] + ".")
        scores = self.intent_scores(qvec)
        said = mask_described(question, self.part_words) if named.described else question
        said = mask_ids(said, named)
        if said != question:  # "hts on the trekking poles?" is read as "hts on the part?" too, and
            # "what is N340223 about" as "what is the ruling about"
            masked = self.intent_scores(self.embedder.embed_query(said))
            scores = {k: max(v, masked.get(k, v)) for k, v in scores.items()}
        candidates = sorted(
            ((s, k) for k, s in scores.items() if REGISTRY[k].thing in kinds and REGISTRY[k].answers(question)),
            reverse=True,
        )
        if not candidates or candidates[0][0] < MIN_INTENT:
            return FactAnswer(None, candidates[0][0] if candidates else 0.0, [], refusal=_sentence(refusal))
        score, kind = candidates[0]
        facts = self.state(kind, named)
        return FactAnswer(kind, score, [f for f in facts if f], refusal=_sentence(refusal), named=named)

    def state(self, kind: str, named: Named) -> list[Fact]:
        """The facts of kind ``kind`` (an id of the registry) about what ``named`` names."""
        return REGISTRY[kind].fn(self, named)


def _sentence(text: str) -> str:
    return (text[0].upper() + text[1:] + ".") if text else ""
