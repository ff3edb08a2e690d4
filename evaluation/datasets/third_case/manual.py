"""The importer's own documents in the third case: the import compliance SOP (DOCX, "Article n" /
"n.m" layout), the standing letter of instruction to both brokers (Markdown), the training log
(plain text) and an internal memo on the AQUAVELA brand licence (Markdown).

The SOP's rules are deliberately specific (seven-year retention, weekly Assist Flag Report, 100%
broker review within five business days, 25-entry half-yearly internal audit, ...), so that answers
about them can be checked against the text, and some of them are not followed in the records.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

SOP_ID = "TG-SOP-IMP-001"

REVISIONS = [
    ("1", "2019-08-01", "First issue"),
    ("2", "2022-04-15", "Articles 6 and 9 rewritten (USMCA preference; post-summary corrections)"),
    ("3", "2025-03-01", "Article 4.3 royalties and licence fees; Article 7 retention extended to seven years"),
]

# (article heading, [(section heading, text), ...])
ARTICLES: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Article 1 — Purpose and Scope",
        [
            (
                "1.1 Purpose",
                "These procedures set out how {importer} (Tallgrass) exercises reasonable care in importing, as "
                "19 USC 1484 requires of every importer of record. They are binding on every employee named in "
                "Article 2.",
            ),
            (
                "1.2 Scope",
                "They apply to every importation for which Tallgrass is importer of record, whichever licensed "
                "broker files the entry and whichever port is used (Seattle, Tacoma, Houston, Laredo, Detroit).",
            ),
            (
                "1.3 Terms used",
                "Item Classification Register: the list of approved part numbers with their 10-digit tariff number, "
                "country of origin and any CBP ruling relied on (ERP export products.csv). Broker Review Log: the "
                "register of entry reviews (broker_reviews.csv). Assist Flag Report: the weekly list of postings to "
                "the assist accounts. Certification Register: the USMCA certifications held. Entry records: the "
                "records listed in Article 7.1.",
            ),
        ],
    ),
    (
        "Article 2 — Roles",
        [
            (
                "2.1 Import Compliance Lead",
                "P. Raman. Owns these procedures; approves every tariff number, post-summary correction and "
                "valuation position; decides on ruling requests and prior disclosures with customs counsel; is "
                "the single point of contact for CBP.",
            ),
            (
                "2.2 Customs Specialist",
                "D. Okonkwo. Proposes tariff numbers; reviews entries (Article 8); keeps the Item Classification "
                "Register, the Assist Register, the Certification Register and the Broker Review Log; requests "
                "certification renewals.",
            ),
            (
                "2.3 Accounts Payable Supervisor",
                "M. Ferreira. Codes payments to foreign parties to the right ledger account and sends the Assist "
                "Flag Report (Article 4.2).",
            ),
            (
                "2.4 Sourcing Manager",
                "S. Delgado. Tells the Customs Specialist in writing, before the first purchase order, of any new "
                "supplier, new factory or subcontractor, tooling order, material consignment or licence agreement.",
            ),
            (
                "2.5 Controller",
                "L. Brandt. Runs the internal audit (Article 11) and stands in for the Customs Specialist for "
                "entry reviews during absences.",
            ),
            (
                "2.6 Brokers",
                "Westmark Customs Brokerage, Inc. (filer code W3K) files ocean entries; Borderline Trade Services "
                "LLC (filer code B2L) files truck entries from Mexico and Canada. Both act under the standing "
                "letter of instruction and a power of attorney. Tallgrass remains responsible for every entry they "
                "file.",
            ),
        ],
    ),
    (
        "Article 3 — Classification",
        [
            (
                "3.1 New part numbers",
                "No purchase order for a new part number is released until the Customs Specialist has assigned a "
                "10-digit tariff number and the Import Compliance Lead has approved it in the Item Classification "
                "Register.",
            ),
            (
                "3.2 What each assignment records",
                "Description, material composition by weight, function, the General Rules of Interpretation "
                "applied, the tariff number, the CBP ruling relied on (if any), approver and date.",
            ),
            (
                "3.3 Binding ruling requests",
                "Where two headings are plausible, or where the yearly duty difference between the candidate "
                "tariff numbers exceeds USD 10,000, the Import Compliance Lead requests a binding ruling under "
                "19 CFR Part 177 through eRulings before the first import, or within 30 days of it when the goods "
                "cannot wait.",
            ),
            (
                "3.4 Relying on a ruling",
                "A ruling is cited in the register only when it describes our merchandise (19 CFR 177.9(b)). A "
                "ruling issued to another importer is a guide, not authority; the rationale must say so. A copy "
                "of every ruling cited is kept in the Rulings Library.",
            ),
            (
                "3.5 Brokers and tariff numbers",
                "Brokers declare the register's tariff number. A broker who believes another number is correct "
                "writes to the Customs Specialist; no number changes without the Import Compliance Lead's "
                "approval in the register.",
            ),
            (
                "3.6 Yearly review",
                "Every October the Customs Specialist reviews each active part number against the current HTSUS, "
                "including Chapter 99 (Section 301) changes, and records the review in the register.",
            ),
        ],
    ),
    (
        "Article 4 — Valuation",
        [
            (
                "4.1 Price actually paid or payable",
                "Goods are declared at transaction value (19 USC 1401a). The commercial invoice must show the full "
                "price; Sourcing forwards every side agreement, rebate or price adjustment to the Customs "
                "Specialist.",
            ),
            (
                "4.2 Assists",
                "Moulds, dies, tools, jigs and fixtures; components or materials supplied free or at reduced cost; "
                "and engineering, development, artwork, design work and plans undertaken outside the United States "
                "that Tallgrass supplies, directly or indirectly, to a foreign producer are assists "
                "(19 USC 1401a(h); 19 CFR 152.102(a)). Accounts Payable posts such costs only to ledger accounts "
                "71500 - Prod. Tooling & Fixtures, 71520 - Engineering services (foreign) or 71540 - Consigned "
                "components. Every Monday the AP Supervisor sends the Assist Flag Report (every posting to these "
                "accounts in the previous week, with purchase order, part number and producer) to the Customs "
                "Specialist. Within ten business days the Customs Specialist decides how the assist is declared: "
                "in full on the first entry of goods produced with it, or apportioned over the quantity the "
                "producer is expected to make (19 CFR 152.103(e)), and instructs the broker in writing to report "
                "the amount as Line Additions on the entries concerned. The Assist Register follows each assist "
                "until it is fully declared. An assist whose cost the producer already includes in its unit price "
                "needs no addition, provided the supplier's quotation showing it is kept with the entry records.",
            ),
            (
                "4.3 Royalties and licence fees",
                "The Import Compliance Lead reviews every licence agreement before signature. A royalty or licence "
                "fee related to imported goods that Tallgrass must pay, directly or indirectly, as a condition of "
                "their sale for exportation is added to the price (19 USC 1401a(b)(1)(D); 19 CFR 152.103(f)). "
                "Accounts Payable posts licence fees to 8120 Licence fees - brand and copies the Customs Specialist "
                "on each payment. When the amount is only known after the goods are sold, the Lead flags the "
                "entries for reconciliation or declares an estimate of 4% of entered value and corrects it by "
                "post-summary correction. Where the Lead considers a royalty not dutiable, the reasons are written "
                "in a memo and, above USD 25,000 a year, confirmed in writing by customs counsel.",
            ),
            (
                "4.4 Charges that are not part of the price",
                "Ocean and inland freight after export (61200), bona fide buying commissions paid under the written "
                "buying agency agreement with Saigon Sourcing Agents Co., Ltd. (61300), third-party inspection "
                "(61400) and software licences (64100) are not part of the price actually paid or payable; "
                "invoices must show them separately or not at all.",
            ),
            (
                "4.5 Unit value monitoring",
                "Each quarter the Customs Specialist compares the unit value of every line with the part's rolling "
                "median. A deviation of more than 30% is explained in writing (supplier credit, sample lot, error) "
                "and, when it is an error, corrected under Article 9.",
            ),
        ],
    ),
    (
        "Article 5 — Origin and Marking",
        [
            (
                "5.1 Country of origin",
                "Origin is determined per part and recorded in the register: where the article was wholly obtained "
                "or last substantially transformed; for goods of Mexico and Canada under 19 CFR Part 102.",
            ),
            (
                "5.2 Producers and manufacturer IDs",
                "The manufacturer identification code (MID) reported must identify the actual producer. Sourcing "
                "reports any change of producer, factory or subcontractor before shipment, and the Customs "
                "Specialist checks the producer and origin on each invoice against the register before the broker "
                "files. A shipment whose invoice names another producer is held until origin is re-determined.",
            ),
            (
                "5.3 Goods from or near China",
                "Chapter 99 (Section 301) numbers are reported for goods of China. A claim of any other origin for "
                "goods from a supplier that has produced in China requires a written origin analysis approved by "
                "the Import Compliance Lead before the first entry.",
            ),
            (
                "5.4 Marking",
                "Every article, or its container where 19 CFR Part 134 allows, is marked legibly and permanently "
                "with its country of origin in English (19 USC 1304), e.g. MADE IN VIETNAM.",
            ),
        ],
    ),
    (
        "Article 6 — USMCA and Other Programmes",
        [
            (
                "6.1 When preference is claimed",
                "USMCA preference (SPI S) is claimed only when a certification of origin covering the part and the "
                "date of entry is in the Certification Register before the broker transmits the entry "
                "(19 CFR 182.12). The shipment notice to the broker quotes the certification number.",
            ),
            (
                "6.2 Blanket periods and renewals",
                "A blanket certification covers at most twelve months. The Customs Specialist asks the producer for "
                "the next certification 45 days before the blanket period ends and sends its number to the broker; "
                "if none has arrived, the shipment notice says NO USMCA CLAIM.",
            ),
            (
                "6.3 Late certifications",
                "When a certification arrives after entry, preference is claimed after importation within one year "
                "of the date of importation (19 USC 1520(d); 19 CFR 182.32).",
            ),
            (
                "6.4 Verification",
                "Once a year the Customs Specialist confirms with each USMCA producer the basis of origin (tariff "
                "shift or regional value content) and obtains the producer's undertaking to provide its records "
                "to CBP on request.",
            ),
            ("6.5 Other programmes", "No other preference programme is used at present."),
        ],
    ),
    (
        "Article 7 — Recordkeeping",
        [
            (
                "7.1 What is kept, and for how long",
                "Tallgrass keeps the records of every entry - commercial invoice, packing list, entry summary "
                "(CBP Form 7501), bill of lading, certification of origin, proof of payment, and the assist and "
                "royalty records behind any addition - for seven (7) years from the date of entry. This is two "
                "years longer than the five years required by 19 USC 1508(c)(1) and 19 CFR 163.4.",
            ),
            (
                "7.2 Where records are kept",
                "Electronic copies are kept in the Import Records library of the document management system, one "
                "folder per entry number, under the year of the entry summary. Paper originals are not kept once "
                "scanned, except certifications signed in ink.",
            ),
            (
                "7.3 Completeness check",
                "Each entry folder holds at least the invoice, the packing list and the entry summary. The Customs "
                "Specialist checks the folder when logging the entry review (Article 8.2) and obtains any missing "
                "record from the broker or supplier within ten business days.",
            ),
            (
                "7.4 Producing records",
                "Records on the (a)(1)(A) list are produced within 24 hours of a CBP demand; other records within "
                "the time CBP sets (19 USC 1509).",
            ),
            (
                "7.5 Destruction",
                "Records are destroyed after the seven-year period only with the Import Compliance Lead's written "
                "approval, and never while an audit, inquiry, protest or prior disclosure is open.",
            ),
        ],
    ),
    (
        "Article 8 — Broker Oversight",
        [
            (
                "8.1 Instructions and powers of attorney",
                "Each broker holds a written letter of instruction and a power of attorney, both reviewed every "
                "January.",
            ),
            (
                "8.2 Review of every entry",
                "The Customs Specialist reviews every entry summary (100%) within five business days after the "
                "broker transmits it, against the invoice, packing list, Item Classification Register, Assist "
                "Register and Certification Register, and records the date, reviewer and result in the Broker "
                "Review Log. No entry is left without a log line.",
            ),
            ("8.3 Errors found", "An error found is logged and corrected under Article 9."),
            (
                "8.4 Broker scorecard",
                "Each quarter the Customs Specialist computes each broker's error rate (entries with an error / "
                "entries reviewed). Above 3% the Import Compliance Lead meets the broker's compliance manager and "
                "agrees corrective actions in writing.",
            ),
        ],
    ),
    (
        "Article 9 — Corrections and Prior Disclosure",
        [
            (
                "9.1 Post-summary corrections",
                "Errors on unliquidated entries are corrected by post-summary correction within 300 days of the "
                "date of entry and at least 20 days before the scheduled liquidation date (19 CFR 101.9(b)). The "
                "Import Compliance Lead approves each one.",
            ),
            (
                "9.2 Repeated corrections",
                "Two or more post-summary corrections on the same part number within twelve months start a "
                "root-cause review (register, broker instruction, supplier data), documented and closed within "
                "60 days.",
            ),
            (
                "9.3 Prior disclosure",
                "Errors that a post-summary correction cannot fix (liquidated entries, or a pattern over many "
                "entries) are assessed with customs counsel for a prior disclosure under 19 CFR 162.74, to be filed "
                "before CBP begins a formal investigation. The Import Compliance Lead informs the Chief Financial "
                "Officer within five business days of discovery. The duty owed is tendered with the disclosure or "
                "within 30 days of CBP's calculation. Exposure to penalties under 19 USC 1592 is part of the "
                "assessment.",
            ),
        ],
    ),
    (
        "Article 10 — Training",
        [
            (
                "10.1 Customs staff",
                "The Import Compliance Lead and the Customs Specialist each complete at least 16 hours of external "
                "customs training a year.",
            ),
            (
                "10.2 Accounts Payable",
                "Everyone who posts to 71500, 71520, 71540 or 8120 completes the one-hour module Assists and "
                "royalties within 30 days of hire and again every calendar year.",
            ),
            (
                "10.3 Sourcing",
                "Sourcing staff complete the one-hour module Origin, MIDs and supplier changes every calendar year.",
            ),
            (
                "10.4 Records of training",
                "Attendance is recorded in the Training Log with date, attendee, module and hours; a session not "
                "recorded is not counted.",
            ),
        ],
    ),
    (
        "Article 11 — Internal Audit",
        [
            (
                "11.1 Sample",
                "Twice a year, in April and October, the Controller's office tests a random sample of 25 entries "
                "from the previous six months, stratified by lane (ocean, land border) with at least one entry per "
                "broker. When the error rate of the sample exceeds 5%, the sample is extended to 50 entries.",
            ),
            (
                "11.2 Tests",
                "For each entry: tariff number against the register; value including assists and royalties; origin "
                "and MID; SPI claim against the Certification Register; records complete; review logged.",
            ),
            (
                "11.3 Reporting",
                "Results go to the Chief Financial Officer within 30 days; each finding has an owner and a due date "
                "for corrective action, followed up at the next audit.",
            ),
        ],
    ),
    (
        "Article 12 — Audit Readiness",
        [
            (
                "12.1 Team",
                "When CBP announces a Focused Assessment or any other audit, the Import Compliance Lead is the "
                "single point of contact and convenes the team (Lead, Customs Specialist, Controller, AP "
                "Supervisor, Sourcing Manager) within five business days; both brokers are informed.",
            ),
            (
                "12.2 Entrance conference package",
                "Before the entrance conference the team prepares: the organisation chart and roles (Article 2); "
                "flowcharts of the import process from purchase order to payment; these procedures and the "
                "previous revision; the Item Classification Register with copies of the rulings cited; ACE ES-003 "
                "reports for the review period; ledger extracts for 71500, 71520, 71540, 8120 and 40100 (foreign "
                "vendors); the brokers' letters of instruction and powers of attorney; the Broker Review Log; the "
                "Certification Register; the last two internal audit reports and their corrective actions; the "
                "Training Log; and the list of post-summary corrections and prior disclosures.",
            ),
            (
                "12.3 Request log",
                "Every CBP request is logged (date received, request, owner, due date, date answered) and a copy of "
                "what was given to CBP is kept in the audit file.",
            ),
            (
                "12.4 Issues found while preparing",
                "Any error found while preparing is assessed for prior disclosure (Article 9.3) before the "
                "entrance conference.",
            ),
        ],
    ),
]

# The rules of the SOP a reader should find, as the ground truth states them (the text above is the source).
SOP_RULES = {
    "document": SOP_ID + " revision 3, effective 2025-03-01",
    "record_retention": "seven (7) years from the date of entry (Article 7.1), two more than 19 USC 1508",
    "new_part_classification": "tariff number assigned by the Customs Specialist and approved by the Import "
    "Compliance Lead before the first purchase order (Article 3.1)",
    "ruling_request_trigger": "two plausible headings or a yearly duty difference above USD 10,000 (Article 3.3)",
    "assist_reporting": "AP posts to 71500/71520/71540 and sends the Assist Flag Report every Monday; the Customs "
    "Specialist decides the declaration within ten business days (Article 4.2)",
    "royalties": "GL 8120; dutiable when a condition of sale; a not-dutiable position needs a memo and, above "
    "USD 25,000 a year, counsel's written confirmation (Article 4.3)",
    "usmca": "claim S only with a certification on file before transmission; renewal requested 45 days before the "
    "blanket end (Articles 6.1-6.2)",
    "broker_review": "100% of entry summaries within five business days, logged in the Broker Review Log (8.2)",
    "broker_scorecard": "quarterly; error rate above 3% triggers a meeting (Article 8.4)",
    "post_summary_corrections": "within 300 days of entry and 20 days before liquidation; two or more on a part "
    "within twelve months start a root-cause review (Articles 9.1-9.2)",
    "prior_disclosure": "assessed with customs counsel under 19 CFR 162.74; CFO told within five business days",
    "training": "16 hours a year for the Lead and the Customs Specialist; AP module within 30 days of hire and "
    "yearly; Sourcing module yearly (Article 10)",
    "internal_audit": "April and October, 25 random entries stratified by lane, 50 if the error rate exceeds 5% (11.1)",
    "audit_readiness": "team within five business days; entrance conference package listed in Article 12.2",
}


def training_hours() -> dict[str, dict[str, float]]:
    """Hours per year and attendee in the training log."""
    out: dict[str, dict[str, float]] = {}
    for date, who, _role, _module, hours in TRAINING:
        year = out.setdefault(date[:4], {})
        year[who] = year.get(who, 0.0) + hours
    return {y: dict(sorted(v.items())) for y, v in sorted(out.items())}


REGISTERS = [
    ("Item Classification Register", "Customs Specialist", "ERP, export products.csv"),
    ("Assist Register", "Customs Specialist", "Compliance share, Assists.xlsx"),
    ("Certification Register", "Customs Specialist", "ERP, export certificates.csv"),
    ("Broker Review Log", "Customs Specialist", "ERP, export broker_reviews.csv"),
    ("Training Log", "Import Compliance Lead", "Compliance share, Training folder"),
    ("Rulings Library", "Customs Specialist", "Document management system, Rulings"),
]


def save_docx(doc, path: Path, stamp: dt.datetime) -> None:
    """Save ``doc`` with every zip member dated ``stamp``: the same bytes on every build."""
    buffer = io.BytesIO()
    doc.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for member in src.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(member))


def write_compliance_sop(path: Path, importer: str) -> None:
    """The SOP as a DOCX: title block, revision table, twelve articles, the list of registers."""
    from docx import Document

    doc = Document()
    doc.add_paragraph(importer)
    doc.add_heading("Import Compliance Procedures (SOP)", level=0)
    doc.add_paragraph(f"Document {SOP_ID}, revision 3, effective 1 March 2025.")
    doc.add_paragraph("Owner: Import Compliance Lead. Approved by: Chief Financial Officer.")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Revision", "Date", "Change")):
        cell.text = text
    for rev in REVISIONS:
        for cell, text in zip(table.add_row().cells, rev):
            cell.text = text
    for article, sections in ARTICLES:
        doc.add_heading(article, level=1)
        for heading, text in sections:
            doc.add_heading(heading, level=2)
            doc.add_paragraph(text.format(importer=importer))
    doc.add_heading("Registers kept under these procedures", level=1)
    registers = doc.add_table(rows=1, cols=3)
    for cell, text in zip(registers.rows[0].cells, ("Register", "Kept by", "Where")):
        cell.text = text
    for row in REGISTERS:
        for cell, text in zip(registers.add_row().cells, row):
            cell.text = text
    stamp = dt.datetime(2025, 3, 1, 9, 0)
    doc.core_properties.created = doc.core_properties.modified = doc.core_properties.last_printed = stamp
    doc.core_properties.author = doc.core_properties.last_modified_by = "P. Raman"
    save_docx(doc, path, stamp)


BROKER_LETTER = """# Letter of Instruction to Customs Brokers

