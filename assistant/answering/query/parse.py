"""A record question read into slots: what is counted or summed, of what, filtered by what, ordered and
limited how, grouped by what.

* **Filters** come from the things the question names, resolved against the records as facts are
  (parts, entries, payments, HTS numbers, vendors by a distinctive word or their role, periods), and
  from countries (names, adjectives, codes on record), a trade program (USMCA and the SPI codes that
  claim it), the statute's payment categories (tooling, materials, engineering, royalties: the words
  the valuation checks read payments by) and GL account numbers on record. What a question asks
  payments "for" that none of these place (``electricity``) is kept as a topic, looked for in the GL
  accounts and memos, so an empty answer can say what was looked for.
* **Dimension**: the noun after "which/what/who", "by/per/each" or "top N", compared with each
  dimension's descriptions through the embedding model; "who" asks for a vendor.
* **Measure**: the question, with what it names taken out, compared with each measure's
  descriptions; only measures of a table the filters and the dimension can apply to compete.
* **Order and number**: closed-class words (most, least, top 3, first, last, how many).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import numpy as np
from bm25s.stopwords import STOPWORDS_EN_PLUS

from assistant.answering.facts.question import Period
from assistant.answering.query.vocabulary import (
    ASC,
    COUNTING,
    DATE_ASKED,
    DESC,
    DIMENSION,
    DIMENSIONS,
    FIRST,
    GROUP,
    HEAD,
    LAST,
    LIMIT,
    LINES,
    MEASURE,
    MEASURES,
    NUMBERS,
    PAYMENTS,
    SUM_WORDS,
    SUPERLATIVE_HEAD,
    WHO,
    countries,
)
from assistant.stores.lexical import STOPWORDS, stem

# a share said to be within the total ("including 301", "Section 301 included", "plus the 301 duty")
PART_OF_TOTAL = re.compile(
    r"\b(?:incl(?:uding|uded|\.)?|plus|with)\s+(?:the\s+)?(?:section\s+)?(?:301|ch(?:apter|\.)?\s*99)\b"
    r"|\b(?:301|chapter 99)(?:\s+dut(?:y|ies))?\s+(?:included|incl\b|too|as well)",
    re.I,
)
MAX_STRAY = 3  # more content words than this that no slot explains: the question is about something else
MIN_MEASURE = 0.35  # a measure this close to the question at least, or no record question is read
MIN_DIMENSION = 0.45
MIN_HEAD_DIMENSION = 0.55  # "which/what X" names a dimension less surely than "by X"
_TOPIC = re.compile(
    r"\b(?:for|on)\s+(?:the\s+|our\s+|any\s+)?([a-z][a-z -]{2,30}?)(?=\s+(?:in|during|last|this|since|from|to|by)\b|[?.!,]|$)",
    re.I,
)
_ORDER_WORDS = (
    "most biggest largest highest greatest top max maximum least smallest lowest fewest min minimum cheapest first "
    "last latest earliest recent newest oldest one ones single ledger ap books record records file files report "
    "show list give tell need know find each per by year years month months quarter week day days since between "
    "number count many much total sum overall altogether combined ever far date dates "
    "usmca nafta gsp program programs psc pscs flag flags correction corrections post summary gl account accounts "
    "import imports imported importing buy bought bring came come got get receive received declared declare "
    "export exports extract data dataset ace ledger claim claims claimed claiming use used using been be being have "
    "has had master log logs name names review reviews reviewed licensor licensee toolmaker maker makers "
    "foreign overseas offshore abroad international vendor vendors supplier suppliers payable payables "
    "across every both each all entire whole everything throughout sec section chapter ch"
)
# English's function words (bm25s' list) and its light verbs say nothing a slot must place ("the largest
# payment we made", "duty, 301 included")
_LIGHT_VERBS = (
    "make made makes making get gets getting got gotten include includes included including incl have has had "
    "having give gave given take took taken put puts".split()
)
_QUESTION_WORDS = frozenset(
    "how much many what which who whom when total did do does we our us pay paid spend spent shell out get got "
    "money amount overall altogether all years combined ever sum value duty duties entries entry lines payments "
    "payment year years month vendor vendors supplier suppliers the a an of in on for to from by with".split()
)


@dataclass
class RecordQuery:
    """The slots of one record question (see the module doc)."""

    measure: str
    score: float  # how close the question is to the measure's descriptions
    table: str
    dimension: str | None = None
    order: str | None = None  # desc | asc
    limit: int | None = None
    date_of: str | None = None  # first | last: the first or last date (or item) is asked
    period: Period | None = None
    parts: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    payments: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    vendor_phrase: str = ""
    hts: list[str] = field(default_factory=list)
    mids: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    program: list[str] = field(default_factory=list)  # SPI codes
    program_name: str = ""
    categories: list[str] = field(default_factory=list)
    gl: list[str] = field(default_factory=list)
    topic: str = ""  # a subject of payments none of the slots place
    psc: bool = False  # only lines with the post-summary correction indicator
    unknown_vendor: str = ""  # a payee the question names that the payments do not hold

    def filters(self) -> int:
        return sum(
            bool(x)
            for x in (
                self.period,
                self.parts,
                self.entries,
                self.payments,
                self.vendors,
                self.hts,
                self.mids,
                self.countries,
                self.program,
                self.categories,
                self.gl,
                self.topic,
                self.psc,
            )
        )


class QueryReader:
    """Reads record questions for one workspace: the slots' description vectors are embedded once."""

    def __init__(self, facts, settings, embedder):
        self.facts = facts  # assistant.answering.facts.RecordFacts: things named, vendors, roles
        self.settings = settings
        self.embedder = embedder
        self.measure_ids, m_texts = _flat((m.id, m.descriptions) for m in MEASURES)
        self.dim_ids, d_texts = _flat((d.id, d.descriptions) for d in DIMENSIONS)
        vecs = np.asarray(embedder.embed(m_texts + d_texts), dtype=np.float32)
        self.measure_vecs, self.dim_vecs = vecs[: len(m_texts)], vecs[len(m_texts) :]
        look = facts.look
        self.codes = look._set(
            "SELECT DISTINCT country_of_origin FROM entry_lines UNION SELECT DISTINCT vendor_country FROM payments"
        )
        self.gl_accounts = look._set("SELECT DISTINCT gl_account FROM payments WHERE gl_account IS NOT NULL")
        self.has_payments = bool(look.rows("SELECT 1 AS x FROM payments LIMIT 1"))
        self.has_lines = bool(look.rows("SELECT 1 AS x FROM entry_lines LIMIT 1"))

    # --- slots ----------------------------------------------------------------------------------------

    def _nearest(self, vecs, ids, qvec) -> tuple[str | None, float, dict[str, float]]:
        q = np.asarray(qvec, dtype=np.float32)
        sims = vecs @ q / (np.linalg.norm(vecs, axis=1) * (np.linalg.norm(q) or 1.0))
        best: dict[str, float] = {}
        for i, s in zip(ids, sims):
            best[i] = max(best.get(i, -1.0), float(s))
        top = max(best, key=lambda k: best[k]) if best else None
        return top, (best[top] if top else 0.0), best

    def dimension(self, question: str, pinned: frozenset[str] = frozenset()) -> tuple[str | None, float]:
        """The dimension a question groups or ranks by: the noun after by/per/each, which/what/who, top N;
        never one of ``pinned``, the dimensions the question fixes to one value ("which entries used HTS
        9503.00.0073" does not group by HTS number)."""
        if WHO.search(question) and (DESC.search(question) or ASC.search(question) or "paid" in question.lower()):
            return "vendor", 1.0
        phrases = [m.group(1) for m in GROUP.finditer(question)] + [m.group(1) for m in HEAD.finditer(question)]
        phrases += [m.group(1) for m in SUPERLATIVE_HEAD.finditer(question)]
        m = re.search(r"\btop\s+(?:\d+|three|five|ten|two|four)\s+([a-z][a-z ]{2,30})", question, re.I)
        if m:
            phrases.insert(0, m.group(1))
        best: tuple[str | None, float] = (None, 0.0)
        strict = len([m for m in GROUP.finditer(question)]) + bool(m)  # by/per/each and top N name a dimension outright
        floor = MIN_DIMENSION if strict else MIN_HEAD_DIMENSION
        for phrase in phrases:
            words = [w for w in phrase.split()[:3] if w.lower() not in STOPWORDS]
            if not words:
                continue
            top, _, scores = self._nearest(self.dim_vecs, self.dim_ids, self.embedder.embed_query(" ".join(words)))
            if top in pinned and len(words) > 1:  # "entries used HTS X": the head noun alone says it
                _, _, scores = self._nearest(self.dim_vecs, self.dim_ids, self.embedder.embed_query(words[0]))
            for found, score in scores.items():
                if found not in pinned and score > best[1]:
                    best = (found, score)
        return best if best[1] >= floor else (None, best[1])

    def categories(self, question: str, names: list[str] | tuple = ()) -> list[str]:
        """The statute's payment categories whose words the question uses (tooling for "moulds"), the words
        of ``names`` (a vendor or GL account it names: "Kunshan Precision Mould", "1540 Tooling") aside."""
        from assistant.checks.valuation import CATEGORIES

        named = {stem(w) for name in names for w in re.findall(r"[a-z]+", name.lower())}
        words = {stem(w) for w in re.findall(r"[a-z]+", question.lower())} - named
        out = []
        for category, _kind, setting, _label, _law in CATEGORIES:
            vocab = getattr(self.settings.checks, setting)
            if any(all(stem(w) in words for w in phrase.split()) for phrase in vocab if phrase.isalpha()):
                out.append(category)
        return out

    def program(self, question: str) -> tuple[list[str], str]:
        if re.search(r"\busmca\b|\bnafta\b|\bcusma\b|\bt-?mec\b", question, re.I):
            return list(self.settings.checks.usmca_spi_codes), "USMCA"
        return [], ""

    def topic(self, question: str, q: RecordQuery) -> str:
        """What payments are asked "for" that no slot places: kept to say what was looked for."""
        m = _TOPIC.search(question)
        if not m:
            return ""
        words = [w for w in m.group(1).lower().split() if w not in _QUESTION_WORDS and w not in STOPWORDS]
        if not words or q.categories or q.parts or q.vendors or q.hts:
            return ""
        return " ".join(words)

    # --- the question ----------------------------------------------------------------------------------

    def slots(self, question: str, named) -> RecordQuery:
        """Every slot a question fills but the measure: filters, dimension, order, number, date."""
        one = {"hts": named.hts, "part": named.parts, "entry": named.entries, "vendor": named.vendors}
        dimension, _ = self.dimension(question, frozenset(k for k, v in one.items() if len(v) == 1))
        if dimension is None and _BUYS.search(question):
            dimension = "part"  # "what do we buy from there?": the goods
        q = RecordQuery("", 0.0, LINES, dimension=dimension)
        q.period, q.parts, q.entries, q.payments = (
            named.period,
            list(named.parts),
            list(named.entries),
            list(named.payments),
        )
        q.vendors, q.vendor_phrase = list(named.vendors), named.vendor_phrase
        q.hts, q.mids = list(named.hts), list(named.mids)
        if not q.vendors and q.parts:  # "the KM-5200 supplier": a vendor whose name holds the part number
            by_part = sorted(v for v in self.facts.known.vendors if any(p.lower() in v.lower() for p in q.parts))
            if by_part and re.search(
                r"\b(supplier|vendor|payee|maker|manufacturer|factory|paid|pay)\b", question, re.I
            ):
                q.vendors, q.vendor_phrase, q.parts = by_part, ", ".join(by_part), []
        q.countries = countries().find(question, self.codes)
        q.program, q.program_name = self.program(question)
        q.gl = [g for g in self.gl_accounts if _names_gl(question, g)]
        q.categories = self.categories(question, [*q.vendors, *q.gl])
        q.psc = bool(re.search(r"\bpscs?\b|post[- ]summary correct", question, re.I))
        q.unknown_vendor = self.unknown_vendor(question, named)
        if DESC.search(question):
            q.order = "desc"
        elif ASC.search(question):
            q.order = "asc"
        if m := LIMIT.search(question):
            n = m.group(1) or m.group(2)
            q.limit = int(n) if n.isdigit() else NUMBERS[n.lower()]
            q.order = q.order or "desc"
        if FIRST.search(question):
            q.date_of = "first"
        elif LAST.search(question) and not re.search(r"\blast (year|yr|quarter|month)\b", question, re.I):
            q.date_of = "last"
        return q

    def measure_scores(self, question: str, named, q: RecordQuery) -> dict[str, float]:
        """How close the question (what it names taken out) is to each measure, with the closed-class
        words of counting ("how many") and summing ("how much", "total") counted in."""
        masked = _masked(question, named, q)
        _, _, scores = self._nearest(self.measure_vecs, self.measure_ids, self.embedder.embed_query(masked))
        if PART_OF_TOTAL.search(question):  # "duty, 301 included": the total, of which the additional duty is part
            scores = {k: v for k, v in scores.items() if MEASURE[k].where == ""}
        if COUNTING.search(question):
            return {k: v + (0.1 if MEASURE[k].agg == "count" else -0.1) for k, v in scores.items()}
        if SUM_WORDS.search(question):
            return {k: v + (0.1 if MEASURE[k].agg == "sum" else -0.1) for k, v in scores.items()}
        return scores

    def read(self, question: str, named, qvec) -> RecordQuery | None:
        """The record query a question asks, or None when it asks none (the measure is too far, or the
        question speaks of something no slot places: "the amount of our customs bond")."""
        q = self.slots(question, named)
        stray = self.unexplained(question, named, q)
        if (
            len(stray) > MAX_STRAY
        ):  # "which teams are supposed to give TC a heads up about payments": no record question
            return None
        paying = stray and PAYS.search(question) and self.has_payments
        paying = paying and not (q.entries or q.hts or q.program or q.payments)
        if paying and not LINE_NOUNS.search(question):
            q.topic = q.topic or " ".join(stray)  # "what did we spend on electricity": payments on that
        elif stray and not q.filters() and not q.dimension:
            return None
        tables = self._tables(q)
        if not tables:
            return None
        scores = self.measure_scores(question, named, q)
        candidates = {k: v for k, v in scores.items() if MEASURE[k].table in tables}
        if not candidates:
            return None
        # a vendor is a payee, and "spend", "paid" speak of payments: they lean to the payments, unless the
        # question asks for the lines' measure clearly ("how much duty did we pay")
        lean = VENDOR_LEAN * (bool(q.vendors) + bool(PAYS.search(question))) if PAYMENTS in tables else 0.0
        candidates = {k: v + (lean if MEASURE[k].table == PAYMENTS else 0.0) for k, v in candidates.items()}
        q.measure = max(candidates, key=lambda k: candidates[k])
        q.score = candidates[q.measure]
        measured = COUNTING.search(question) or SUM_WORDS.search(question)
        if q.dimension in LISTED and not measured and MEASURE[LISTED[q.dimension]].table in tables:
            if not q.order or q.measure == UNIT_COUNT.get(q.dimension):
                q.measure = LISTED[q.dimension]  # "which entries ...", "biggest payment": each with its value
        return self._finish(q, question, tables)

    def _finish(self, q: RecordQuery, question: str, tables: set[str]) -> RecordQuery | None:
        q.table = MEASURE[q.measure].table
        if q.dimension and q.table not in DIMENSION[q.dimension].columns:
            q.dimension = None
        if q.date_of and not (DATE_ASKED.search(question) or q.dimension or FIRST_UNIT.search(question)):
            q.date_of = None  # "the first payment of 2024" ranks; "when ... first", "last entry of X" ask a date
        if q.date_of and q.filters() and not q.dimension:  # "when did X first come in": the first entry of X
            q.measure = "entries" if LINES in tables else "payments"
            q.table = MEASURE[q.measure].table
            q.score = max(q.score, MIN_MEASURE)
        if q.table == PAYMENTS:
            q.topic = q.topic or self.topic(question, q)
        if _degenerate(q):
            return None
        return q if q.score >= MIN_MEASURE else None

    def follow(self, question: str, named, previous: dict) -> RecordQuery | None:
        """A follow-up read against the previous record query: each slot the follow-up fills replaces the
        previous query's slot of that kind (a period a period, a country a country), the rest is kept; its
        own measure counts when it asks one ("how many entries was that?"). None when it fills no slot and
        asks no measure (a question about a thing of the previous answer, for the facts)."""
        own = self.slots(question, named)
        base = from_dict(previous)
        filled = False
        for key in _FILTER_SLOTS:
            if getattr(own, key):
                setattr(base, key, getattr(own, key))
                filled = True
        if own.vendors:
            base.vendor_phrase = own.vendor_phrase
        if own.program:
            base.program_name = own.program_name
        asks = bool(COUNTING.search(question) or SUM_WORDS.search(question) or own.date_of or own.dimension)
        if asks:  # its own question over the same scope: the previous answer's shape does not carry
            base.dimension, base.order, base.limit, base.date_of = None, None, None, None
        for key in ("dimension", "order", "limit", "date_of"):
            if getattr(own, key):
                setattr(base, key, getattr(own, key))
                filled = True
        if COUNTING.search(question) or SUM_WORDS.search(question):
            scores = self.measure_scores(question, named, own)
            tables = self._tables(base) or {MEASURE[m].table for m in scores}
            ok = {k: v for k, v in scores.items() if MEASURE[k].table in tables}
            if ok:
                base.measure = max(ok, key=lambda k: ok[k])
                base.score, filled = max(base.score, ok[base.measure]), True
        elif own.dimension in LISTED and not own.order:
            base.measure = LISTED[own.dimension]  # "which entries are they?": the entries, with their value
        if not filled:
            return None
        _drop_foreign(base)
        return self._finish(base, question, {base.table})

    def unexplained(self, question: str, named, q: RecordQuery) -> list[str]:
        """The content words of a question (as written) that no slot, measure or dimension explains."""
        known = self._explained() | {stem(w) for v in q.vendors for w in re.findall(r"[a-z]+", v.lower())}
        words = dict.fromkeys(w for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 2)
        return [w for w in words if stem(w) not in known]

    @functools.cached_property
    def _vocabulary(self) -> frozenset[str]:
        words = set(_QUESTION_WORDS) | set(STOPWORDS) | set(_ORDER_WORDS.split()) | set(STOPWORDS_EN_PLUS)
        words |= set(_LIGHT_VERBS)
        for text in [d for m in MEASURES for d in m.descriptions] + [d for dm in DIMENSIONS for d in dm.descriptions]:
            words.update(re.findall(r"[a-z]+", text.lower()))
        for category, _kind, setting, _label, _law in _categories():
            words.update(w for phrase in getattr(self.settings.checks, setting) for w in phrase.split())
            words.add(category)
        words.update(w for name in countries().by_word for w in name.split())
        # the words the records themselves use for their goods and payees ("cat toy", "coveralls")
        look = self.facts.look
        for text in (
            look._set("SELECT DISTINCT description FROM products WHERE description IS NOT NULL")
            | look._set("SELECT DISTINCT description FROM entry_lines WHERE description IS NOT NULL")
            | set(self.facts.known.vendors)
        ):
            words.update(re.findall(r"[a-z]+", text.lower()))
        return frozenset(stem(w) for w in words)

    def _explained(self) -> frozenset[str]:
        return self._vocabulary

    @functools.cached_property
    def _facts_vocabulary(self) -> frozenset[str]:
        """The slots' words and those of the fact kinds' descriptions: what the records can be asked."""
        from assistant.answering.facts.registry import descriptions

        words = {w for _, text in descriptions() for w in re.findall(r"[a-z]+", text.lower())}
        words |= set("certificate certificates cert certs ruling rulings approved approve approval master".split())
        # the verbs and adverbs questions about a thing's facts use ("when did the cert run out", "does the
        # ruling actually agree")
        words |= set(
            "actually really even still just cite cites cited agree agrees run runs ran out end ends ended expire "
            "expires expired lapse lapsed cover covers covered say says said show shows mean means".split()
        )
        return self._vocabulary | frozenset(stem(w) for w in words)

    def unheld(self, question: str) -> list[str]:
        """The words of a question about a thing on record that neither a record slot nor a fact kind explains
        ("the gross weight on entry X", "ningbo's bank account number"): something the records do not hold.
        A payments question is left to its topic ("what did we spend on electricity")."""
        if PAYS.search(question):
            return []
        # the vendors' own words are in the vocabulary already (every payee on record): no slots to read
        known = self._facts_vocabulary
        words = dict.fromkeys(w for w in re.findall(r"[a-z]+", question.lower()) if len(w) > 2)
        return [w for w in words if stem(w) not in known]

    def unknown_vendor(self, question: str, named) -> str:
        """A payee named in capitals after "paid", "to", "from" that is no vendor of the payments."""
        from assistant.answering.facts.question import vendor_hits

        if named.vendors:
            return ""
        for m in _PAYEE.finditer(question):
            phrase = m.group(1).strip(" ?.,")
            words = [w for w in phrase.split() if w[:1].isupper()]
            if (
                len(words) >= 2
                and not vendor_hits(phrase, self.facts.vendor_words)
                and not countries().find(phrase, set())
            ):
                return phrase
        return ""

    def _tables(self, q: RecordQuery) -> set[str]:
        """The tables every filter and the dimension can apply to."""
        tables = {t for t, ok in ((LINES, self.has_lines), (PAYMENTS, self.has_payments)) if ok}
        if q.payments or q.categories or q.gl or q.topic or q.unknown_vendor:
            tables &= {PAYMENTS}  # a topic is looked for in the payments' GL accounts and memos
        if q.entries or q.hts or q.program or q.mids or q.psc:
            tables &= {LINES}
        if q.dimension:
            tables &= set(DIMENSION[q.dimension].columns)
        return tables


