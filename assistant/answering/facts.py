"""Facts from the records: what the product master, the entry lines, the payments, the certificates
and the parsed rulings say about the things a question names, each fact cited to its rows.

How a question reaches a fact, without a language model:
1. **Things named.** Entry, part, invoice, payment, certificate and manufacturer (MID) ids are matched
   against the ids the records hold; ruling and HTS numbers by their shape; vendors by a distinctive
   word of their name ("Haitian" for "Ningbo Haitian Precision Mould Co."), or by their role ("the
   licensor": the one vendor paid royalties); periods ("in 2024", "last quarter", "between
   2024-01-01 and 2024-06-30"). A labelled id the records do not hold ("part ZZ-9999") is refused by
   name, never answered with a loose quote.
2. **What is asked.** Each kind of fact has short descriptions; the question's embedding (the one
   retrieval computes anyway) is compared with them, among the kinds whose thing the question names.
   The best kind above ``MIN_INTENT`` is answered; a question about a rule or a procedure that names
   nothing goes to the documents, one that asks for findings to the checks (``routing``).
3. **The value first.** The fact states the value asked for, its scope and its source rows; the
   documents' sentences follow as support (``Assistant.ask``).

Every record citation names the ingested file, its data rows (1 = the first row after the header),
the fields as stored from those rows (original headers and text), the value stated and how it was
computed (DATA-FORMATS section 5).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from assistant import normalize as nz
from assistant.answering.routing import DATA, POLICY
from assistant.formats import day, money
from assistant.stores.lookups import Known, Lookups, fields_of

MIN_INTENT = 0.38  # cosine similarity of the question to a fact kind's description, below which no fact is given
MAX_ROWS = 50  # rows listed in a citation; row_count gives all

# --- the kinds of fact, by the thing they need, with descriptions the question is compared with ----

INTENTS: dict[str, tuple[str, list[str]]] = {
    "part_hts": (
        "part",
        [
            "What HTS number is the part classified under in our product master?",
            "How is the part classified? What is its tariff classification?",
            "What HTS code do we use for this part?",
        ],
    ),
    "part_ruling": (
        "part",
        ["Which CBP ruling do we rely on for the part?", "What ruling supports the classification of this part?"],
    ),
    "part_origin": (
        "part",
        ["What country of origin do we declare for the part?", "Where is the part made? Which country?"],
    ),
    "part_mid": (
        "part",
        ["Which manufacturer ID do we declare for the part?", "Who manufactures this part? What is its MID?"],
    ),
    "part_totals": (
        "part",
        [
            "How much of the part did we import? Total entered value, entries and lines of the part",
            "How many entries included this part?",
        ],
    ),
    "part_what": ("part", ["What is the part?", "Describe the part: its description in the product master"]),
    "part_payments": ("part", ["What payments relate to the part? Did we pay for tooling or royalties on it?"]),
    "part_certificate": (
        "part",
        [
            "Is the part covered by a USMCA certificate of origin?",
            "What blanket period does the certification for the part cover?",
        ],
    ),
    "entry_value": ("entry", ["What is the total entered value of the entry?", "How much was the entry worth?"]),
    "entry_duty": ("entry", ["How much duty was paid on the entry?", "What duty did we pay for this entry?"]),
    "entry_parts": (
        "entry",
        ["Which part numbers were on the entry?", "What goods or products were imported on this entry?"],
    ),
    "entry_hts": ("entry", ["Which HTS numbers were declared on the entry?", "How were the entry's lines classified?"]),
    "entry_docs": ("entry", ["Which documents are on file for the entry?", "Do we have the invoice for this entry?"]),
    "entry_dates": (
        "entry",
        ["When was the entry filed? What is its entry summary date?", "What is the entry date of the entry?"],
    ),
    "entry_invoice": ("entry", ["What is the commercial invoice number for the entry?"]),
    "entry_review": ("entry", ["Was the entry reviewed by the broker? Who reviewed the entry and when?"]),
    "entry_origin": ("entry", ["What country of origin was declared on the entry?"]),
    "invoice_entry": ("invoice", ["Which entry was the invoice filed on?", "Which entry does this invoice belong to?"]),
    "payment_what": (
        "payment",
        [
            "What was the payment for?",
            "How much was the payment, when was it paid and to whom?",
            "Is this payment an assist or a royalty?",
        ],
    ),
    "vendor_total": (
        "vendor",
        ["How much have we paid the vendor in total?", "What are our payments to this supplier?"],
    ),
    "vendor_mid": ("vendor", ["What is the vendor's manufacturer ID (MID)?"]),
    "mid_lines": (
        "mid",
        ["What do we import from this manufacturer?", "Which parts and countries are declared with this MID?"],
    ),
    "certificate_what": (
        "certificate",
        ["What does the certificate cover? Which part, producer and blanket period?"],
    ),
    "ruling_subject": ("ruling", ["What is the ruling about?", "What was the subject of the ruling request?"]),
    "ruling_date": ("ruling", ["When was the ruling issued? What is its date?"]),
    "ruling_tariff": (
        "ruling",
        [
            "What did the ruling classify and under which tariff number?",
            "What HTS subheading did the ruling assign?",
            "How did the ruling classify the goods, and where?",
            "What tariff number did the ruling give?",
        ],
    ),
    "ruling_parts": ("ruling", ["Which of our parts rely on this ruling?"]),
    "hts_parts": (
        "hts",
        ["Which parts are classified under this HTS number?", "What do we import under this subheading?"],
    ),
    "period_entries": (
        "period",
        ["How many entries did we file in the period?", "Number of entry summaries filed that year"],
    ),
    "period_duty": ("period", ["How much duty did we pay in the period?", "Total duty paid that year"]),
    "period_value": (
        "period",
        ["What was the total entered value of our imports in the period?", "How much did we import that year?"],
    ),
    "period_payments": (
        "period",
        ["How much did we pay foreign suppliers in the period?", "Total payments to vendors that year"],
    ),
}

_GENERIC_NAME_WORDS = frozenset(
    "co co. corp corporation company ltd ltd. limited inc inc. llc gmbh ag sa s.a. de c.v. cv srl spa bv plc "
    "the and of & trading industrial industries industry manufacturing manufacturer international group holdings "
    "import export products product factory works enterprise enterprises technology technologies supplier "
    "suppliers vendor vendors manufacturer manufacturers company".split()
)
_ROLES = {
    "licensor": "royalty",
    "licenser": "royalty",
    "licence holder": "royalty",
    "license holder": "royalty",
    "brand owner": "royalty",
    "toolmaker": "tooling",
    "tool maker": "tooling",
    "mold maker": "tooling",
    "mould maker": "tooling",
    "tooling supplier": "tooling",
}
_LABELLED = re.compile(
    r"\b(part|sku|item|style|article|payment|invoice|certificate|entry|ruling|mid|manufacturer id)"
    r"\s*(?:no\.?|number|#|id)?\s*:?\s+([A-Za-z0-9][A-Za-z0-9\-/.]*\d[A-Za-z0-9\-/.]*)",
    re.I,
)
_YEAR = re.compile(
    r"\b(?:in|during|for|of|over|throughout|since)\s+(?:the\s+)?(?:year\s+|fy\s*|calendar\s+year\s+)?((?:19|20)\d{2})\b",
    re.I,
)
_QUARTER = re.compile(
    r"\bq([1-4])\s*(?:of\s+)?((?:19|20)\d{2})\b|\b(first|second|third|fourth)\s+quarter\s+(?:of\s+)?((?:19|20)\d{2})\b",
    re.I,
)
_MONTHS = "january february march april may june july august september october november december".split()
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d{2})\b", re.I)
_RANGE = re.compile(
    r"\b(?:between|from)\s+(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\s+(?:and|to|through|until)\s+"
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})\b",
    re.I,
)
_ORDINAL_Q = {"first": 1, "second": 2, "third": 3, "fourth": 4}
# what to quote from a ruling letter for each fact: its subject (RE: and the lines that continue it), its
# date (a month name, the day and the year, possibly over two lines), its TARIFF NO. line
RULING_QUOTES = {
    "subject": r"RE:[^\n]*(?:\n[ \t]*[^\s][^\n]*)*",
    "date": r"\b(?:"
    + "|".join(
        m.capitalize()
        for m in "january february march april may june july august september october november december".split()
    )
    + r")\s+\d{1,2},\s*\d{4}",
    "tariff": r"TARIFF NO\.?:?[^\n]*",
}


def entry_pattern(entry: str) -> str:
    """A line of a document that names the entry, in either spelling (ABC-1234567-8 or ABC12345678)."""
    filer, number, check = entry.split("-")
    return rf"[^\n]*{filer}[- ]?{number}[- ]?{check}[^\n]*"


@dataclass
class Period:
    start: dt.date
    end: dt.date
    label: str  # "in 2024", "in Q3 2025", "from 2024-01-01 to 2024-06-30"


@dataclass
class Named:
    """What a question names, resolved against the records."""

    parts: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    payments: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    mids: list[str] = field(default_factory=list)
    rulings: list[str] = field(default_factory=list)
    hts: list[str] = field(default_factory=list)
    vendors: list[str] = field(default_factory=list)
    vendor_phrase: str = ""
    period: Period | None = None
    unknown: list[str] = field(default_factory=list)  # "no part ZZ-9999 in the records"

    def kinds(self) -> set[str]:
        out = {
            k
            for k in ("parts", "entries", "invoices", "payments", "certificates", "mids", "rulings", "hts", "vendors")
            if getattr(self, k)
        }
        names = {
            "parts": "part",
            "entries": "entry",
            "invoices": "invoice",
            "payments": "payment",
            "certificates": "certificate",
            "mids": "mid",
            "rulings": "ruling",
            "hts": "hts",
            "vendors": "vendor",
        }
        kinds = {names[k] for k in out}
        if self.period:
            kinds.add("period")
        return kinds

    def any(self) -> bool:
        return bool(self.kinds() or self.unknown)


@dataclass
class Source:
    """One record citation (DATA-FORMATS section 5), numbered when the answer is composed."""

    table: str
    file: str
    rows: list[int]
    fields: dict
    value: str
    how: str
    row_count: int = 0

    def citation(self, n: int):
        """This source as the answer's record citation number ``n``."""
        from assistant.answering.answer import Citation

        return Citation(
            n=n,
            source=self.file,
            kind="record",
            table=self.table,
            rows=self.rows,
            row_count=self.row_count,
            fields=self.fields,
            value=self.value,
            how=self.how,
        )


