"""What a record question can ask for, each slot with the short descriptions the question's words are
compared with (through the embedding model): the measures (what is counted or summed), the
dimensions (of what, grouped or ranked by), and the closed-class words of order and number.

The descriptions are data, not phrasings to match: a question reaches a slot when its embedding is
closest to one of the slot's descriptions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

LINES, PAYMENTS = "entry_lines", "payments"


@dataclass(frozen=True)
class Measure:
    id: str
    table: str  # entry_lines | payments
    agg: str  # sum | count | min | max
    column: str | None  # summed column, or the date for min/max
    noun: str  # how the answer names it
    descriptions: tuple[str, ...]
    distinct: str | None = None  # count distinct values of this column
    main_ordinal: bool = True  # entry lines: only the main tariff ordinal (not the Chapter 99 rows)
    where: str = ""  # a condition of its own (the Chapter 99 rows)


MEASURES: tuple[Measure, ...] = (
    Measure(
        "duty",
        LINES,
        "sum",
        "duty",
        "duty",
        (
            "How much duty did we pay?",
            "Total customs duties paid on our imports",
            "duty paid on the entries, tariffs paid to CBP",
        ),
        main_ordinal=False,
    ),
    Measure(
        "value",
        LINES,
        "sum",
        "value",
        "entered value",
        (
            "What was the total entered value of our imports?",
            "How much did we import, in dollars?",
            "value of the goods we brought in",
        ),
    ),
    Measure(
        "entries",
        LINES,
        "count",
        None,
        "entries",
        ("How many entries did we file?", "number of customs entries or shipments", "count of entry summaries"),
        distinct="entry_number",
    ),
    Measure(
        "lines",
        LINES,
        "count",
        None,
        "entry lines",
        ("How many entry lines were declared?", "number of lines on the entries"),
    ),
    Measure(
        "parts",
        LINES,
        "count",
        None,
        "distinct parts",
        ("How many different parts or SKUs did we import?", "number of distinct part numbers imported"),
        distinct="part_number",
    ),
    Measure(
        "additions",
        LINES,
        "sum",
        "additions",
        "line additions",
        (
            "How much have we declared in line additions?",
            "assists and royalties already added to the entered value on the lines",
        ),
    ),
    Measure(
        "ch99_duty",
        LINES,
        "sum",
        "duty",
        "additional duty under Chapter 99",
        (
            "How much Section 301 duty did we pay?",
            "additional duties under Chapter 99 of the HTSUS, Section 301 or Section 232 tariffs",
        ),
        main_ordinal=False,
        where="replace(hts, '.', '') LIKE '99%'",
    ),
    Measure(
        "paid",
        PAYMENTS,
        "sum",
        "amount",
        "paid",
        (
            "How much did we pay the supplier?",
            "What have we paid them?",
            "total amount paid to a vendor, money spent or sent",
            "our spend with a payee in the accounts payable ledger",
        ),
    ),
    Measure(
        "payments",
        PAYMENTS,
        "count",
        None,
        "payments",
        ("How many payments did we make?", "number of payments in the ledger"),
    ),
)
MEASURE = {m.id: m for m in MEASURES}


@dataclass(frozen=True)
class Dimension:
    id: str
    noun: str  # singular, as the answer names it
    columns: dict  # table -> SQL expression
    descriptions: tuple[str, ...]
    thing: str | None = None  # the kind of thing its values are (for the conversation): vendor, part, entry ...


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("vendor", "vendor", {PAYMENTS: "vendor_name"}, ("vendor", "supplier or payee", "who we paid"), "vendor"),
    Dimension("part", "part", {LINES: "part_number", PAYMENTS: "part_number"}, ("part number", "SKU or item"), "part"),
    Dimension("hts", "HTS number", {LINES: "hts"}, ("HTS number", "tariff classification code"), "hts"),
    Dimension(
        "origin",
        "country",
        {LINES: "country_of_origin", PAYMENTS: "vendor_country"},
        ("country of origin", "country"),
        "country",
    ),
    Dimension(
        "year",
        "year",
        {LINES: "CAST(year(entry_summary_date) AS VARCHAR)", PAYMENTS: "CAST(year(payment_date) AS VARCHAR)"},
        ("year", "each year, annually"),
    ),
    Dimension(
        "month",
        "month",
        {LINES: "strftime(entry_summary_date, '%Y-%m')", PAYMENTS: "strftime(payment_date, '%Y-%m')"},
        ("month", "each month, monthly"),
    ),
    Dimension("gl", "GL account", {PAYMENTS: "gl_account"}, ("GL account", "ledger account"), "gl"),
    Dimension("entry", "entry", {LINES: "entry_number"}, ("entry", "entry number, shipment"), "entry"),
    Dimension("payment", "payment", {PAYMENTS: "payment_id"}, ("payment", "single payment"), "payment"),
    Dimension("mid", "manufacturer (MID)", {LINES: "mid", PAYMENTS: "mid"}, ("manufacturer", "MID, factory"), "mid"),
    Dimension("port", "port of entry", {LINES: "port_code"}, ("port of entry", "port"), "port"),
)
DIMENSION = {d.id: d for d in DIMENSIONS}

# closed-class words: the order asked for, a number of items, a group
DESC = re.compile(r"\b(most|biggest|largest|highest|greatest|top|max(?:imum)?|heaviest|priciest|costliest)\b", re.I)
ASC = re.compile(r"\b(least|smallest|lowest|fewest|min(?:imum)?|cheapest)\b", re.I)
LIMIT = re.compile(
    r"\btop\s+(\d{1,2}|three|five|ten|two|four)\b|\b(\d{1,2}|three|five|ten|two|four)\s+(?:biggest|largest|highest|"
    r"most|top|smallest|lowest)\b",
    re.I,
)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "ten": 10}
GROUP = re.compile(r"\b(?:by|per|for each|each|broken down by|breakdown by|split by)\s+([a-z][a-z ]{2,30})", re.I)
_AUX = r"(?!(?:did|do|does|is|are|was|were|have|has|had|can|could|should|would|will|shall|may|must|we|i|you)\b)"
HEAD = re.compile(  # "which vendor", "which is our biggest vendor", "what HTS numbers" (not "what is the X of Y")
    r"\b(?:which\b(?:'s|\s+is|\s+are|\s+was|\s+were)?|what|who|whom)\s+(?:our\s+|the\s+|one\s+of\s+our\s+)?"
    r"(?:(?:biggest|largest|top|main|most|least|smallest|highest|lowest)\s+)?" + _AUX + r"([a-z][a-z ]{2,30})",
    re.I,
)
SUPERLATIVE_HEAD = re.compile(
    r"\b(?:biggest|largest|highest|smallest|lowest|most expensive|cheapest)\s+(?:single\s+|one\s+)?([a-z][a-z]{2,20})",
    re.I,
)
SUM_WORDS = re.compile(
    r"\bhow much\b|\btotal\b|\bsum\b|\bamount\b|\bspend\b|\bspent\b|\bmoney\b|\bdollars?\b"
    r"|\b(?:come|came|comes|add|added|adds|amount|amounted) (?:up )?to\b|\badd up\b|\ball in\b|\bin all\b",
    re.I,
)
WHO = re.compile(r"^\s*(?:who|whom|to whom)\b", re.I)
COUNTING = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)
FIRST = re.compile(r"\b(first|earliest|oldest)\b", re.I)
LAST = re.compile(r"\b(last|latest|most recent|newest)\b", re.I)
DATE_ASKED = re.compile(r"^\s*when\b|\bwhat date\b|\bwhich date\b|\bdate of\b", re.I)


@dataclass
class Countries:
    """ISO 3166 countries (pycountry): names, common names and adjectives ("Taiwanese") to their codes."""

    by_word: dict[str, str] = field(default_factory=dict)

    def find(self, question: str, codes_on_record: set[str]) -> list[str]:
        """The countries a question names: by name, by adjective, or by a code written in capitals that
        the records use."""
        at: dict[str, int] = {}
        low = " " + re.sub(r"[^a-z ]", " ", question.lower()) + " "
        for phrase, code in self.by_word.items():
            i = low.find(f" {phrase} ")
            if i >= 0:
                at[code] = min(at.get(code, i), i)
        for m in re.finditer(r"\b[A-Z]{2}\b", question):
            if m.group(0) in codes_on_record:
                at.setdefault(m.group(0), m.start())
        return sorted(at, key=lambda c: at[c])


_ADJECTIVES = {"dutch": "NL", "swiss": "CH", "british": "GB", "filipino": "PH", "thai": "TH", "turkish": "TR"}
_COMMON = {"usa": "US", "uk": "GB", "south korea": "KR", "korea": "KR", "vietnam": "VN", "taiwan": "TW"}


@functools.lru_cache(maxsize=1)
def countries() -> Countries:
    import pycountry

    out = Countries()
    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", c.name)}
        for name in names:
            simple = name.split(",")[0].lower()
            if len(simple) >= 4:
                out.by_word[simple] = c.alpha_2
                # the adjective most names take: Taiwan -> Taiwanese, Germany -> German, Mexico -> Mexican
                stem = simple[:-1] if simple[-1] in "aeiouy" else simple
                for ending in ("ese", "an", "ian", "n", "ish", "i", ""):
                    if len(stem) >= (5 if not ending else 4) and " " not in stem:
                        out.by_word.setdefault(stem + ending, c.alpha_2)
    out.by_word.update(_ADJECTIVES)
    out.by_word.update(_COMMON)
    for word in ("republic", "union", "guinea", "islands", "saint", "united", "north", "south", "new"):
        out.by_word.pop(word, None)
    return out
