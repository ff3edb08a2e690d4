"""Which questions are answered by the deterministic checks, and with which arguments.

A question that asks for a check's kind of answer ("which parts have inconsistent
classifications?", "are there undeclared assists?", "is entry X complete?") is routed to the check
tools; their findings, with evidence rows, are the answer. The patterns are deliberately narrow: a
question about what a ruling or the manual says goes to retrieval, not to a check. So does a question
about a rule or a procedure ("When are blanket USMCA certifications renewed?", "Must tooling we send
to a supplier be added to the entered value?") unless it also asks about the importer's data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ALL = "*"
ROUTES: list[tuple[str, re.Pattern]] = [
    (check, re.compile(p, re.I))
    for check, p in [
        (
            "hts_inconsistency",
            r"\b(inconsistent|different|conflicting|varying|several|multiple|more than one)\s+"
            r"(hts|classifications?|tariff (numbers?|classifications?)|subheadings?)\b"
            r"|\bclassified (differently|inconsistently)\b|\binconsistent(ly)? classif",
        ),
        (
            "hts_master_mismatch",
            r"\b(product )?master\b.*\b(hts|classif\w*)\b.*\b(differ|match|mismatch|disagree|deviat)"
            r"|\b(hts|classif\w*)\b.*\b(differ\w*|deviat\w*|mismatch\w*) from\b.*\bmaster\b",
        ),
        (
            "ruling_conflict",
            r"\b(conflict\w*|contradict\w*|inconsistent)\b.*\brulings?\b.*\b(entries|declared|master|classif\w*)"
            r"|\bentries\b.*\b(conflict\w*|contradict\w*)\b.*\brulings?\b",
        ),
        (
            "undeclared_assist",
            r"\b(undeclared|unreported|missing|omitted|undisclosed)\s+assists?\b"
            r"|\bassists?\b.*\b(declared|reported|added|included|dutiable)\b"
            r"|\b(molds?|moulds?|tooling|dies)\b.*\b(suppl\w*|provid\w*|paid)\b.*\b(declar\w*|value)",
        ),
        ("royalty_omission", r"\broyalt(y|ies)\b|\blicen[cs]e fees?\b.*\b(dutiable|declared|value|added)"),
        (
            "value_outlier",
            r"\bundervalu\w*|\bvalue outliers?\b|\bunusual(ly)? (low|high) (prices?|values?)\b|\bprice outliers?\b",
        ),
        (
            "spi_without_certificate",
            # the claims and their support; "what period does the USMCA certificate for X cover?" asks
            # the records (answering.facts), not for findings
            r"\busmca\b.*\b(claims?|claimed|claiming|support\w*|without)\b|\b(claims?|claimed|claiming)\b.*\busmca\b.*\b(certif\w*|without|support\w*)"
            r"|\b(spi|preference|preferential) claims?\b.*\b(certif\w*|support\w*)\b",
        ),
        (
            "origin_mismatch",
            r"\b(country of )?origin\b.*\b(mismatch\w*|wrong|inconsistent|differ\w*|conflict\w*)\b"
            r"|\bmids?\b.*\b(origin|country)\b",
        ),
        (
            "missing_records",
            r"\b(is|are) (the )?entr(y|ies)\b.*\bcomplete\b|\bentr(y|ies)\b.*\bcomplete\b"
            r"|\bmissing (records|documents|invoices|packing lists?|entry summar(y|ies))\b"
            r"|\brecordkeeping gaps?\b|\b(records|documents) (on file|missing)\b",
        ),
        (
            "broker_review_missing",
            r"\bbroker reviews?\b.*\b(missing|without|no|not|lack\w*)\b|\bnot reviewed by\b"
            r"|\b(entries|which)\b.*\b(without|lack\w*|missing)\b.*\breview",
        ),
        ("psc_pattern", r"\bpost[- ]summary corrections?\b|\bpscs?\b"),
        (
            ALL,
            r"\b(all|any|what|which) (findings|problems|issues|errors|compliance (issues|problems|gaps))\b"
            r"|\brun (all )?(the )?checks\b",
        ),
    ]
]
# A question about a rule or a procedure, not about what the records show ...
POLICY = re.compile(
    r"^\s*(when|why|who|whom|to whom|where|must|should|shall|may|can|could|will|would|"
    r"how (is|are|do|does|should|must|can|long|often)|"
    r"what (happens|does|do|must|should|is required|are the rules?|is the rule|is the procedure)|"
    r"do (we|i) (need|have) to|according to|under what|"
    r"what(?:'s| is| are) the (?:penalt\w*|fines?|deadline|time limits?|statute of limitations|rules?|requirements?))\b",
    re.I,
)
# ... or asks, anywhere, for what a procedure fixes: a deadline, a threshold, a target, who approves it
PROCEDURAL = re.compile(
    r"\b(deadlines?|time ?limits?|how (long|soon|quickly|fast|far ahead|far in advance)|by when|within how (many|long)|"
    r"thresholds?|cut-?offs?|targets?|minimum (amount|value|dollar)|"
    r"who (approves?|signs?|owns?|decides?|is responsible|is in charge|handles?|reviews?|keeps?|maintains?)|"
    r"responsible for|in charge of|sign(s|ed)? off)\b",
    re.I,
)
_CLAUSES = re.compile(r"(?<=[.!?])\s+(?=[A-Z])|(?<=,)\s+(?=[a-z])")


def asks_policy(question: str) -> bool:
    """The question, or its last sentence or clause when its circumstances come first ("CBP mitigated our
    penalty. How long is that offer good for?", "Under the NAFTA rules, how long does an importer have
    to ..."), asks about a rule or a procedure."""
    return bool(
        POLICY.search(question) or POLICY.search(_CLAUSES.split(question.strip())[-1]) or PROCEDURAL.search(question)
    )


# ... unless it also asks about the data: findings, entries, lines, parts, payments, "are there", "any".
DATA = re.compile(
    r"\b(findings?|problems?|issues?|errors? (in|on)|entries|entry lines?|lines|which parts|"
    r"our (parts|claims|payments|entries)|are there|is there|any|did we|have we|do we have(?! to))\b",
    re.I,
)


@dataclass
class Route:
    checks: list[str]
    args: dict[str, str] = field(default_factory=dict)


def route(question: str, identifiers: dict[str, set[str]]) -> Route | None:
    """The checks a question asks for (``None``: not a check question), with filters from its identifiers."""
    checks = [check for check, pattern in ROUTES if pattern.search(question)]
    if not checks or (asks_policy(question) and not DATA.search(question) and not any(identifiers.values())):
        return None
    if ALL in checks:
        from assistant.checks import ORDER

        checks = list(ORDER)
    args = {}
    if identifiers.get("entry"):
        args["entry"] = sorted(identifiers["entry"])[0]
    if identifiers.get("part"):
        args["part_number"] = sorted(identifiers["part"])[0]
    if identifiers.get("payment"):
        args["payment_id"] = sorted(identifiers["payment"])[0]
    return Route(checks, args)


def spelled_out(score, embedder, question: str, qvec):
    """``score(qvec)``, or ``score`` of the question with the customs words it uses spelled out where that is
    higher (prompts/thesaurus.txt: "mould" also says assist, tooling, die; "a PD", a prior disclosure):
    per element when ``score`` gives an array."""
    import numpy as np

    from assistant.stores.lexical import expand

    out = score(qvec)
    expanded = expand(question)
    if expanded != question:
        out = np.maximum(out, score(embedder.embed_query(expanded)))
    return out


# a question that asks whether something is wrong: "any origin problems?", "any entries nobody reviewed?"
ASKS_PROBLEMS = re.compile(
    r"\b(problems?|issues?|errors?|exceptions?|gaps?|risks?|findings?|flags?|red flags?|wrong|missing|mismatch\w*|"
    r"nobody|not reviewed|unreviewed|without|undeclared|unreported|inconsisten\w*|outliers?|suspicious|"
    # what was left undone: "never got a review", "left out of the value", "after it lapsed"
    r"never|left out|leave \w+(?: \w+)? out|lapsed|expired|uncovered|"
    r"(?:not|\w+n't|never been|never got) (?:\w+ )?(?:added|included|declared|reported|reviewed|covered|logged|picked up))\b",
    re.I,
)
MIN_CHECK = 0.45  # a question this close to a check's title and description is routed to it
NARROW_MARGIN = 0.04  # "any problems with our mould payments?": one check this much closer than the next
# "any problems with|in|about ...": a question for all findings that names a topic after it
NARROWED = re.compile(r"\b(?:with|in|on|about|regarding|around|concerning|for)\s+(?:our\s+|the\s+|my\s+)?[a-z]", re.I)


class CheckMatcher:
    """Routes a question that asks whether something is wrong to the check whose title and description
    it is closest to, through the embedding model (for wordings the patterns above do not know)."""

    def __init__(self, embedder):
        import numpy as np

        import prompts
        from assistant.checks import REGISTRY

        self.ids = list(REGISTRY)
        self.embedder = embedder
        asked = prompts.check_questions()
        unknown = sorted(set(asked) - set(self.ids))
        if unknown:
            raise ValueError(f"prompts/check_questions.txt: no check {', '.join(unknown)}")
        texts, self._of = [], []
        for i, c in enumerate(self.ids):
            for text in [f"{REGISTRY[c].title}. {REGISTRY[c].description.split('.')[0]}", *asked.get(c, [])]:
                texts.append(text)
                self._of.append(i)
        self.vecs = np.asarray(embedder.embed(texts), dtype=np.float32)

    def _sims(self, qvec):
        """The question's closeness to each check: the best of its title and description and its questions."""
        import numpy as np

        q = np.asarray(qvec, dtype=np.float32)
        sims = self.vecs @ q / (np.linalg.norm(self.vecs, axis=1) * (np.linalg.norm(q) or 1.0))
        out = np.full(len(self.ids), -1.0, dtype=np.float32)
        np.maximum.at(out, np.asarray(self._of), sims)
        return out

    def match(self, question: str, qvec) -> tuple[str | None, float, float]:
        """The closest check (None below ``MIN_CHECK``), its similarity and its margin over the next, by the
        question's own embedding and by that of the question with the customs words it uses spelled out
        (prompts/thesaurus.txt: "mould" also says assist, tooling, die), the better of the two per check."""
        import numpy as np

        if not ASKS_PROBLEMS.search(question):
            return None, 0.0, 0.0
        sims = spelled_out(self._sims, self.embedder, question, qvec)
        ranked = np.sort(sims)
        margin = float(ranked[-1] - ranked[-2]) if len(sims) > 1 else 1.0
        best = int(np.argmax(sims))
        return (self.ids[best] if sims[best] >= MIN_CHECK else None), float(sims[best]), margin