@dataclass
class Fact:
    """One sentence of the answer: ``text`` holds ``{0}``, ``{1}`` ... where its sources' markers go."""

    kind: str
    text: str
    sources: list[Source] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)  # (path, regex of the text to quote there)


@dataclass
class FactAnswer:
    kind: str | None
    score: float
    facts: list[Fact]
    refusal: str = ""
    named: Named | None = None

    def support_query(self, look: Lookups) -> tuple[str, str] | None:
        """For a fact about a ruling: (the ruling, a query for the sentence of the letter that states the
        subheading), so the answer quotes it beside the parsed fields."""
        n = self.named
        if not n or not (self.kind or "").startswith(("ruling_", "part_ruling")):
            return None
        numbers = list(n.rulings)
        if not numbers:
            for part in n.parts:
                row = look.product(part)
                if row and row.get("ruling_number"):
                    numbers.append(row["ruling_number"])
        r = look.ruling(numbers[0]) if numbers else None
        if r is None:
            return None
        subject = re.sub(
            r"^the tariff classification (and country of origin )?of (an? |the )?", "", r["subject"] or "", flags=re.I
        )
        return r["ruling_number"], f"The applicable subheading for the {subject} will be"


# --- what the question names ----------------------------------------------------------------------


def _tokens(question: str) -> set[str]:
    return {t.strip(".,;:?!()[]'\"").upper() for t in re.split(r"\s+", question) if t.strip(".,;:?!()[]'\"")}


