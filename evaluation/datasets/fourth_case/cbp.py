"""CBP's draft Focused Assessment report for the fourth case (PDF), worded the way RA&AAS words its reports:
three findings (royalties not reported, USMCA claims said to lack certifications, classification of a drain
hose), each with condition, criteria, cause, effect and recommendation. Its expected rebuttal positions are
agree, partial, disagree; ``draft_report`` returns them for the ground truth.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from evaluation.datasets.fourth_case.catalogue import IMPORTER, IOR
from evaluation.datasets.fourth_case.entrydocs import money
from evaluation.datasets.fourth_case.pdf import write_pdf
from evaluation.datasets.fourth_case.records import TRIVEX_FEE, Entry

SCOPE = (dt.date(2024, 1, 1), dt.date(2025, 12, 31))
REPORT_NO = "526-26-FA-0112"
REPORT_DATE = dt.date(2026, 9, 24)


def draft_report(path: Path, entries: list[Entry], payments: list[dict]) -> dict:
    lo, hi = SCOPE
    scope = [e for e in entries if lo <= e.entry_date <= hi]
    scope_value = sum(e.value for e in scope)
    trivex_units = sum(int(l.qty) for e in scope for l in e.lines if l.part.number == "PV-0300/DI")
    fees = trivex_units * TRIVEX_FEE
    royalty_loss = round(fees * (0.02 + 0.25), 2)
    gate = [e for e in scope if e.vendor == "SALTILLO" and e.entry_date >= dt.date(2024, 1, 1)]
    gate_listed = gate[:4]
    usmca_loss = round(sum(l.entered_value * 0.02 for e in gate_listed for l in e.lines), 2)
    hose_value = sum(l.entered_value for e in scope for l in e.lines if l.part.number == "4415.020")
    blocks: list[tuple[str, object]] = [
        ("small", "U.S. Department of Homeland Security"),
        ("h1", "U.S. Customs and Border Protection"),
        ("small", "Office of Trade - Regulatory Audit and Agency Advisory Services - Houston Field Office"),
        ("rule", None),
        ("title", "DRAFT - Focused Assessment"),
        ("p", f"{IMPORTER} (Importer No. {IOR})"),
        ("kv", ("Audit report no.", REPORT_NO)),
        ("kv", ("Date of draft", f"{REPORT_DATE:%B %d, %Y}")),
        ("kv", ("Scope period", f"{lo:%B} {lo.day}, {lo.year} through {hi:%B} {hi.day}, {hi.year}")),
        ("h2", "Executive Summary"),
        (
            "p",
            f"We conducted a Focused Assessment (FA) of {IMPORTER} (Ridgeline) to determine whether Ridgeline "
            "maintains adequate internal control over its import activities and whether it complies with U.S. "
            "Customs laws and regulations. During the scope period Ridgeline made {n} entries of merchandise with "
            "a total entered value of ${v}. We found that Ridgeline's internal control over valuation and special "
            "trade programs needs improvement. This draft is provided for Ridgeline's review; Ridgeline may "
            "respond in writing within 30 days of the date of this draft.".format(n=len(scope), v=money(scope_value)),
        ),
        ("h2", "Finding 1 - Valuation: licence fees not reported"),
        (
            "p",
            f"Condition: Ridgeline paid licence fees totaling ${money(fees)} to Valvole Brescia S.r.l. for "
            f"{trivex_units} TRIVEX triple-offset butterfly valves (part PV-0300/DI) imported during the scope "
            "period and manufactured by Ningbo Haoyu Valve Co., Ltd. The fees were recorded in general ledger "
            "account 6420 and were not reported to CBP as part of the price actually paid or payable.",
        ),
        (
            "p",
            "Criteria: 19 U.S.C. 1401a(b)(1)(D) requires that royalty and license fees related to the imported "
            "merchandise that the buyer is required to pay, directly or indirectly, as a condition of the sale be "
            "added to the price actually paid or payable.",
        ),
        (
            "p",
            "Cause: Ridgeline's procedure requires a quarterly review of account 6420, but no review was "
            "documented for 2025.",
        ),
        (
            "p",
            f"Effect: an estimated loss of revenue of ${money(royalty_loss)} in duties (including Section 301 duties).",
        ),
        (
            "p",
            "Recommendation: Ridgeline should report the licence fees for the entries concerned, tender the "
            "loss of revenue and document the quarterly review required by its procedures.",
        ),
        ("h2", "Finding 2 - Special trade programs: USMCA claims without certification"),
        (
            "p",
            "Condition: Ridgeline claimed USMCA preferential treatment on entries of gate valves, part "
            "PV-0510/CS, produced by Valvulas y Fundicion de Saltillo S.A. de C.V. Ridgeline did not provide a "
            "certification of origin valid on the date of importation for the following entries: "
            + ", ".join(e.number for e in gate_listed)
            + ".",
        ),
        (
            "p",
            "Criteria: 19 CFR 182.12 requires that an importer making a claim for preferential tariff treatment "
            "under USMCA base the claim on a certification of origin and have it in its possession at the time "
            "the claim is made.",
        ),
        ("p", "Cause: Ridgeline does not verify certifications before the broker files the entry."),
        ("p", f"Effect: an estimated loss of revenue of ${money(usmca_loss)}."),
        (
            "p",
            "Recommendation: Ridgeline should provide valid certifications for the entries listed or file "
            "post-summary corrections removing the claim, and ensure claims are made only with a certification "
            "in hand.",
        ),
        ("h2", "Finding 3 - Classification: PVC drain hose assemblies"),
        (
            "p",
            "Condition: Ridgeline classified PVC drain hose assemblies, part 4415.020, in subheading "
            "3917.33.0000, HTSUS, as hoses not reinforced or otherwise combined with other materials, with "
            "fittings. Because each assembly includes a steel clip, CBP believes the hose is combined with "
            "other materials and is classifiable in subheading 3917.39.0050, HTSUS. The entered value of the "
            f"assemblies in the scope period was ${money(hose_value)}.",
        ),
        ("p", "Criteria: General Rules of Interpretation 1 and 6, HTSUS; 19 U.S.C. 1484."),
        (
            "p",
            "Effect: misclassification; no loss of revenue is computed because the assemblies were entered "
            "under USMCA, but the classification affects the origin determination.",
        ),
        (
            "p",
            "Recommendation: Ridgeline should review the classification of part 4415.020 and correct its "
            "Parts Classification Database.",
        ),
        ("h2", "Closing"),
        (
            "p",
            "An exit conference will be scheduled after Ridgeline's response. For questions contact the auditor "
            "in charge, Field Auditor R. Castellanos, Houston Field Office.",
        ),
    ]
    write_pdf(
        path,
        blocks,
        title=f"Draft FA report {REPORT_NO}",
        created=REPORT_DATE,
        header=f"DRAFT  -  Audit Report {REPORT_NO}  -  not for distribution outside the auditee",
        footer="CBP RA&AAS draft - for discussion with the auditee",
    )
    pay = {p["Memo"]: p["Payment ID"] for p in payments}
    royalty_ids = [pid for memo, pid in pay.items() if memo.startswith("TRIVEX design licence")]
    return {
        "number": REPORT_NO,
        "scope_entries": len(scope),
        "scope_value": round(scope_value, 2),
        "royalty_fees": fees,
        "royalty_units": trivex_units,
        "royalty_loss": royalty_loss,
        "usmca_entries": [e.number for e in gate_listed],
        "usmca_loss": usmca_loss,
        "findings": [
            {
                "title": "Valuation: licence fees not reported",
                "expected_position": "agree",
                "evidence": [royalty_ids[0]],
            },
            {
                "title": "Special trade programs: USMCA claims without certification",
                "expected_position": "partial",
                "evidence": ["VFS-2024-07"],
            },
            {
                "title": "Classification: PVC drain hose assemblies",
                "expected_position": "disagree",
                "evidence": ["N348766"],
            },
        ],
    }