LISTED = {"entry": "value", "payment": "paid", "hts": "lines"}  # what a listing of these shows by default
UNIT_COUNT = {"entry": "entries", "payment": "payments", "part": "parts"}
VENDOR_LEAN = 0.06
# what only the entry lines hold: "duty we paid on 2024 entries - incl. 301" asks the lines, not payments
LINE_NOUNS = re.compile(r"\b(?:duty|duties|tariffs?|entered value|entries|entry lines)\b", re.I)
PAYS = re.compile(
    r"\b(spend|spent|paid|pay|pays|paying|payments?|payee|payout|shell(?:ed)? out|remit\w*|wired?)\b", re.I
)
FIRST_UNIT = re.compile(r"\b(first|last|latest|earliest|most recent)\s+(entry|entries|payment|shipment|import)\b", re.I)
_FILTER_SLOTS: tuple[str, ...] = ("period", "parts", "entries", "payments", "vendors", "hts", "mids", "countries")
_FILTER_SLOTS += ("program", "categories", "gl", "psc", "unknown_vendor")
_BUYS = re.compile(r"^\s*what\s+(?:do|did|does)\s+(?:we|you|they)\s+(?:buy|import|get|order|source|bring in)\b", re.I)
_PAYEE = re.compile(r"\b(?:paid|pay|to|from|with)\s+((?:[A-Z][\w&'.-]*\s?){2,6})")