def distinctive_words(vendors: set[str]) -> dict[str, set[str]]:
    """{word: vendors whose name has it}, for the words of vendor names that single out one or two of them:
    not legal-form filler, and not a word most names share ("Supplier of ...", "Trading")."""
    out: dict[str, set[str]] = defaultdict(set)
    for v in vendors:
        for w in re.findall(r"[A-Za-z][A-Za-z'&.-]{2,}", v):
            w = w.lower().strip(".")
            if w not in _GENERIC_NAME_WORDS and len(w) >= 4:
                out[w].add(v)
    most = max(2, len(vendors) // 10)
    return {w: vs for w, vs in out.items() if len(vs) <= most}


def vendor_hits(text: str, vendor_words: dict[str, set[str]], as_names: bool = False) -> Counter[str]:
    """{vendor: how many of its distinctive words ``text`` has}; ``as_names``: only words written as a
    name, capitalised ("Everbright"), not prose that happens to hold a word of a name ("for tooling")."""
    pattern = r"\b[A-Z][A-Za-z'&.-]{2,}" if as_names else r"[A-Za-z][A-Za-z'&.-]{2,}"
    hits: Counter[str] = Counter()
    for w in {w.lower().strip(".") for w in re.findall(pattern, text)}:
        for v in vendor_words.get(w, ()):
            hits[v] += 1
    return hits


def find_period(question: str, today: dt.date) -> Period | None:
    q = question
    if m := _RANGE.search(q):
        a, b = nz.date(m.group(1)), nz.date(m.group(2))
        if a and b:
            return Period(min(a, b), max(a, b), f"from {day(min(a, b))} to {day(max(a, b))}")
    if m := _QUARTER.search(q):
        n = int(m.group(1)) if m.group(1) else _ORDINAL_Q[m.group(3).lower()]
        year = int(m.group(2) or m.group(4))
        start = dt.date(year, 3 * n - 2, 1)
        end = (dt.date(year + (n == 4), (3 * n) % 12 + 1, 1)) - dt.timedelta(days=1)
        return Period(start, end, f"in Q{n} {year}")
    if m := _MONTH.search(q):
        month, year = _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2))
        end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(dt.date(year, month, 1), end, f"in {m.group(1).capitalize()} {year}")
    if re.search(r"\blast quarter\b", q, re.I):
        n = (today.month - 1) // 3  # the quarter before the current one
        year = today.year if n else today.year - 1
        n = n or 4
        start = dt.date(year, 3 * n - 2, 1)
        end = dt.date(year + (n == 4), (3 * n) % 12 + 1, 1) - dt.timedelta(days=1)
        return Period(start, end, f"last quarter (Q{n} {year})")
    if re.search(r"\blast year\b", q, re.I):
        y = today.year - 1
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"last year ({y})")
    if re.search(r"\bthis year\b|\byear to date\b|\bytd\b", q, re.I):
        return Period(dt.date(today.year, 1, 1), today, f"this year ({today.year}, to {day(today)})")
    if m := _YEAR.search(q):
        y = int(m.group(1))
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"in {y}")
    return None


def resolve(
    question: str,
    ids: dict[str, set[str]],
    known: Known,
    vendor_words: dict[str, set[str]],
    role_vendors: dict[str, set[str]],
    today: dt.date,
) -> Named:
    """What ``question`` names, matched against the records (``ids``: the identifiers retrieval found)."""
    named = Named()
    tokens = _tokens(question)
    upper = {k.upper(): k for k in known.payments | known.certificates | known.mids}
    named.entries = sorted(e for e in ids.get("entry", set()) if e in known.entries)
    named.parts = sorted(p for p in ids.get("part", set()) if p in known.parts)
    named.invoices = sorted(i for i in ids.get("invoice", set()) | (tokens & known.invoices) if i in known.invoices)
    named.payments = sorted(upper[t] for t in tokens if t in upper and upper[t] in known.payments)
    named.certificates = sorted(upper[t] for t in tokens if t in upper and upper[t] in known.certificates)
    named.mids = sorted(upper[t] for t in tokens if t in upper and upper[t] in known.mids)
    named.rulings = sorted(ids.get("ruling", set()))
    named.hts = sorted(ids.get("hts", set()))
    # entries named but not on record; rulings not ingested
    named.unknown += [f"no entry {e} in the entry lines" for e in sorted(ids.get("entry", set()) - known.entries)]
    named.unknown += [f"no ruling {r} among the ingested rulings" for r in named.rulings if r not in known.rulings]
    named.rulings = [r for r in named.rulings if r in known.rulings]
    # a labelled id the records do not hold ("part ZZ-9999", "payment 88812")
    have = set(named.parts) | set(named.payments) | set(named.certificates) | set(named.mids) | set(named.invoices)
    for label, value in _LABELLED.findall(question):
        v, label = value.upper().rstrip(".-/"), label.lower()
        if v in have or v in known.entries or nz.entry_number(v) in known.entries:
            continue
        if label in ("entry", "ruling"):
            continue  # handled above by their own shapes
        if nz.hts_number(v) and label not in ("part", "sku", "item", "style", "article"):
            continue
        what = {
            "sku": "part",
            "item": "part",
            "style": "part",
            "article": "part",
            "manufacturer id": "MID",
            "mid": "MID",
        }.get(label, label)
        where = {
            "part": "the product master, entry lines, payments or certificates",
            "payment": "the payments",
            "invoice": "the entry lines",
            "certificate": "the certificates",
            "MID": "the entry lines or payments",
        }
        named.unknown.append(f"no {what} {v} in {where.get(what, 'the records')}")
    # vendors: a distinctive word of their name, or their role
    hits = vendor_hits(question, vendor_words)
    if hits:
        best = max(hits.values())
        named.vendors = sorted(v for v, n in hits.items() if n == best)
        named.vendor_phrase = ", ".join(named.vendors)
    else:
        for role, words_key in _ROLES.items():
            if re.search(rf"\b{role}s?\b", question, re.I):
                vendors = role_vendors.get(words_key, set())
                if len(vendors) == 1:
                    named.vendors = sorted(vendors)
                    named.vendor_phrase = f"the {role} ({next(iter(vendors))})"
                elif vendors:
                    named.unknown.append(
                        f"'the {role}' could be any of {len(vendors)} vendors ({', '.join(sorted(vendors))}): name one"
                    )
                break
    named.period = find_period(question, today)
    return named


