"""Documents in CBP's own shapes, for the evaluation and the tests: the opening of the Pre-Assessment
Survey Questionnaire (contact block, Section 1 heading, questions 1.1 to 1.2.2), and a draft report of
the kind CBP writes (findings in general terms, a part number only in a heading, "Finding No. N", an
audit period, a schedule of 20 entries) built from a case's records, with the positions its ground
truth supports."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.normalize import entry_number
from evaluation.datasets.record_questions import read_rows

QUESTIONNAIRE_OPENING = """U.S. Customs and Border Protection
Regulatory Audit
PRE-ASSESSMENT SURVEY QUESTIONNAIRE

Please provide the name, title, phone number and e-mail address of the person(s) responsible for
preparing the responses to this questionnaire.
Name: ______________________ Title: ______________________
Phone: _____________________ E-mail: _____________________

Section 1 – Information about {importer}'s organization and policy and procedures
related to CBP activities

1.1 Provide an organizational chart and describe the functions of the departments and individuals
involved in Customs-related activities.
1.1.1 Describe how Customs-related responsibilities are communicated to the departments and
individuals identified in 1.1.
1.2 Does the company have written policies and procedures for its Customs-related activities? If so,
provide copies.
1.2.1 When were the policies and procedures last updated?
1.2.2 How often are the policies and procedures reviewed, and who is responsible for keeping them
current?
"""
QUESTIONNAIRE_IDS = ["1.1", "1.1.1", "1.2", "1.2.1", "1.2.2"]


def questionnaire_opening(importer: str = "the company") -> str:
    return QUESTIONNAIRE_OPENING.format(importer=importer)


def general_report(case: Path, truth: dict, entries: int = 20) -> tuple[str, list[dict]]:
    """A draft report over the sample case: (its text, the findings' expected positions and schedule)."""
    planted = truth["expected_findings"]
    flagged = [f["subject"]["part_number"] for f in planted if f["check"] in ("ruling_conflict", "hts_master_mismatch")]
    master = {r["Part Number"]: r for r in read_rows(case / "products.csv")}
    part = next(p for p in flagged if p in master)
    desc = master[part]["Description"]
    lines = [r for f in sorted((case / "entries").glob("*.csv")) for r in read_rows(f)]
    example = next(entry_number(r["Entry Summary Number"]) for r in lines if r.get("Part Number") == part)
    missing = [f["subject"]["entry"] for f in planted if f["check"] == "missing_records"]
    complete = sorted({entry_number(r["Entry Summary Number"]) for r in lines} - set(missing))
    schedule = missing + complete[: entries - len(missing)]
    rows = "\n".join(f"{e} | 1 | $1,000.00" for e in schedule)
    text = f"""U.S. Customs and Border Protection, Office of Trade, Regulatory Audit
Focused Assessment - Draft Audit Report
The audit period covered entries summarized from January 1, 2000 through December 31, 2099.

Finding No. 1: Classification of {desc}, part {part}.
The auditee did not classify this merchandise under the subheading its product master and the ruling it
relies on provide, for example on entry {example}.

Finding No. 2: Valuation - assists and royalties not reported
The auditee paid foreign manufacturers and licensors for tooling, engineering work and royalties related
to the imported merchandise and did not add these amounts to the entered value.

Finding No. 3: Recordkeeping
The auditee did not produce the commercial invoice, packing list and entry summary for each entry listed
in Schedule A.

Schedule A - Finding No. 3
Entry Number | Line | Entered Value
{rows}
"""
    expected = [
        {"topic": "classification", "position": "agree", "part": part},
        {"topic": "assists", "position": "agree"},
        {"topic": "recordkeeping", "position": "partial", "schedule": {e: e in missing for e in schedule}},
    ]
    return text, expected


if __name__ == "__main__":  # print the report of a built case: python -m evaluation.datasets.cbp_documents CASE
    import sys

    from evaluation.datasets.sample_case import GROUND_TRUTH

    folder = Path(sys.argv[1])
    print(general_report(folder, json.loads((folder / GROUND_TRUTH).read_text()))[0])