def _names_gl(question: str, account: str) -> bool:
    """The question names a GL account: its number after "GL", "account" or "ledger", or its whole name."""
    number = account.split()[0]
    if re.search(rf"\b(?:gl|account|acct|ledger)\W+(?:\w+\W+)?{re.escape(number)}\b", question, re.I):
        return True
    return len(account) > 6 and account.lower() in question.lower()


def _degenerate(q: RecordQuery) -> bool:
    """Each item counted by itself over everything ("entries by entry" with nothing to filter by)."""
    own = {"entry": "entries", "payment": "payments", "part": "parts"}
    return bool(q.dimension and own.get(q.dimension) == q.measure and not q.filters())


def from_dict(d: dict) -> RecordQuery:
    """A query kept in a conversation's frame, read back."""
    from assistant.answering.conversation import period_of

    fields = {k: v for k, v in d.items() if k in RecordQuery.__dataclass_fields__}
    fields["period"] = period_of(d.get("period"))
    return RecordQuery(**fields)


def _drop_foreign(q: RecordQuery) -> None:
    """Filters of the other table's kind do not apply (a payments filter on entry lines)."""
    q.table = MEASURE[q.measure].table
    if q.table == PAYMENTS:
        q.entries, q.hts, q.program, q.mids, q.psc = [], [], [], [], False
    else:
        q.payments, q.categories, q.gl, q.topic, q.unknown_vendor = [], [], [], "", ""


def _categories():
    from assistant.checks.valuation import CATEGORIES

    return CATEGORIES


def _flat(pairs) -> tuple[list[str], list[str]]:
    ids, texts = [], []
    for key, descriptions in pairs:
        for d in descriptions:
            ids.append(key)
            texts.append(d)
    return ids, texts


def _masked(question: str, named, q: RecordQuery) -> str:
    """The question without the things it names, so its wording of the measure decides."""
    text = question
    for thing in [*named.parts, *named.entries, *named.payments, *named.hts, *named.mids]:
        text = re.sub(re.escape(thing), " ", text, flags=re.I)
    for vendor in named.vendors:
        for word in re.findall(r"[A-Za-z]{4,}", vendor):
            text = re.sub(rf"\b{re.escape(word)}\b", " ", text, flags=re.I)
    text = re.sub(r"\b(19|20)\d{2}\b", " ", text)
    return " ".join(text.split()) or question