# --- stating facts --------------------------------------------------------------------------------


def _cite(table: str, rows: list[dict], columns: list[str], value: str, how: str) -> list[Source]:
    """Record citations for ``rows`` (one per source file), the stored fields of ``columns``."""
    by_file: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_file[r["source_file"]].append(r)
    out = []
    for file, rs in by_file.items():
        fields = fields_of(table, rs[0], columns) if len(rs) == 1 else {}
        if len(rs) > 1 and columns:
            # fields common to every row (e.g. the part or entry the rows share)
            first = fields_of(table, rs[0], columns)
            fields = {h: v for h, v in first.items() if all(fields_of(table, r, columns).get(h) == v for r in rs)}
        out.append(
            Source(
                table=table,
                file=file,
                rows=[int(r["source_row"]) for r in rs[:MAX_ROWS]],
                fields=fields,
                value=value,
                how=how + (f" (rows of {file}; {len(by_file)} files in all)" if len(by_file) > 1 else ""),
                row_count=len(rs),
            )
        )
    return out


def _markers(sources: list[Source]) -> str:
    return "".join("{" + str(i) + "}" for i in range(len(sources)))


def _num(x) -> str:
    return f"{x:,}"


def _sum(rows: list[dict], col: str) -> Decimal:
    return sum((r[col] or Decimal(0) for r in rows), Decimal(0))