{importer}, 14750 W. 99th Street, Lenexa, KS 66215
Date: 6 January 2025 (replaces the letter of 10 January 2022)

To: Westmark Customs Brokerage, Inc. (filer code W3K), ocean entries at Seattle, Tacoma and Houston;
Borderline Trade Services LLC (filer code B2L), truck entries at Laredo and Detroit.

These standing instructions apply to every entry you file for us as importer of record under our power
of attorney. Where they and a shipment notice disagree, ask us before you file.

## 1. Tariff numbers

Use only the 10-digit tariff number of our Item Classification Register, which we send you on the first
business day of each month. If a part number on an invoice is not in the register, hold the entry and
email the Customs Specialist; do not classify it yourself, and do not reuse a number you hold for another
client. If you think our number is wrong, tell us in writing; we will change the register, not you.

## 2. Value

Declare the invoice price. Add the amounts we notify in writing (assists, royalties) in the Line
Additions field of the entries we name, and nothing else. Tell us whenever an invoice or a supplier
message mentions moulds, tooling, consigned parts, engineering, a licence or royalty, a rebate or a
price adjustment.

## 3. Origin and manufacturer

Report the MID of the producer named in our shipment notice. If the invoice names another producer or
another country of origin, stop and ask. Report the Chapter 99 number with every line of Chinese origin.

