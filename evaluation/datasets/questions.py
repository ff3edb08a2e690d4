"""The evaluation question set: written questions over the manual, the broker letter, the draft report and
19 USC, plus questions generated from the built sample case and the real CBP rulings of the corpus.

Entry and invoice numbers depend on the case's build date, so the set is built from the case folder
(``build_questions(case, corpus)``) rather than stored. Each question names its relevant sources (a
path fragment, e.g. ``Trade_Compliance_Manual_2025.pdf`` or ``entries/HL7-0102159-6/``, optionally a
text the passage must contain) and the key facts a good answer states. Unanswerable questions have
no sources: the right answer is to say the records do not show it.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANUAL = "Trade_Compliance_Manual_2025.pdf"
LETTER = "Broker_Letter_of_Instruction.docx"
DRAFT = "CBP_FA_Draft_Report.pdf"


@dataclass
class Question:
    id: str
    category: str
    question: str
    sources: list[str] = field(default_factory=list)  # a retrieved passage is relevant when its path contains one
    facts: list[str] = field(default_factory=list)  # a good answer states each (case-insensitive)
    contains: str | None = None  # ... and, if given, its text contains this
    answerable: bool = True

    def relevant(self, path: str, text: str = "") -> bool:
        if not any(s in path for s in self.sources):
            return False
        return self.contains is None or self.contains.lower() in text.lower()

    def to_dict(self) -> dict:
        return asdict(self)


# (question, source, facts): written from the documents' text, several worded unlike the source.
WRITTEN = [
    ("manual", "How long are entry records kept?", MANUAL, ["five years"]),
    ("manual", "For how many years must we retain import documentation?", MANUAL, ["five years"]),
    ("manual", "Who maintains the product master?", MANUAL, ["Trade Compliance Analyst"]),
    ("manual", "How often is the customs risk assessment performed?", MANUAL, ["once a year"]),
    ("manual", "When was the last risk assessment completed?", MANUAL, ["March 2025"]),
    (
        "manual",
        "Within how many days does Trade Compliance review each entry summary after filing?",
        MANUAL,
        ["10 business days"],
    ),
    ("manual", "How many entry lines does internal audit test each year?", MANUAL, ["50 entry lines"]),
    ("manual", "Which GL accounts does Accounts Payable flag to Trade Compliance?", MANUAL, ["5100", "6200"]),
    ("manual", "When are blanket USMCA certifications renewed?", MANUAL, ["60 days"]),
    ("manual", "Who approves new classifications?", MANUAL, ["Director"]),
    (
        "manual",
        "What happens to errors that cannot be corrected by a post-summary correction?",
        MANUAL,
        ["prior disclosure"],
    ),
    ("manual", "To whom does the Director of Trade Compliance report?", MANUAL, ["Chief Financial Officer"]),
    (
        "manual",
        "What does a change of supplier or factory require before the first shipment?",
        MANUAL,
        ["origin review"],
    ),
    (
        "manual",
        "Must molds and tooling we send to a supplier be added to the entered value?",
        MANUAL,
        ["added to the entered value"],
    ),
    ("manual", "What do we do when a classification is uncertain?", MANUAL, ["binding ruling"]),
    ("broker", "What may the broker claim USMCA preference for?", LETTER, ["certificate register"]),
    ("broker", "Who is our contact for the customs broker?", LETTER, ["M. Alvarez"]),
    (
        "broker",
        "When must the broker send an entry summary to Trade Compliance before transmission?",
        LETTER,
        ["new part number"],
    ),
    ("broker", "What should the broker declare as Line Additions Amount?", LETTER, ["assists, royalties"]),
    (
        "draft",
        "What does the CBP draft report say about the classification of the plastic letter charms?",
        DRAFT,
        ["7117.90.9000"],
    ),
    (
        "draft",
        "Which assist does the draft report say was not added to the entered value?",
        DRAFT,
        ["Ningbo Precision Mould"],
    ),
    (
        "law",
        "What is the penalty for negligently failing to produce demanded records?",
        "19_USC_1509",
        ["$10,000", "40 percent"],
    ),
    ("law", "How must imported articles be marked with their country of origin?", "19_USC_1304", ["conspicuous place"]),
    ("law", "What is an assist under the transaction value statute?", "19_USC_1401a", ["assist"]),
    ("law", "How long must drawback claim records be kept?", "19_USC_1508", ["third anniversary"]),
    ("law", "What does an importer of record have to use when making entry?", "19_USC_1484", ["reasonable care"]),
]

UNANSWERABLE = [
    "What is the airspeed velocity of an unladen swallow?",
    "Which football team won the 1998 world cup?",
    "What is the company's parental leave policy?",
    "What is the recipe for maple syrup pie?",
    "When is the office holiday party this year?",
    "What was the price of bitcoin last week?",
    "What is the capital of France?",
    "How many employees work in the Ohio warehouse?",
]

_TARIFF = re.compile(r"TARIFF NO\.:\s*([0-9.]{7,})")
_SUBJECT = re.compile(r"^The tariff classification(?: and [^.]*?)? of (.+?)\.?$", re.I)


def ruling_facts(path: Path) -> tuple[str, str, str | None] | None:
    """(ruling number, goods description from the RE line, first tariff number) of a corpus ruling."""
    text = path.read_text(encoding="utf-8", errors="replace")
    head = re.match(r"CBP ruling \w+ (\w+) \([\d-]+\): (.+)", text.splitlines()[0])
    tariff = _TARIFF.search(text)
    if not head:
        return None
    subject = _SUBJECT.match(head.group(2).strip())
    return head.group(1), (subject.group(1) if subject else ""), (tariff.group(1) if tariff else None)


def build_questions(case: Path, corpus: Path, per_kind: int = 12) -> list[Question]:
    """The whole set for a built case folder (and the corpus ingested beside it)."""
    case = Path(case)
    out: list[Question] = []
    for i, (cat, q, src, facts) in enumerate(WRITTEN, 1):
        out.append(Question(f"{cat}-{i:02d}", cat, q, [src], facts))

    rulings = [f for f in (ruling_facts(p) for p in sorted((Path(corpus) / "rulings").glob("*.txt"))) if f]
    tariff_count: dict[str, int] = {}
    for _, _, tariff in rulings:
        tariff_count[tariff] = tariff_count.get(tariff, 0) + 1
    step = max(1, len(rulings) // per_kind)
    by_number = rulings[::step][:per_kind]
    by_subject = [r for r in rulings[step // 2 :: step] if r[1]][:per_kind]
    for number, _, tariff in by_number:
        out.append(
            Question(
                f"ruling-id-{number}",
                "ruling_number",
                f"What tariff number did ruling {number} assign?",
                [f"{number}.txt"],
                [tariff] if tariff else [],
            )
        )
    for number, subject, tariff in by_subject:
        out.append(
            Question(
                f"ruling-desc-{number}",
                "ruling_description",
                f"What HTS subheading applies to {subject}?",
                [f"{number}.txt"],
                [tariff] if tariff else [],
            )
        )
    unique = [r for r in rulings if r[2] and tariff_count[r[2]] == 1 and r not in by_number]
    for number, _, tariff in unique[:: max(1, len(unique) // 6)][:6]:
        out.append(
            Question(
                f"hts-{tariff}",
                "hts_number",
                f"Which ruling classifies goods in subheading {tariff}?",
                [f"{number}.txt"],
                [tariff],
            )
        )

    entries = sorted(d for d in (case / "documents" / "entries").iterdir() if len(list(d.iterdir())) == 3)
    for d in entries[:: max(1, len(entries) // 5)][:5]:
        entry = d.name
        invoice = next(p.stem.removeprefix("invoice_") for p in d.glob("invoice_*.pdf"))
        out.append(
            Question(
                f"entry-inv-{entry}",
                "entry_number",
                f"What is the invoice number for entry {entry}?",
                [f"entries/{entry}/"],
                [invoice],
            )
        )
        out.append(
            Question(
                f"entry-port-{entry}",
                "entry_number",
                f"What is the port of entry of entry {entry}?",
                [f"7501_{entry}.pdf"],
                ["2704"],
            )
        )
        out.append(
            Question(
                f"invoice-{invoice}",
                "invoice_number",
                f"What are the terms of sale on invoice {invoice}?",
                [f"invoice_{invoice}.pdf"],
                ["FOB Ningbo"],
            )
        )

    with (case / "products.csv").open(newline="", encoding="utf-8") as fh:
        products = list(csv.DictReader(fh))
    for row in products[:: max(1, len(products) // 6)][:6]:
        part = row["Part Number"]
        out.append(
            Question(
                f"part-{part}",
                "part_number",
                f"What is part {part}?",
                ["invoice_", "packing_list_", "7501_"],
                [row["Description"].split(",")[0]],
                contains=part,
            )
        )

    with (case / "certificates.csv").open(newline="", encoding="utf-8") as fh:
        cert = next(r for r in csv.DictReader(fh) if r["Document"])
    out.append(
        Question(
            "certificate-period",
            "certificate",
            f"What blanket period does the USMCA certification for part {cert['Part Number']} cover?",
            [cert["Document"]],
            [cert["Blanket Start"]],
        )
    )
    out.append(
        Question(
            "certificate-producer",
            "certificate",
            "Who certified the origin of the men's coveralls under USMCA?",
            [cert["Document"]],
            [cert["Producer"].split(" S.A.")[0]],
        )
    )

    for i, q in enumerate(UNANSWERABLE, 1):
        out.append(Question(f"none-{i:02d}", "no_answer", q, answerable=False))
    return out