class RecordFacts:
    """States facts about the things a question names; built once per ``Assistant`` (stores open)."""

    def __init__(self, con, settings, embedder):
        self.look = Lookups(con)
        self.settings = settings
        self.embedder = embedder
        self.known = self.look.known()
        self.vendor_words = distinctive_words(self.known.vendors)
        self.role_vendors = self._role_vendors()
        descriptions = [(k, d) for k, (_, ds) in INTENTS.items() for d in ds]
        vecs = np.asarray(embedder.embed([d for _, d in descriptions]), dtype=np.float32)
        self._intent_vecs = vecs
        self._intent_of = [k for k, _ in descriptions]

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
        return resolve(question, ids, self.known, self.vendor_words, self.role_vendors, self.settings.today)

    def intent_scores(self, qvec) -> dict[str, float]:
        q = np.asarray(qvec, dtype=np.float32)
        sims = self._intent_vecs @ q / (np.linalg.norm(self._intent_vecs, axis=1) * (np.linalg.norm(q) or 1.0))
        out: dict[str, float] = {}
        for kind, s in zip(self._intent_of, sims):
            out[kind] = max(out.get(kind, -1.0), float(s))
        return out

    def answer(self, question: str, qvec, ids: dict[str, set[str]]) -> FactAnswer | None:
        """The facts that answer ``question`` (None: the records do not answer it; ask the documents)."""
        named = self.named(question, ids)
        if not named.any():
            return None
        refusal = "; ".join(named.unknown)
        kinds = named.kinds()
        if kinds <= {"vendor", "period"} and POLICY.search(question) and not DATA.search(question):
            return None  # a rule or a procedure ("When must payments to suppliers in 2024 be reported?")
        if not kinds:
            return FactAnswer(None, 0.0, [], refusal=refusal[0].upper() + refusal[1:] + ".")
        scores = self.intent_scores(qvec)
        candidates = sorted(((s, k) for k, s in scores.items() if INTENTS[k][0] in kinds), reverse=True)
        if not candidates or candidates[0][0] < MIN_INTENT:
            return FactAnswer(None, candidates[0][0] if candidates else 0.0, [], refusal=_sentence(refusal))
        score, kind = candidates[0]
        facts = getattr(self, f"_{kind}")(named)
        return FactAnswer(kind, score, [f for f in facts if f], refusal=_sentence(refusal), named=named)

    # --- parts ------------------------------------------------------------------------------------

    def _master(self, part: str, columns: list[str], value: str, how: str) -> tuple[dict | None, list[Source]]:
        row = self.look.product(part)
        if row is None:
            return None, []
        return row, _cite("products", [row], ["part_number", *columns], value, how)

    def _part_hts(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            row, src = self._master(part, ["hts", "ruling_number"], "", "")
            if row is not None:
                src[0].value, src[0].how = row["hts"], f"the product master's HTS Number for {part}"
                ruling = f"; ruling {row['ruling_number']} cited" if row.get("ruling_number") else ""
                out.append(
                    Fact(
                        "part_hts", f"{part} is classified under {row['hts']} in the product master {{0}}{ruling}.", src
                    )
                )
            else:
                out.append(Fact("part_hts", f"{part} is not in the product master.", []))
            out += self._declared(part, "hts", "HTS")
        return out

    def _declared(self, part: str, col: str, label: str) -> list[Fact]:
        """What the entry lines declared for the part in ``col``: each value with its lines, entries and dates."""
        lines = self.look.part_lines(part)
        if not lines:
            return [Fact("declared", f"No entry line declares {part}.", [])]
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in lines:
            groups[str(r[col] or "(blank)")].append(r)
        parts: list[str] = []
        sources: list[Source] = []
        for value, rs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            entries = {r["entry_number"] for r in rs}
            how = f"entry lines of {part} (main tariff ordinal) declaring {label} {value}, counted"
            src = _cite("entry_lines", rs, ["part_number", col], value, how)
            marks = "".join("{" + str(len(sources) + i) + "}" for i in range(len(src)))
            sources += src
            parts.append(
                f"{label} {value} on {_num(len(rs))} line(s) of {_num(len(entries))} entr{'y' if len(entries) == 1 else 'ies'}, "
                f"{day(min(r['entry_summary_date'] for r in rs))} to {day(max(r['entry_summary_date'] for r in rs))} {marks}"
            )
        return [Fact(f"declared_{col}", f"The entry lines declare {part} with " + "; ".join(parts) + ".", sources)]

    def _part_ruling(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            row, src = self._master(part, ["ruling_number", "hts"], "", "")
            if row is None:
                out.append(Fact("part_ruling", f"{part} is not in the product master.", []))
                continue
            ruling = row.get("ruling_number")
            src[0].value = ruling or "(none)"
            src[0].how = f"the product master's Ruling Number for {part}"
            if not ruling:
                out.append(Fact("part_ruling", f"The product master cites no ruling for {part} {{0}}.", src))
                continue
            out.append(Fact("part_ruling", f"The product master relies on ruling {ruling} for {part} {{0}}.", src))
            r = self.look.ruling(ruling)
            if r:
                out.append(
                    Fact(
                        "ruling",
                        f"Ruling {ruling} ({day(r['ruling_date'])}) classifies under "
                        f"{', '.join(r['tariff_numbers'] or []) or 'no tariff number read'}: "
                        f"{(r['subject'] or '').rstrip(' .')}.".replace(": .", "."),
                        [],
                        documents=[(r["path"], RULING_QUOTES["tariff"])],
                    )
                )
            else:
                out.append(Fact("ruling", f"Ruling {ruling} is not among the ingested rulings.", []))
        return out

    def _part_origin(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            row, src = self._master(part, ["country_of_origin"], "", "")
            if row is not None:
                src[0].value = row.get("country_of_origin") or "(blank)"
                src[0].how = f"the product master's Country of Origin for {part}"
                out.append(
                    Fact(
                        "part_origin",
                        f"The product master gives {part} the country of origin "
                        f"{row.get('country_of_origin') or '(blank)'} {{0}}.",
                        src,
                    )
                )
            out += self._declared(part, "country_of_origin", "origin")
        return out

    def _part_mid(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            out += self._declared(part, "mid", "MID")
        return out

    def _part_totals(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            lines = self.look.part_lines(part)
            if not lines:
                out.append(Fact("part_totals", f"No entry line declares {part}.", []))
                continue
            value = _sum(lines, "value")
            entries = {r["entry_number"] for r in lines}
            src = _cite(
                "entry_lines",
                lines,
                ["part_number", "value"],
                money(value),
                f"sum of the entered value over the {len(lines)} main-ordinal lines of {part}",
            )
            out.append(
                Fact(
                    "part_totals",
                    f"{part}: {_num(len(lines))} entry line(s) on {_num(len(entries))} entries, "
                    f"entered value {money(value)}, {day(lines[0]['entry_summary_date'])} to "
                    f"{day(lines[-1]['entry_summary_date'])} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _part_what(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            row, src = self._master(part, ["description", "hts", "country_of_origin"], "", "")
            if row is None:
                lines = self.look.part_lines(part)
                if lines:
                    d = next((r["description"] for r in lines if r.get("description")), None)
                    src = _cite(
                        "entry_lines",
                        lines[:1],
                        ["part_number", "description"],
                        d or "",
                        f"the Line Description of {part} on an entry line",
                    )
                    out.append(
                        Fact(
                            "part_what",
                            f"{part} is not in the product master; an entry line describes it as '{d}' {{0}}."
                            if d
                            else f"{part} is not in the product master.",
                            src if d else [],
                        )
                    )
                continue
            src[0].value, src[0].how = row.get("description") or "", f"the product master's Description of {part}"
            out.append(
                Fact(
                    "part_what",
                    f"{part} is '{row.get('description')}' in the product master, HTS "
                    f"{row['hts']}, origin {row.get('country_of_origin') or '(blank)'} {{0}}.",
                    src,
                )
            )
        return out

    def _part_payments(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            pays = self.look.payments_for_part(part)
            if not pays:
                out.append(Fact("part_payments", f"No payment in the payments names {part}.", []))
                continue
            total = _sum(pays, "amount")
            src = _cite(
                "payments",
                pays,
                ["part_number", "payment_id", "amount"],
                money(total),
                f"sum of Amount over the {len(pays)} payments naming {part}",
            )
            items = "; ".join(
                f"{p['payment_id']} {money(p['amount'])} on {day(p['payment_date'])} to "
                f"{p.get('vendor_name') or '?'} ({p.get('memo') or p.get('gl_account') or ''})"
                for p in pays[:10]
            )
            out.append(
                Fact(
                    "part_payments",
                    f"{len(pays)} payment(s) name {part}, {money(total)} in all: {items} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _part_certificate(self, named: Named) -> list[Fact]:
        out = []
        for part in named.parts:
            certs = self.look.certificates_for(part)
            if not certs:
                out.append(Fact("part_certificate", f"No certificate in the certificates covers {part}.", []))
                continue
            srcs: list[Source] = []
            items = []
            for c in certs:
                s = _cite(
                    "certificates",
                    [c],
                    ["certificate_id", "program", "part_number", "blanket_start", "blanket_end"],
                    f"{day(c['blanket_start'])} to {day(c['blanket_end'])}",
                    f"the blanket period of certificate {c['certificate_id']}",
                )
                items.append(
                    f"{c['program']} certificate {c['certificate_id']} covers {day(c['blanket_start'])} to "
                    f"{day(c['blanket_end'])}"
                    + (f" (producer {c['producer']})" if c.get("producer") else "")
                    + " {"
                    + str(len(srcs))
                    + "}"
                )
                srcs += s
            out.append(Fact("part_certificate", f"{part}: " + "; ".join(items) + ".", srcs))
            claims = [
                r for r in self.look.part_lines(part) if (r.get("spi") or "") in self.settings.checks.usmca_spi_codes
            ]
            if claims:
                uncovered = [
                    r
                    for r in claims
                    if not any(
                        c["blanket_start"] <= (r.get("entry_date") or r["entry_summary_date"]) <= c["blanket_end"]
                        for c in certs
                    )
                ]
                src = _cite(
                    "entry_lines",
                    claims,
                    ["part_number", "spi"],
                    str(len(uncovered)),
                    f"USMCA claims (SPI {'/'.join(self.settings.checks.usmca_spi_codes)}) on {part}, by entry date against the blanket periods",
                )
                out.append(
                    Fact(
                        "coverage",
                        f"Of {len(claims)} USMCA claim line(s) on {part}, {len(uncovered)} fall outside "
                        f"every blanket period {_markers(src)}.",
                        src,
                    )
                )
        return out

    # --- entries ------------------------------------------------------------------------------------

    def _entry_rows(self, entry: str) -> list[dict]:
        return self.look.entry_lines(entry)

    def _entry_value(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = self._entry_rows(e)
            value = _sum(rows, "value")
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "value"],
                money(value),
                f"sum of Line Tariff Goods Value Amount over the entry's {len(rows)} rows",
            )
            n_lines = len({r["line_number"] for r in rows})
            out.append(
                Fact(
                    "entry_value",
                    f"The total entered value of entry {e} is {money(value)} over {n_lines} line(s) {_markers(src)}.",
                    src,
                )
            )
        return out

    def _entry_duty(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = self._entry_rows(e)
            duty = _sum(rows, "duty")
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "duty"],
                money(duty),
                f"sum of Line Tariff Duty Amount over the entry's {len(rows)} rows (every tariff ordinal)",
            )
            out.append(Fact("entry_duty", f"The duty on entry {e} is {money(duty)} {_markers(src)}.", src))
        return out

    def _entry_parts(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = [r for r in self._entry_rows(e) if (r.get("tariff_ordinal") or 1) == 1]
            parts = sorted({r["part_number"] for r in rows if r.get("part_number")})
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "part_number"],
                ", ".join(parts),
                "the Part Number of each line of the entry",
            )
            lines = "; ".join(
                f"line {r['line_number']}: {r.get('part_number') or '(no part)'} "
                f"{('(' + r['description'] + ') ') if r.get('description') else ''}HTS {r['hts']}, "
                f"{money(r['value'])}"
                for r in rows[:20]
            )
            out.append(
                Fact(
                    "entry_parts",
                    f"Entry {e} has {len(rows)} line(s) with part number(s) {', '.join(parts) or 'none given'}: "
                    f"{lines} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _entry_hts(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = self._entry_rows(e)
            hts = sorted({r["hts"] for r in rows})
            src = _cite(
                "entry_lines", rows, ["entry_number", "hts"], ", ".join(hts), "the HTS numbers of the entry's rows"
            )
            out.append(Fact("entry_hts", f"Entry {e} declares HTS {', '.join(hts)} {_markers(src)}.", src))
        return out

    def _entry_docs(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            docs = self.look.entry_documents(e)
            need = self.settings.checks.required_documents
            have = {k for k, _ in docs}
            missing = [k.replace("_", " ") for k in need if k not in have]
            listed = "; ".join(f"{k.replace('_', ' ')} {p}" for k, p in docs) or "none"
            text = f"Documents on file for entry {e}: {listed}."
            text += (
                f" Missing of those required: {', '.join(missing)}."
                if missing
                else " Every required document is on file."
            )
            out.append(Fact("entry_docs", text, [], documents=[(p, entry_pattern(e)) for _, p in docs[:3]]))
        return out

    def _entry_dates(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = self._entry_rows(e)[:1]
            if not rows:
                continue
            r = rows[0]
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "entry_summary_date", "entry_date", "port_code"],
                day(r["entry_summary_date"]),
                "the Entry Summary Date of the entry's first line",
            )
            entry_date = f", entry date {day(r['entry_date'])}" if r.get("entry_date") else ""
            port = f", port {r['port_code']}" if r.get("port_code") else ""
            out.append(
                Fact(
                    "entry_dates",
                    f"Entry {e} was summarized on {day(r['entry_summary_date'])}{entry_date}{port} {_markers(src)}.",
                    src,
                )
            )
            psc = [x for x in self._entry_rows(e) if x.get("psc")]
            if psc:
                s = _cite(
                    "entry_lines",
                    psc,
                    ["entry_number", "psc"],
                    str(len(psc)),
                    "the entry's lines with the Post Summary Correction Indicator Y",
                )
                out.append(
                    Fact(
                        "entry_psc",
                        f"A post-summary correction is indicated on {len(psc)} of its rows {_markers(s)}.",
                        s,
                    )
                )
        return out

    def _entry_invoice(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = [r for r in self._entry_rows(e) if r.get("invoice_number")]
            invoices = sorted({r["invoice_number"] for r in rows})
            if not invoices:
                out.append(Fact("entry_invoice", f"The entry lines of {e} give no commercial invoice number.", []))
                continue
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "invoice_number"],
                ", ".join(invoices),
                "the Commercial Invoice Number on the entry's lines",
            )
            out.append(
                Fact(
                    "entry_invoice",
                    f"The entry lines of {e} give commercial invoice {', '.join(invoices)} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _entry_review(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            reviews = self.look.entry_reviews(e)
            if not reviews:
                out.append(Fact("entry_review", f"The broker review log has no review of entry {e}.", []))
                continue
            src = _cite(
                "broker_reviews",
                reviews,
                ["entry_number", "reviewed_by", "review_date", "result"],
                day(reviews[-1]["review_date"]),
                "the reviews of the entry in the broker review log",
            )
            items = "; ".join(
                f"{r.get('reviewed_by') or '?'} on {day(r['review_date'])} ({r.get('result') or 'no result'})"
                for r in reviews
            )
            out.append(Fact("entry_review", f"Entry {e} was reviewed: {items} {_markers(src)}.", src))
        return out

    def _entry_origin(self, named: Named) -> list[Fact]:
        out = []
        for e in named.entries:
            rows = [r for r in self._entry_rows(e) if (r.get("tariff_ordinal") or 1) == 1]
            origins = sorted({r["country_of_origin"] for r in rows if r.get("country_of_origin")})
            src = _cite(
                "entry_lines",
                rows,
                ["entry_number", "country_of_origin", "mid"],
                ", ".join(origins),
                "the Country of Origin Code of the entry's lines",
            )
            out.append(Fact("entry_origin", f"Entry {e} declares origin {', '.join(origins)} {_markers(src)}.", src))
        return out

    def _invoice_entry(self, named: Named) -> list[Fact]:
        out = []
        for inv in named.invoices:
            rows = self.look.rows(
                "SELECT * FROM entry_lines WHERE invoice_number = ? ORDER BY entry_number, line_number", [inv]
            )
            entries = sorted({r["entry_number"] for r in rows})
            src = _cite(
                "entry_lines",
                rows,
                ["invoice_number", "entry_number"],
                ", ".join(entries),
                "the entries whose lines give this Commercial Invoice Number",
            )
            out.append(
                Fact("invoice_entry", f"Invoice {inv} supports entry {', '.join(entries)} {_markers(src)}.", src)
            )
        return out

    # --- payments, vendors, MIDs, certificates --------------------------------------------------------

    def _payment_what(self, named: Named) -> list[Fact]:
        from assistant.checks import check_workspace

        out = []
        for pid in named.payments:
            p = self.look.payment(pid)
            if p is None:
                continue
            src = _cite(
                "payments",
                [p],
                [
                    "payment_id",
                    "payment_date",
                    "vendor_name",
                    "amount",
                    "gl_account",
                    "memo",
                    "part_number",
                    "included_in_price",
                ],
                money(p["amount"]),
                f"the payments row of {pid}",
            )
            what = p.get("memo") or p.get("gl_account") or "no memo"
            inc = " (included in the invoice price)" if p.get("included_in_price") else ""
            out.append(
                Fact(
                    "payment_what",
                    f"Payment {pid} was {money(p['amount'])} on {day(p['payment_date'])} to "
                    f"{p.get('vendor_name') or '?'}{' (' + p['vendor_country'] + ')' if p.get('vendor_country') else ''}, "
                    f"GL {p.get('gl_account') or '(none)'}: '{what}'{inc} {{0}}.",
                    src,
                )
            )
            run = check_workspace(self.settings, ["undeclared_assist", "royalty_omission"], payment_id=pid)
            if run.findings:
                out += [Fact("finding", f"The checks flag it: {f.title} [{f.id}].", []) for f in run.findings]
            else:
                out.append(Fact("finding", "The assist and royalty checks find nothing undeclared in it.", []))
        return out

    def _vendor_total(self, named: Named) -> list[Fact]:
        pays = self.look.payments_to(named.vendors)
        scope = ""
        if named.period:
            p = named.period
            pays = [x for x in pays if x["payment_date"] and p.start <= x["payment_date"] <= p.end]
            scope = f" {p.label}"
        if not pays:
            return [Fact("vendor_total", f"No payment to {named.vendor_phrase}{scope} in the payments.", [])]
        total = _sum(pays, "amount")
        src = _cite(
            "payments",
            pays,
            ["vendor_name", "amount"],
            money(total),
            f"sum of Amount over the {len(pays)} payments to {', '.join(named.vendors)}{scope}",
        )
        return [
            Fact(
                "vendor_total",
                f"Payments to {named.vendor_phrase}{scope}: {money(total)} in {len(pays)} payment(s), "
                f"{day(pays[0]['payment_date'])} to {day(pays[-1]['payment_date'])} {_markers(src)}.",
                src,
            )
        ]

    def _vendor_mid(self, named: Named) -> list[Fact]:
        pays = [p for p in self.look.payments_to(named.vendors) if p.get("mid")]
        mids = sorted({p["mid"] for p in pays})
        if not mids:
            return [Fact("vendor_mid", f"The payments to {named.vendor_phrase} give no manufacturer ID.", [])]
        src = _cite(
            "payments", pays, ["vendor_name", "mid"], ", ".join(mids), "the Manufacturer ID on the vendor's payments"
        )
        return [
            Fact(
                "vendor_mid",
                f"The payments to {named.vendor_phrase} give manufacturer ID {', '.join(mids)} {_markers(src)}.",
                src,
            )
        ]

    def _mid_lines(self, named: Named) -> list[Fact]:
        out = []
        for mid in named.mids:
            rows = self.look.mid_lines(mid)
            if not rows:
                out.append(Fact("mid_lines", f"No entry line declares MID {mid}.", []))
                continue
            parts = sorted({r["part_number"] for r in rows if r.get("part_number")})
            countries = sorted({r["country_of_origin"] for r in rows if r.get("country_of_origin")})
            src = _cite(
                "entry_lines",
                rows,
                ["mid", "part_number", "country_of_origin"],
                ", ".join(parts),
                f"the main-ordinal lines declaring MID {mid}",
            )
            out.append(
                Fact(
                    "mid_lines",
                    f"MID {mid} is declared on {len(rows)} line(s) for part(s) {', '.join(parts) or '(none)'}, "
                    f"origin {', '.join(countries)} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _certificate_what(self, named: Named) -> list[Fact]:
        out = []
        for cid in named.certificates:
            c = self.look.certificate(cid)
            if c is None:
                continue
            src = _cite(
                "certificates",
                [c],
                ["certificate_id", "program", "part_number", "producer", "blanket_start", "blanket_end"],
                f"{day(c['blanket_start'])} to {day(c['blanket_end'])}",
                f"the certificates row of {cid}",
            )
            out.append(
                Fact(
                    "certificate_what",
                    f"{c['program']} certificate {cid} covers part {c['part_number']}"
                    f"{' from producer ' + c['producer'] if c.get('producer') else ''}, "
                    f"{day(c['blanket_start'])} to {day(c['blanket_end'])} {{0}}.",
                    src,
                )
            )
        return out

    # --- rulings and HTS numbers ----------------------------------------------------------------------

    def _ruling_facts(self, named: Named, what: str) -> list[Fact]:
        out = []
        for number in named.rulings:
            r = self.look.ruling(number)
            if r is None:
                continue
            tariffs = ", ".join(r["tariff_numbers"] or []) or "no tariff number read"
            subject = (r["subject"] or "(no subject line read)").rstrip(" .")
            date = day(r["ruling_date"]) or "(no date read)"
            # each kind leads with what was asked and states the other two parsed fields too
            lead = {
                "subject": f"Ruling {number} ({date}) is about: {subject}.",
                "date": f"Ruling {number} was issued on {date}.",
                "tariff": f"Ruling {number} ({date}) classifies under {tariffs}.",
            }[what]
            rest = {
                "subject": f"It classifies under {tariffs}.",
                "date": f"Subject: {subject}; tariff number(s) {tariffs}.",
                "tariff": f"Subject: {subject}.",
            }[what]
            others = [k for k in ("subject", "date", "tariff") if k != what]
            out.append(Fact(f"ruling_{what}", lead, [], documents=[(r["path"], RULING_QUOTES[what])]))
            out.append(Fact("ruling", rest, [], documents=[(r["path"], RULING_QUOTES[k]) for k in others]))
        return out

    def _ruling_subject(self, named: Named) -> list[Fact]:
        return self._ruling_facts(named, "subject")

    def _ruling_date(self, named: Named) -> list[Fact]:
        return self._ruling_facts(named, "date")

    def _ruling_tariff(self, named: Named) -> list[Fact]:
        return self._ruling_facts(named, "tariff")

    def _ruling_parts(self, named: Named) -> list[Fact]:
        out = []
        for number in named.rulings:
            rows = self.look.rows("SELECT * FROM products WHERE ruling_number = ? ORDER BY part_number", [number])
            if not rows:
                out.append(Fact("ruling_parts", f"No part in the product master cites ruling {number}.", []))
                continue
            parts = [r["part_number"] for r in rows]
            src = _cite(
                "products",
                rows,
                ["part_number", "ruling_number", "hts"],
                ", ".join(parts),
                f"the product master rows citing ruling {number}",
            )
            out.append(
                Fact(
                    "ruling_parts",
                    f"The product master cites ruling {number} for {', '.join(parts)} {_markers(src)}.",
                    src,
                )
            )
        return out

    def _hts_parts(self, named: Named) -> list[Fact]:
        out = []
        for hts in named.hts:
            master, lines = self.look.parts_under(hts)
            if master:
                src = _cite(
                    "products",
                    master,
                    ["part_number", "hts"],
                    ", ".join(r["part_number"] for r in master),
                    f"the product master rows with HTS Number {hts}",
                )
                out.append(
                    Fact(
                        "hts_parts",
                        f"The product master classifies {', '.join(r['part_number'] for r in master)} "
                        f"under {hts} {_markers(src)}.",
                        src,
                    )
                )
            if lines:
                parts = Counter(r.get("part_number") or "(no part)" for r in lines)
                src = _cite(
                    "entry_lines",
                    lines,
                    ["hts", "part_number"],
                    str(len(lines)),
                    f"the main-ordinal entry lines declaring {hts}, counted by part",
                )
                out.append(
                    Fact(
                        "hts_parts",
                        f"Entry lines declare {hts} for "
                        + ", ".join(f"{p} ({n} line(s))" for p, n in parts.most_common())
                        + f" {_markers(src)}.",
                        src,
                    )
                )
            if not master and not lines:
                out.append(Fact("hts_parts", f"Neither the product master nor any entry line uses {hts}.", []))
        return out

    # --- periods --------------------------------------------------------------------------------------

    def _period_lines(self, named: Named) -> list[dict]:
        assert named.period is not None
        return self.look.lines_between(named.period.start, named.period.end)

    def _period_entries(self, named: Named) -> list[Fact]:
        p = named.period
        assert p is not None
        rows = [r for r in self._period_lines(named) if (r.get("tariff_ordinal") or 1) == 1]
        entries = sorted({r["entry_number"] for r in rows})
        src = _cite(
            "entry_lines",
            rows,
            ["entry_summary_date"],
            str(len(entries)),
            f"distinct Entry Summary Numbers with an Entry Summary Date {day(p.start)} to {day(p.end)}",
        )
        return [
            Fact(
                "period_entries",
                f"Entries summarized {p.label}: {len(entries)} ({len(rows)} entry line(s)) {_markers(src)}.",
                src,
            )
        ]

    def _period_duty(self, named: Named) -> list[Fact]:
        p = named.period
        assert p is not None
        rows = self._period_lines(named)
        duty = _sum(rows, "duty")
        entries = {r["entry_number"] for r in rows}
        src = _cite(
            "entry_lines",
            rows,
            ["entry_summary_date", "duty"],
            money(duty),
            f"sum of Line Tariff Duty Amount over every row of the entries summarized {day(p.start)} to {day(p.end)}",
        )
        return [
            Fact(
                "period_duty",
                f"Duty on the entries summarized {p.label}: {money(duty)} on {len(entries)} entries {_markers(src)}.",
                src,
            )
        ]

    def _period_value(self, named: Named) -> list[Fact]:
        p = named.period
        assert p is not None
        rows = self._period_lines(named)
        value = _sum(rows, "value")
        entries = {r["entry_number"] for r in rows}
        src = _cite(
            "entry_lines",
            rows,
            ["entry_summary_date", "value"],
            money(value),
            f"sum of Line Tariff Goods Value Amount over the entries summarized {day(p.start)} to {day(p.end)}",
        )
        return [
            Fact(
                "period_value",
                f"Entered value of the entries summarized {p.label}: {money(value)} on "
                f"{len(entries)} entries {_markers(src)}.",
                src,
            )
        ]

    def _period_payments(self, named: Named) -> list[Fact]:
        p = named.period
        assert p is not None
        pays = self.look.payments_between(p.start, p.end)
        if named.vendors:
            pays = [x for x in pays if x.get("vendor_name") in named.vendors]
        total = _sum(pays, "amount")
        to = f" to {named.vendor_phrase}" if named.vendors else ""
        src = _cite(
            "payments",
            pays,
            ["payment_date", "amount"],
            money(total),
            f"sum of Amount over the payments{to} dated {day(p.start)} to {day(p.end)}",
        )
        return [
            Fact(
                "period_payments",
                f"Payments{to} {p.label}: {money(total)} in {len(pays)} payment(s) {_markers(src)}.",
                src,
            )
        ]


def _sentence(text: str) -> str:
    return (text[0].upper() + text[1:] + ".") if text else ""
