"""What a question names, resolved against the records (step 1 of :mod:`assistant.answering.facts`).

Entry, part, invoice, payment, certificate and manufacturer (MID) ids are matched against the ids the
records hold; ruling and HTS numbers by their shape; vendors by a distinctive word of their name
("Haitian" for "Ningbo Haitian Precision Mould Co."), or by their role ("the licensor": the one vendor
paid royalties); periods ("in 2024", "last quarter", "between 2024-01-01 and 2024-06-30"). A labelled
id the records do not hold ("part ZZ-9999") is refused by name, never answered with a loose quote.
Nothing here reads the stores: :func:`resolve` is given the ids the records hold (``Known``).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from assistant import normalize as nz
from assistant.formats import day
from assistant.stores.lookups import Known

_GENERIC_NAME_WORDS = frozenset(
    "co co. corp corporation company ltd ltd. limited inc inc. llc gmbh ag sa s.a. de c.v. cv srl spa bv plc "
    "the and of & trading industrial industries industry manufacturing manufacturer international group holdings "
    "import export products product factory works enterprise enterprises technology technologies supplier "
    "suppliers vendor vendors manufacturer manufacturers company".split()
)
# words of the records and questions about them, which a vendor's name may also hold
_RECORD_WORDS = (
    "entry entries line lines part parts payment payments duty duties value values goods import imports imported "
    "freight shipping logistics transport carrier engineering design tooling material materials component "
    "components precision mould mold moulds molds die dies tool tools plastic plastics metal metals textile "
    "textiles apparel home house global world international pacific atlantic asia europe america north south east "
    "west trade trading supply supplies service services solution solutions system systems product products "
    "total amount paid pay invoice invoices review reviews report certificate certificates ruling rulings"
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
    r"\b(?:in|during|for|of|over|throughout|since|our|calendar)\s+(?:the\s+)?"
    r"(?:year\s+|fy\s*|calendar\s+(?:year\s+)?)?((?:19|20)\d{2})\b"
    # a year said before what it dates: "2025 entries", "the 2024 payments", "2024's duty"
    r"|\b((?:19|20)\d{2})(?:'s)?\s+(?:entries|entry|payments?|imports?|shipments?|duty|duties|value|invoices?|"
    r"lines?|claims?|filings?)\b",
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
    described: bool = False  # the parts were named by words of their description ("the trekking poles")
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


def _word_stem(word: str) -> str:
    w = word.lower()
    return w[:-2] if w.endswith(("ches", "shes", "sses", "xes")) else w[:-1] if w.endswith("s") and len(w) > 3 else w


def description_words(descriptions: dict[str, str]) -> dict[str, set[str]]:
    """{word stem: parts whose description has it}, for the words of the product master's descriptions
    that single out a part or two ("trekking", "jacket"), not those most share ("plastic") nor the
    records' own vocabulary."""
    out: dict[str, set[str]] = defaultdict(set)
    for part, text in descriptions.items():
        for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", text or ""):
            w = w.lower().strip("'-")
            if len(w) >= 3 and not _common(w):
                out[_word_stem(w)].add(part)
    most = max(2, len(descriptions) // 10)
    return {w: ps for w, ps in out.items() if len(ps) <= most}


# words that carry no product: a question's own words are counted without them
_FUNCTION_WORDS = frozenset(
    "had have has having them they their theirs there these those this that what which who whom whose when "
    "where why how was were been being is are am do does did done would could should might must shall will "
    "can may our ours we us you your yours me my mine its he she him her his hers all any some each every "
    "both either neither more most less least very much many few one ones also just only still even ever "
    "never not yes than then too such same other others own about above after again against before below "
    "between during into onto over under until upon within without from with for per via got get gets "
    "pls please thanks show tell give list know need want like come came went goes going last first".split()
)


def described_parts(question: str, part_words: dict[str, set[str]], vendor_words: dict[str, set[str]]) -> list[str]:
    """The parts a question names by their description ("hts on the trekking poles?", "which entries did
    the PU kitchen mat come in on"): those holding the most of its product words, when those words are
    at least half of the question's own uncommon words (so "kraft paper gift bags with cord handles"
    does not name a part whose description says "bag")."""
    words = {w.lower().strip("'-") for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", question)}
    own = {_word_stem(w) for w in words if not _common(w) and w not in vendor_words and w not in _FUNCTION_WORDS}
    hits: Counter[str] = Counter()
    for w in own:
        for part in part_words.get(w, ()):
            hits[part] += 1
    if not hits:
        return []
    best = max(hits.values())
    if best * 2 < len(own):
        return []
    return sorted(part for part, n in hits.items() if n == best)


def mask_described(question: str, part_words: dict[str, set[str]]) -> str:
    """The question with the words that describe a part said as "the part" ("which entries did the PU
    kitchen mat come in on" -> "which entries did the PU part come in on"), to read what it asks."""
    out, said = [], False
    for token in re.split(r"(\s+)", question):
        word = re.sub(r"[^A-Za-z'-]", "", token).lower().strip("'-")
        if word and _word_stem(word) in part_words and not _common(word):
            if not said:
                out.append("part" + re.sub(r"[A-Za-z'-]", "", token))
                said = True
            else:
                if out and out[-1].isspace():
                    out.pop()
                out.append(re.sub(r"[A-Za-z'-]", "", token))
            continue
        out.append(token)
    return "".join(out)


# a ruling meant by the goods it covers: "the mat ruling", "that kitchen rug ruling"
RULING_OF = re.compile(r"\b(?:the|that|this|our)\s+((?:[a-z][\w-]*\s+){1,3}?)ruling\b", re.I)
_ID_KINDS = (
    ("parts", "part"),
    ("entries", "entry"),
    ("invoices", "invoice"),
    ("payments", "payment"),
    ("certificates", "certificate"),
    ("mids", "MID"),
    ("rulings", "ruling"),
    ("hts", "HTS number"),
)


def mask_ids(question: str, named: Named) -> str:
    """The question with each identifier it names said as what it is ("what is N340223 about" -> "what is
    the ruling about"; "(part 7731-AB; ruling N340223)" -> "(the part; the ruling)"), to read what it asks:
    an identifier's letters and digits say nothing of that, and pull its embedding anywhere."""
    out = question
    for attr, kind in _ID_KINDS:
        for value in getattr(named, attr):
            said = re.escape(value).replace(r"\-", "[- ]?")
            out = re.sub(rf"\b(?:{kind}\s+)?{said}\b", f"the {kind}", out, flags=re.I)
    if named.rulings:  # "what duty rate did the mat ruling quote" -> "... did the ruling quote"
        out = RULING_OF.sub("the ruling", out)
    return re.sub(r"\bthe (\w+(?: number)?),? the \1\b", r"the \1", out)


def vendor_hits(text: str, vendor_words: dict[str, set[str]], as_names: bool = False) -> Counter[str]:
    """{vendor: how many of its distinctive words ``text`` has}; ``as_names``: only words written as a
    name, capitalised ("Everbright"), not prose that happens to hold a word of a name ("for tooling").
    Otherwise a word written in lower case counts when it is not a word of the records' own vocabulary
    ("lines", "freight", "engineering"), or when two words of one name are there ("ningbo precision")."""
    pattern = r"\b[A-Z][A-Za-z'&.-]{2,}" if as_names else r"[A-Za-z][A-Za-z'&.-]{2,}"
    hits: Counter[str] = Counter()
    common: Counter[str] = Counter()
    for word in {w.strip(".") for w in re.findall(pattern, text)}:
        w = word.lower()
        for v in vendor_words.get(w, ()):
            if word[0].islower() and _common(w):
                common[v] += 1
            else:
                hits[v] += 1
    for v, n in common.items():
        if n + hits.get(v, 0) >= 2:
            hits[v] += n
    return hits


@functools.lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    import prompts
    from assistant.stores.lexical import STOPWORDS

    words = set(STOPWORDS) | _GENERIC_NAME_WORDS | set(_RECORD_WORDS.split())
    for group in prompts.thesaurus():
        for entry in group:
            words.update(entry.split())
    return frozenset(words)


def _common(word: str) -> bool:
    words = _common_words()
    return word in words or word.rstrip("s") in words or f"{word}s" in words


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
    if re.search(r"\b(?:last|prior|previous) (?:year|yr)\b", q, re.I):
        y = today.year - 1
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"last year ({y})")
    if re.search(r"\bthis (?:year|yr)\b|\byear to date\b|\bytd\b", q, re.I):
        return Period(dt.date(today.year, 1, 1), today, f"this year ({today.year}, to {day(today)})")
    if m := _YEAR.search(q):
        y = int(m.group(1) or m.group(2))
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), f"in {y}")
    return None


def resolve(
    question: str,
    ids: dict[str, set[str]],
    known: Known,
    vendor_words: dict[str, set[str]],
    role_vendors: dict[str, set[str]],
    today: dt.date,
    part_words: dict[str, set[str]] | None = None,
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
    if part_words and not named.parts and not named.entries and not ids.get("part"):
        named.parts = described_parts(question, part_words, vendor_words)
        named.described = bool(named.parts)
    named.period = find_period(question, today)
    return named