## 4. USMCA

Claim SPI S only when our shipment notice quotes a certification number valid on the date of entry. If
the notice says NO USMCA CLAIM, or quotes no number, file without the claim.

## 5. Copies for our review

Send the draft CBP Form 7501 before transmission when a line has a new part number, a line value above
USD 75,000, or a claim under a certification you have not used before. Send the final entry summary
within two business days after transmission; we review every entry and log the review.

## 6. Corrections

File post-summary corrections only on our written instruction. Tell us within one business day of any
CBP Form 28 or 29, or any other request from CBP about our entries.

## 7. Records

Keep your records of our entries as 19 CFR 111.23 requires, and give us a copy of every document you
filed. We keep our own set for seven years.

Contacts: P. Raman, Import Compliance Lead; D. Okonkwo, Customs Specialist (imports@tallgrass-access.example).
"""


def write_broker_letter(path: Path, importer: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKER_LETTER.format(importer=importer), encoding="utf-8")


TRAINING = [
    ("2023-02-16", "P. Raman", "Import Compliance Lead", "Customs compliance seminar (external)", 8.0),
    ("2023-03-09", "D. Okonkwo", "Customs Specialist", "Classification of plastics, HTSUS Ch. 39 (external)", 4.0),
    ("2023-04-12", "M. Ferreira", "AP Supervisor", "Assists and royalties (internal module)", 1.0),
    ("2023-04-12", "J. Whitcomb", "AP Clerk", "Assists and royalties (internal module)", 1.0),
    ("2023-05-03", "S. Delgado", "Sourcing Manager", "Origin, MIDs and supplier changes (internal module)", 1.0),
    ("2023-10-05", "P. Raman", "Import Compliance Lead", "Customs valuation and assists (external)", 8.0),
    ("2023-09-21", "D. Okonkwo", "Customs Specialist", "USMCA rules of origin workshop (external)", 6.0),
    ("2024-02-22", "P. Raman", "Import Compliance Lead", "ACE reports and post-summary corrections (external)", 8.0),
    ("2024-03-14", "D. Okonkwo", "Customs Specialist", "Valuation: assists and royalties (external)", 4.0),
    ("2024-04-10", "M. Ferreira", "AP Supervisor", "Assists and royalties (internal module)", 1.0),
    ("2024-10-17", "L. Brandt", "Controller", "Internal audit of import transactions (external)", 3.0),
    ("2025-02-20", "P. Raman", "Import Compliance Lead", "Focused Assessment readiness (external)", 6.0),
    ("2025-03-12", "D. Okonkwo", "Customs Specialist", "Section 301 and Chapter 99 updates (webinar)", 2.0),
    ("2025-06-05", "K. Aydin", "AP Clerk (hired 2025-03-03)", "Assists and royalties (internal module)", 1.0),
    ("2026-01-27", "D. Okonkwo", "Customs Specialist", "Recordkeeping under 19 USC 1508/1509 (webinar)", 2.0),
    ("2026-02-11", "P. Raman", "Import Compliance Lead", "Customs valuation update (external)", 4.0),
]


def write_training_log(path: Path, importer: str) -> None:
    """The training log as fixed-width text, with yearly hours per person at the end."""
    lines = [
        f"TRAINING LOG - Import Compliance, {importer}",
        "Kept under SOP Article 10. Hours are contact hours. One line per attendee and session.",
        "",
        f"{'Date':<12}{'Attendee':<13}{'Role':<30}{'Module':<56}{'Hours':>5}",
    ]
    for date, who, role, module, hours in TRAINING:
        lines.append(f"{date:<12}{who:<13}{role:<30}{module:<56}{hours:>5.1f}")
    totals: dict[tuple[str, str], float] = {}
    for date, who, _role, _module, hours in TRAINING:
        totals[(date[:4], who)] = totals.get((date[:4], who), 0.0) + hours
    lines += ["", "Hours per attendee and year:"]
    lines += [f"  {year}  {who:<13}{hours:>5.1f}" for (year, who), hours in sorted(totals.items())]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


ROYALTY_MEMO = """# MEMORANDUM

