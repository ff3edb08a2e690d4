"""The importer's own documents in the fourth case.

- The Customs Compliance Manual (PDF): a cover page, a table of contents and twelve numbered procedures
  ``CP-00`` .. ``CP-11``, each laid out as *A. Purpose / B. Requirements (B.1, B.2 ...) / C. Records*, with a
  running header and three appendices (watched ledger accounts, retention schedule, revision history).
- Desk procedure DP-AP-07 (DOCX): how Accounts Payable reports assists, design work and licence fees.
- The 2026 letter of instruction to both customs brokers (PDF).

Their rules are specific (six-year retention, ten business days for entry reviews, RF-17 within three business
days, USD 38.00 per TRIVEX valve, ...) so that answers about them can be checked against the text; several are
not followed in the records.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from evaluation.datasets.fourth_case.catalogue import BROKERS, IMPORTER, IMPORTER_ADDRESS
from evaluation.datasets.fourth_case.pdf import write_pdf
from evaluation.datasets.third_case.manual import save_docx

MANUAL_ID = "RFC-CCM-01"
MANUAL_REV = "Rev. D"
MANUAL_EFFECTIVE = "February 2, 2026"

# Procedure number, title, owner, purpose, [(requirement heading, text)], records
PROCEDURES: list[tuple[str, str, str, str, list[tuple[str, str]], str]] = [
    (
        "CP-00",
        "How this manual works",
        "Trade Compliance Manager",
        "This manual is Ridgeline's written statement of how it exercises reasonable care as importer of record "
        "under 19 USC 1484. It applies to every shipment entered for consumption in Ridgeline's name, by either "
        "broker, at any port.",
        [
            (
                "Binding force",
                "Every employee who buys, pays for, classifies, ships or enters imported goods must follow the "
                "procedures that concern their job. Departures need the written consent of the Trade Compliance "
                "Manager, filed with the procedure concerned.",
            ),
            (
                "Review cycle",
                "The Trade Compliance Manager reviews the whole manual once a year, in January, and after any "
                "change in law, in suppliers, or in brokers. Revisions are approved by the Vice President Finance "
                "& Administration and listed in Appendix C.",
            ),
        ],
        "Signed approval page; Appendix C.",
    ),
    (
        "CP-01",
        "Roles and responsibilities",
        "Vice President Finance & Administration",
        "To say who does what, so that no customs task depends on one person's memory.",
        [
            (
                "Executive sponsor",
                "Dana Whitfield, Vice President Finance & Administration, is the executive sponsor of the "
                "import compliance program. She approves this manual, the annual training plan and, jointly with "
                "the General Counsel, any prior disclosure.",
            ),
            (
                "Trade Compliance Manager (TCM)",
                "Marisol Ortega. Owns this manual; approves every HTS classification, valuation position and "
                "post-summary correction; signs all responses to CBP; is Ridgeline's single point of contact with "
                "CBP and the leader of the FA Response Team.",
            ),
            (
                "Trade Compliance Analyst (TCA)",
                "Kevin Tran. Prepares classification worksheets; reviews broker entries; keeps the Parts "
                "Classification Database, the Certificate Log, the Assist Register, the Broker Review Log and the "
                "ruling library; downloads the ES-003 report every month.",
            ),
            (
                "Controller",
                "Janet Okafor. Approves the value of each assist and how it is apportioned; calculates the "
                "quarterly TRIVEX licence fee; keeps the AP ledger accounts listed in Appendix A clean.",
            ),
            (
                "Accounts Payable Supervisor",
                "Beth Lindqvist. Codes payments to foreign parties, runs the weekly watch-account report and "
                "sends Assist Notices (form RF-17) under desk procedure DP-AP-07.",
            ),
            (
                "Director of Purchasing",
                "Rafael Quintero. Tells the TCA in writing before the first purchase order of any new part, new "
                "supplier or factory, tooling order, design contract or licence agreement.",
            ),
            (
                "General Counsel",
                "Harold Yates. Engages outside customs counsel; decides, with the executive sponsor, on prior "
                "disclosures and on anything that may lead to a penalty.",
            ),
        ],
        "Organisation chart kept with this manual; delegation letters.",
    ),
    (
        "CP-02",
        "Recordkeeping and retention",
        "Trade Compliance Manager",
        "To keep every record CBP may ask for under 19 USC 1508 and 1509 and 19 CFR Part 163, and to find it quickly.",
        [
            (
                "Retention period",
                "Ridgeline keeps entry records for six (6) years from the date of entry, one year longer than the "
                "five years the law requires. USMCA certifications and their supporting records are kept six years "
                "after the last entry that claimed preference under them. Records of payments for assists and "
                "licence fees are kept six years after the final payment.",
            ),
            (
                "What an entry file holds",
                "For every entry: the CBP Form 7501, the commercial invoice, the packing list, the bill of lading or "
                "air waybill, the purchase order, proof of payment, any Assist Notice and any certification of "
                "origin relied on. The broker sends the complete entry packet within three business days after "
                "release.",
            ),
            (
                "Where records live",
                "All records are stored electronically in DocuVault, in one folder per entry named by entry "
                "number. Paper originals are scanned and may be discarded after the scan has been checked.",
            ),
            (
                "Destruction",
                "Records past their retention period are destroyed once a year, in January, only after the "
                "Trade Compliance Manager has approved the destruction list in writing. A legal hold from the "
                "General Counsel suspends all destruction.",
            ),
        ],
        "DocuVault index; annual destruction list with approval.",
    ),
    (
        "CP-03",
        "Classification of new and changed parts",
        "Trade Compliance Manager",
        "To make sure every part has one approved 10-digit HTS number before it is first ordered abroad, and that "
        "the brokers use it.",
        [
            (
                "No classification, no order",
                "No purchase order for an imported part may be released until the part has an approved HTS number "
                "in the Parts Classification Database.",
            ),
            (
                "Proposal",
                "The TCA prepares a Classification Worksheet (form CL-1) within five business days of the request "
                "from Purchasing, with the product's description, drawing, material, function, the GRI analysis, "
                "any CBP rulings found in CROSS, and the proposed HTS number and duty rate.",
            ),
            (
                "Approval",
                "The Trade Compliance Manager approves or rejects the CL-1. Her approval and its date are entered "
                "in the database (fields Approved By and Approved Date).",
            ),
            (
                "Binding rulings",
                "A binding ruling is requested under 19 CFR Part 177 when the estimated annual duty effect of the "
                "choice between two reasonable HTS numbers exceeds $15,000, or when the TCM and the broker "
                "disagree. The ruling is filed in the ruling library and its number entered in the database.",
            ),
            (
                "Changes and annual review",
                "A change of HTS number needs the same approval and is sent to both brokers within two business "
                "days. The whole database is re-reviewed every October against the new HTSUS edition.",
            ),
        ],
        "CL-1 worksheets; Parts Classification Database (export products.csv); ruling library.",
    ),
    (
        "CP-04",
        "Customs valuation: price, assists, royalties and licence fees",
        "Controller (with the TCM)",
        "To declare the full transaction value under 19 USC 1401a, including additions for assists and for "
        "royalties and licence fees that are a condition of sale.",
        [
            (
                "Price actually paid or payable",
                "The entered value is the invoice price of the goods plus the additions below. International "
                "freight and insurance invoiced separately by the forwarder (ledger 5310 or 5320) are not part of "
                "the value. Credit notes and retroactive price changes are sent to the TCA the week they are "
                "booked.",
            ),
            (
                "Assists",
                "Tooling, molds, dies, patterns, materials and engineering, design or artwork done outside the "
                "United States that Ridgeline supplies free or at reduced cost to a foreign producer are assists. "
                "Accounts Payable codes them to ledger 1540, 1320 or 6150 and reports each one to Trade "
                "Compliance on an Assist Notice (form RF-17) under DP-AP-07.",
            ),
            (
                "Declaring an assist",
                "The TCA enters each assist in the Assist Register and instructs the broker to declare its full "
                "value on the first entry of goods produced with it, unless the Controller approves in writing "
                "that it be prorated over the expected production quantity. Assists already paid and not yet "
                "declared are declared by post-summary correction.",
            ),
            (
                "Royalties and licence fees",
                "Payments booked to ledger 6420 are reviewed by the TCM each quarter against the three questions "
                "CBP applies (is the fee related to the imported goods, is it a condition of sale, to whom and "
                "under what arrangement is it paid). A fee found dutiable is declared within 30 days after the end "
                "of the quarter, by post-summary correction on the entries concerned or through reconciliation.",
            ),
            (
                "Related parties",
                "Ridgeline buys from no related party at the date of this revision. Any new related supplier must "
                "be reported to the TCM before the first order.",
            ),
        ],
        "Assist Register; RF-17 notices; quarterly royalty memo signed by the TCM.",
    ),
    (
        "CP-05",
        "USMCA and other preference claims",
        "Trade Compliance Analyst",
        "To claim USMCA preference (SPI S or S+) only for goods that qualify and for which Ridgeline holds a "
        "valid certification of origin.",
        [
            (
                "Certification first",
                "A USMCA claim may be made only when a certification of origin covering the part number and the "
                "date of importation is recorded in the Certificate Log. Blanket certifications may cover a period "
                "of up to 12 months.",
            ),
            (
                "Renewal",
                "The TCA asks the producer for the next certification 60 days before the blanket period ends. If "
                "the renewal has not been received by the end date, the TCA instructs the broker in writing, on "
                "that day, to stop claiming USMCA for the part until a new certification is logged.",
            ),
            (
                "Supplier verification",
                "Each producer certifying origin answers Ridgeline's origin questionnaire once a year and keeps its "
                "bill of materials available for review.",
            ),
            (
                "Claims after importation",
                "Where preference was not claimed at entry for a qualifying good, the TCA may file a "
                "post-importation claim within one year of importation under 19 CFR 182.32.",
            ),
        ],
        "Certificate Log (export certificates.csv); certifications in DocuVault.",
    ),
    (
        "CP-06",
        "Broker management and entry review",
        "Trade Compliance Manager",
        "To supervise the two customs brokers and to check every entry they file in Ridgeline's name.",
        [
            (
                "Brokers",
                "Harbor Zenith Customs Brokers, Inc. (filer code HZ6) files ocean and air entries at Houston, Long "
                "Beach and Dallas/Fort Worth. Tres Quintas Customs Services, LLC (filer code TQ2) files truck "
                "entries from Mexico at Laredo. Both act under a power of attorney and the letter of instruction "
                "reissued every January.",
            ),
            (
                "Review of every entry",
                "The TCA reviews 100 percent of entries within 10 business days of the entry summary date, using "
                "the Entry Review Checklist (ERC-2): HTS against the database, value and additions against the "
                "invoice and the Assist Register, origin and MID, SPI against the Certificate Log, Chapter 99 "
                "numbers, quantities. The result is recorded in the Broker Review Log.",
            ),
            (
                "Errors",
                "Errors are graded critical (wrong HTS, unsupported SPI claim, missing addition to value, wrong "
                "origin), major or minor. A critical error is escalated to the TCM the same business day and "
                "corrected under CP-07.",
            ),
            (
                "Scorecard",
                "Each quarter the TCM sends each broker a scorecard. The target is an error rate below 2 percent "
                "of lines reviewed; a broker above 5 percent for two quarters in a row is put on a corrective "
                "action plan.",
            ),
        ],
        "Broker Review Log (export broker_reviews.csv); ERC-2 checklists; quarterly scorecards.",
    ),
    (
        "CP-07",
        "Post-summary corrections",
        "Trade Compliance Manager",
        "To correct errors in entries that have not yet liquidated.",
        [
            (
                "Approval",
                "Every post-summary correction (PSC) is approved by the Trade Compliance Manager before the broker "
                "files it. The broker files within five business days of the approval.",
            ),
            (
                "Deadline",
                "A PSC can only be filed within 300 days of the date of entry and at least 15 days before the "
                "scheduled liquidation date. The TCA checks the liquidation date in ACE before asking the broker.",
            ),
            (
                "After liquidation",
                "Errors found after liquidation are corrected by protest on CBP Form 19 within 180 days of "
                "liquidation, or reported to the TCM for a decision under CP-08.",
            ),
            (
                "Repeated corrections",
                "Three or more corrections for the same part number within twelve months are treated as a "
                "systemic error: the TCM finds the root cause and records it in the PSC log.",
            ),
        ],
        "PSC log; broker confirmations of filing.",
    ),
    (
        "CP-08",
        "Prior disclosure and escalation",
        "General Counsel",
        "To decide quickly and with counsel whether to file a prior disclosure under 19 USC 1592(c)(4) and "
        "19 CFR 162.74 when an error may have caused a loss of revenue.",
        [
            (
                "When to escalate",
                "The TCM escalates any error with an estimated loss of revenue above $5,000, any error affecting "
                "more than 10 entries, and any unreported assist, royalty or licence fee, whatever its amount.",
            ),
            (
                "How",
                "The TCM informs the Vice President Finance & Administration and the General Counsel in writing "
                "within two business days of finding the error, with a first estimate of the entries and duties "
                "concerned.",
            ),
            (
                "Decision",
                "The General Counsel engages outside customs counsel. The VP Finance & Administration and the "
                "General Counsel decide within 30 days of escalation whether to file. A disclosure must be made "
                "before Ridgeline learns of a formal investigation; the FA itself is not such an investigation, "
                "but counsel confirms this in each case.",
            ),
            (
                "Tender",
                "The unpaid duties are tendered with the disclosure or within 30 days after CBP notifies the "
                "amount it has calculated.",
            ),
        ],
        "Escalation memo; counsel's advice; copy of the disclosure and proof of tender.",
    ),
    (
        "CP-09",
        "Requests for information (CF-28) and notices of action (CF-29)",
        "Trade Compliance Manager",
        "To answer CBP completely and on time.",
        [
            (
                "Logging",
                "Every CBP Form 28 or 29 received by Ridgeline or sent on by a broker is logged by the TCA on the "
                "day it is received, with its due date.",
            ),
            (
                "CF-28 Request for Information",
                "The TCA gathers the records and drafts the answer; the Trade Compliance Manager reviews and signs "
                "it. The answer is due within 30 days of the date of the request. If more time is needed the TCA asks the import "
                "specialist for an extension in writing before the due date.",
            ),
            (
                "CF-29 Notice of Action",
                "The TCM reviews a CF-29 within five business days. If Ridgeline disagrees with a proposed action, "
                "the TCM answers before the date stated in the notice; after liquidation the remedy is a protest "
                "within 180 days. A CF-29 that reveals an error in other entries is handled under CP-07 and CP-08.",
            ),
            (
                "Copies",
                "The broker concerned receives a copy of every request and answer; both are filed in DocuVault "
                "under the entry number.",
            ),
        ],
        "CF-28/CF-29 log; answers with their attachments.",
    ),
    (
        "CP-10",
        "Training",
        "Trade Compliance Manager",
        "To keep the people who make customs decisions able to make them.",
        [
            (
                "Trade compliance staff",
                "The TCM and the TCA each complete at least 16 hours of external customs training a year "
                "(seminars, NCBFAA or university courses, CBP webinars).",
            ),
            (
                "Accounts Payable and Purchasing",
                "Staff of Accounts Payable and Purchasing complete the 90-minute internal course 'Assists, "
                "Royalties and Other Additions' every March, taught by the TCM.",
            ),
            (
                "New employees",
                "New employees in these departments complete the course within 45 days of their start date.",
            ),
            (
                "Records",
                "Attendance is recorded in the learning management system and kept for six years.",
            ),
        ],
        "Training plan; attendance records.",
    ),
    (
        "CP-11",
        "Focused Assessment readiness",
        "Trade Compliance Manager",
        "To be ready for a CBP Focused Assessment (FA) at any time and to manage one when it comes.",
        [
            (
                "FA Response Team",
                "Within five business days of receiving CBP's FA notification letter, the TCM convenes the FA "
                "Response Team: the TCM (lead), the TCA, the Controller, the AP Supervisor, the Director of "
                "Purchasing and a representative of each broker. The General Counsel is kept informed.",
            ),
            (
                "Pre-assessment survey",
                "The TCM coordinates the answers to the pre-assessment survey questionnaire; the General Counsel "
                "reviews them before they are sent to CBP.",
            ),
            (
                "Entrance conference",
                "Dana Whitfield, VP Finance & Administration, opens the entrance conference; the TCM presents a "
                "30-minute overview of the compliance program, this manual and the internal controls. Both brokers "
                "attend.",
            ),
            (
                "Walkthroughs",
                "For the walkthroughs the TCM prepares a written narrative and a flowchart of four processes: "
                "procure-to-pay, classification, entry review and USMCA claims. The person who performs each step "
                "explains it to the auditors.",
            ),
            (
                "Documents given to CBP",
                "All documents go to CBP through the TCM only, each page numbered RFC-FA-0001 onward, and a copy "
                "of everything provided is kept.",
            ),
            (
                "Mock testing",
                "Each year, and at once on notice of an FA, the TCA tests a random sample of 25 entries against the "
                "ERC-2 checklist, the way CBP tests a sample, and the TCM reports the results to the executive "
                "sponsor.",
            ),
            (
                "Draft report",
                "Ridgeline answers CBP's draft report within 30 days, finding by finding: agreement, partial "
                "agreement or disagreement, with the evidence.",
            ),
        ],
        "FA file: notification letter, survey answers, walkthrough narratives, document log, mock test results.",
    ),
]

WATCHED_ACCOUNTS = [
    ("1540", "Tooling - Consigned to Suppliers", "Molds, dies, patterns, fixtures at a foreign producer", "Assist"),
    ("1320", "Materials Consigned to Suppliers", "Materials sent free to a foreign producer", "Assist"),
    ("6150", "Outside Engineering & Design", "Drawings, design, engineering by outside firms", "Assist if done abroad"),
    ("6420", "Licence Fees & Royalties", "TRIVEX design licence and any other licence", "Review quarterly"),
    ("5310 / 5320", "Inbound Freight - Ocean / Truck", "International freight to the US", "Not in value"),
]

RETENTION = [
    ("Entry packet (7501, invoice, packing list, B/L, PO)", "6 years from date of entry", "DocuVault / entry no."),
    ("USMCA certification and origin support", "6 years after last entry claiming it", "DocuVault / Certificates"),
    ("Assist Notices (RF-17), Assist Register", "6 years after final payment", "DocuVault / Assists"),
    ("Classification worksheets CL-1, rulings", "6 years after the part is discontinued", "DocuVault / Classification"),
    ("Broker Review Log, ERC-2 checklists", "6 years", "DocuVault / Broker reviews"),
    ("Training records", "6 years", "Learning management system"),
]

REVISIONS = [
    ("A", "March 1, 2019", "First issue"),
    ("B", "June 15, 2021", "CP-05 rewritten for USMCA; Laredo broker added"),
    ("C", "April 3, 2023", "CP-04 assists: RF-17 notice introduced; CP-06 error grading"),
    ("D", "February 2, 2026", "Retention raised to six years; CP-08 thresholds; CP-11 added"),
]


def write_manual(path: Path) -> None:
    blocks: list[tuple[str, object]] = [
        ("gap", 30),
        ("title", IMPORTER),
        ("h1", "CUSTOMS COMPLIANCE MANUAL"),
        ("p", f"Document {MANUAL_ID}, {MANUAL_REV}, effective {MANUAL_EFFECTIVE}"),
        ("p", IMPORTER_ADDRESS),
        ("gap", 10),
        ("kv", ("Owner", "Marisol Ortega, Trade Compliance Manager")),
        ("kv", ("Approved", "Dana Whitfield, Vice President Finance & Administration")),
        ("kv", ("Distribution", "Trade Compliance, Finance, Accounts Payable, Purchasing, both customs brokers")),
        ("page", None),
        ("h1", "Contents"),
    ]
    for number, title, *_ in PROCEDURES:
        blocks.append(("p", f"Procedure {number}   {title}"))
    blocks += [
        ("p", "Appendix A   Ledger accounts watched by Trade Compliance"),
        ("p", "Appendix B   Retention schedule"),
        ("p", "Appendix C   Revision history"),
    ]
    for number, title, owner, purpose, reqs, records in PROCEDURES:
        blocks += [
            ("page", None),
            ("small", f"PROCEDURE {number}"),
            ("h1", title.upper()),
            ("small", f"Procedure owner: {owner}"),
            ("rule", None),
            ("h2", "A. Purpose"),
            ("p", purpose),
            ("h2", "B. Requirements"),
        ]
        for i, (heading, text) in enumerate(reqs, start=1):
            blocks.append(("h3", f"B.{i}  {heading}"))
            blocks.append(("p", text))
        blocks += [("h2", "C. Records produced"), ("p", records)]
    blocks += [
        ("page", None),
        ("h1", "APPENDIX A - LEDGER ACCOUNTS WATCHED BY TRADE COMPLIANCE"),
        ("table", ([22, 50, 68, 40], [["Account", "Name", "What is posted", "Customs treatment"], *WATCHED_ACCOUNTS])),
        ("h1", "APPENDIX B - RETENTION SCHEDULE"),
        ("table", ([80, 55, 45], [["Record", "Keep for", "Where"], *RETENTION])),
        ("h1", "APPENDIX C - REVISION HISTORY"),
        ("table", ([20, 40, 120], [["Rev.", "Date", "Change"], *REVISIONS])),
    ]
    write_pdf(
        path,
        blocks,
        title=f"Customs Compliance Manual {MANUAL_ID}",
        created=dt.date(2026, 2, 2),
        author="M. Ortega",
        header=f"{IMPORTER}  |  Customs Compliance Manual {MANUAL_ID}  |  {MANUAL_REV}",
        footer="Controlled copy - printed copies are uncontrolled",
    )


# ---------------------------------------------------------------------------------------------------------------
# Desk procedure DP-AP-07 (DOCX)

DESK_STEPS: list[tuple[str, list[str]]] = [
    (
        "1. Why Accounts Payable is involved",
        [
            "CBP adds to the price of imported goods the value of what we give the factory for free (tooling, "
            "patterns, dies, materials, drawings made abroad) and the licence fees we pay because of those goods. "
            "These costs never appear on the supplier's invoice, so the only place Ridgeline sees them is the AP "
            "ledger. If AP does not report them, nobody will.",
        ],
    ),
    (
        "2. Accounts to watch",
        [
            "1540 Tooling - Consigned to Suppliers",
            "1320 Materials Consigned to Suppliers",
            "6150 Outside Engineering & Design",
            "6420 Licence Fees & Royalties",
            "A posting to any of these four accounts for a foreign vendor or for goods made abroad is reported, "
            "whatever the amount.",
        ],
    ),
    (
        "3. Weekly routine",
        [
            "Every Monday before noon the AP Supervisor runs the ERP report ZAP_WATCH for the previous week's "
            "postings to the four accounts.",
            "For each posting, AP completes an Assist Notice (form RF-17) and e-mails it to "
            "tradecompliance@ridgelinefluid.com within three business days of the posting.",
            "The Trade Compliance Analyst answers with an assist number (AS-year-sequence) and enters it in the "
            "Assist Register. AP writes the assist number in the invoice's memo field.",
        ],
    ),
    (
        "4. Filling in the RF-17",
        [
            "Vendor paid, and the foreign producer that receives the tooling, material or design, with its "
            "manufacturer ID (MID) when known.",
            "Part numbers made with it and the first purchase order concerned.",
            "Amount paid in USD, payment date and ledger account.",
            "Whether the amount is already included in the supplier's unit price: answer Yes only with the "
            "supplier's quotation that says so, attached to the RF-17.",
        ],
    ),
    (
        "5. The TRIVEX licence",
        [
            "Under the licence agreement with Valvole Brescia S.r.l. dated December 12, 2024, Ridgeline pays a "
            "fee of USD 38.00 for each TRIVEX butterfly valve (part PV-0300/DI) imported.",
            "The Controller calculates the fee within 10 business days after each quarter from the receiving "
            "records; AP pays it by the end of the month following the quarter and books it to 6420.",
            "AP sends the calculation to Trade Compliance with an RF-17 marked 'licence fee'. Trade Compliance "
            "decides whether it must be added to the entered value (Manual CP-04).",
        ],
    ),
    (
        "6. What is not an assist",
        [
            "Engineering or design work performed in the United States (for example a supplier's field engineer "
            "commissioning equipment at our Tulsa plant).",
            "Software licences used in Tulsa, such as the PumpSel sizing software.",
            "Freight and insurance invoiced by the forwarder (5310, 5320), and inspection fees (6160).",
            "If in doubt, send the RF-17 anyway: Trade Compliance decides.",
        ],
    ),
    (
        "7. Late reports and exceptions",
        [
            "An RF-17 more than 30 days late is reported by the AP Supervisor to the Controller, who informs the "
            "Trade Compliance Manager.",
            "Each month the AP Supervisor and the Trade Compliance Analyst reconcile the four accounts with the "
            "Assist Register and sign the reconciliation.",
        ],
    ),
    (
        "8. Records",
        [
            "RF-17 notices, supplier quotations and the monthly reconciliations are kept in DocuVault, folder "
            "Assists, for six years after the final payment.",
        ],
    ),
]


def write_desk_procedure(path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("Desk Procedure DP-AP-07", level=0)
    doc.add_paragraph("Reporting assists, design work and licence fees to Trade Compliance")
    table = doc.add_table(rows=0, cols=2)
    for label, value in (
        ("Company", IMPORTER),
        ("Department", "Accounts Payable"),
        ("Procedure owner", "Beth Lindqvist, Accounts Payable Supervisor"),
        ("Approved by", "Janet Okafor, Controller"),
        ("Revision / effective", "Revision 2, effective March 3, 2025"),
        ("Related", f"Customs Compliance Manual {MANUAL_ID}, procedures CP-04 and CP-08"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for heading, items in DESK_STEPS:
        doc.add_heading(heading, level=1)
        bulleted = heading.startswith(("2.", "4.", "6."))
        for text in items:
            doc.add_paragraph(text, style="List Bullet" if bulleted else None)
    doc.add_heading("Revision history", level=1)
    rev = doc.add_table(rows=1, cols=3)
    for cell, text in zip(rev.rows[0].cells, ("Rev.", "Date", "Change")):
        cell.text = text
    for row in (
        ("1", "April 3, 2023", "First issue with the RF-17 notice"),
        ("2", "March 3, 2025", "TRIVEX licence fee (step 5); what is not an assist (step 6)"),
    ):
        for cell, text in zip(rev.add_row().cells, row):
            cell.text = text
    stamp = dt.datetime(2025, 3, 3, 9, 0)
    props = doc.core_properties
    props.created = props.modified = props.last_printed = stamp
    props.author = props.last_modified_by = "B. Lindqvist"
    props.title = "DP-AP-07 Reporting assists, design work and licence fees"
    save_docx(doc, path, stamp)


# ---------------------------------------------------------------------------------------------------------------
# Letter of instruction to the brokers (PDF)

LETTER_ITEMS = [
    (
        "Classification",
        "Declare the HTS number of the Parts Classification Database export we send you each month, never a "
        "number from an earlier entry or from the supplier's invoice. If you believe a number is wrong, tell the "
        "Trade Compliance Manager before filing; do not change it on your own.",
    ),
    (
        "Section 301",
        "Report the Chapter 99 number (9903.88.01, 9903.88.02, 9903.88.03 as applicable) on every line of goods "
        "of Chinese origin, as a separate tariff ordinal of the same line.",
    ),
    (
        "USMCA",
        "Claim USMCA (SPI S or S+) only for the part numbers and periods in the Certificate Log extract attached. "
        "At the date of this letter that is hose assemblies 4415.020 and 4415.032 from Componentes Hidraulicos "
        "del Bajio, certification CHB-USMCA-2026, valid to December 31, 2026. No certification covers gate valve "
        "PV-0510/CS after June 30, 2025: declare it without preference until we send you a new certification.",
    ),
    (
        "Assists and licence fees",
        "We will send you each assist to declare, with its amount and the entries concerned. Declare it in the "
        "line's additions and include it in the entered value. For the TRIVEX valve PV-0300/DI, expect "
        "instructions each quarter.",
    ),
    (
        "Country of origin and MID",
        "Declare the country of origin and the MID of the factory that made the goods as shown on the invoice. "
        "Where the invoice names a different factory from the seller, declare that factory's MID and tell us.",
    ),
    (
        "Entry packet",
        "Send the complete entry packet (7501, commercial invoice, packing list, bill of lading or air waybill) "
        "to entries@ridgelinefluid.com within two business days of release. Our manual gives you three; please "
        "aim for two.",
    ),
    (
        "ES-003 report",
        "Run the ACE ES-003 Entry Summary Line Tariff Details report for our importer number every month and "
        "send it to us by the fifth business day of the following month.",
    ),
    (
        "Post-summary corrections",
        "File a PSC only on written instruction from the Trade Compliance Manager, within five business days of "
        "the instruction.",
    ),
    (
        "CBP requests",
        "Send us any CF-28, CF-29 or other CBP request concerning our entries on the day you receive it.",
    ),
    (
        "Contacts",
        "Marisol Ortega, Trade Compliance Manager, (918) 555-0142, for any question of classification, value, "
        "origin or preference; Kevin Tran, Trade Compliance Analyst, (918) 555-0177, for entry packets and "
        "reviews.",
    ),
]


def write_broker_letter(path: Path) -> None:
    hz, tq = BROKERS["HZ6"], BROKERS["TQ2"]
    blocks: list[tuple[str, object]] = [
        ("h1", IMPORTER),
        ("small", f"{IMPORTER_ADDRESS}  |  Trade Compliance"),
        ("rule", None),
        ("p", "January 15, 2026"),
        ("p", f"{hz.name} (filer code {hz.filer}), {hz.city}\n{tq.name} (filer code {tq.filer}), {tq.city}"),
        ("h2", "Letter of Instruction to Customs Brokers - 2026"),
        (
            "p",
            "This letter replaces our letter of January 2025 and stays in force until replaced. It is given under "
            "the customs power of attorney each of you holds for Ridgeline Fluid Controls, Inc. (importer number "
            "73-418852600). Please confirm receipt and acceptance by signing and returning a copy by January 31, "
            "2026.",
        ),
    ]
    for i, (heading, text) in enumerate(LETTER_ITEMS, start=1):
        blocks.append(("h3", f"{i}. {heading}"))
        blocks.append(("p", text))
    blocks += [
        ("gap", 4),
        ("p", "Sincerely,"),
        ("p", "Marisol Ortega\nTrade Compliance Manager"),
        ("gap", 4),
        ("small", "Received and accepted for the broker: ____________________  Date: ____________"),
    ]
    write_pdf(path, blocks, title="Letter of Instruction to Customs Brokers 2026", created=dt.date(2026, 1, 15))