From: P. Raman, Import Compliance Lead
To: Chief Financial Officer; copy D. Okonkwo, M. Ferreira
Date: 14 February 2025
Subject: AQUAVELA brand licence with Delft Hygiene Brands B.V. - customs value

## Facts

On 1 January 2025 {importer} signed a five-year licence with Delft Hygiene Brands B.V. (Netherlands)
to sell electronic bidet seats under the AQUAVELA trademark. We pay 4% of net sales of licensed seats,
half-yearly, within 30 days of each half-year end. The licensed seats are part BX 4410-02, bought from
Hsinchu Aquatronic Sanitary Corp. in Taiwan.

Clause 7.2 of the licence says that licensed seats may only be bought from a manufacturer approved in
writing by the licensor, and that the licensor may terminate the licence if we buy from any other
source. The licensor approved Hsinchu Aquatronic on 20 December 2024. The royalty is paid to the
licensor, not to the seller.

## Position

The royalty is paid on our resale in the United States, to a party unrelated to the seller, and is not
mentioned in the purchase contract with Hsinchu Aquatronic. My view is that it is not a condition of
the sale of the seats for exportation and need not be added to the entered value.

## Open points

1. Clause 7.2 lets the licensor control which manufacturer we buy from; CBP may read this as making the
   payment a condition of sale. To be confirmed by customs counsel.
2. The yearly royalty will exceed USD 25,000 from 2026 at the planned volumes (SOP Article 4.3).
3. Until counsel has answered, AP posts the payments to 8120 Licence fees - brand and copies the
   Customs Specialist.
"""


def write_royalty_memo(path: Path, importer: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ROYALTY_MEMO.format(importer=importer), encoding="utf-8")
