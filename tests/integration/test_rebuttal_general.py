"""Draft reports as CBP writes them, on an importer faprep has not seen: a part number only in a
finding's heading, a valuation finding in general terms, a recordkeeping finding with a schedule of
entries, "Finding No. N" headings and an audit period; and, on the sample case, a schedule of 20
entries answered row by row in DOCX, Markdown and JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from docx import Document

from assistant.drafting.rebuttal import draft_rebuttal, split_findings, write_rebuttal
from assistant.stores.records import Records

REPORT = """U.S. Customs and Border Protection, Office of Trade, Regulatory Audit
Focused Assessment of Northwind Outdoor Gear Inc. - Draft Audit Report
The audit period covered entries summarized from January 1, 2024 through December 31, 2024.

Finding No. 1: Classification of polyurethane-coated kitchen floor mats, part 7731-AB.
The auditee classified the floor mats under subheading 3924.90.1050, HTSUS, for example on entry
NWG-2024002-9. CBP finds that the mats are properly classified under subheading 5705.00.2090, HTSUS.

Finding No. 2: Valuation - assists not reported
The auditee paid foreign manufacturers for tooling and for materials supplied to them for use in
producing the imported merchandise and did not add the value of these assists to the entered value,
contrary to 19 U.S.C. 1401a(b)(1)(C).

Finding No. 3: Recordkeeping
The auditee did not produce the commercial invoice, packing list and entry summary for the entries
listed in Schedule A.

Schedule A - Finding No. 3
Entry Number | Line | Entered Value
NWG-2024001-1 | 1 | $12,450.00
NWG-2024002-9 | 1 | $9,100.00
NWG-2024003-7 | 1 | $15,600.00
"""


@pytest.fixture(scope="module")
def northwind(other_ingested, tmp_path_factory):
    settings = other_ingested[0]
    report = tmp_path_factory.mktemp("rb") / "draft_report.txt"
    report.write_text(REPORT)
    return settings, draft_rebuttal(settings, report)


def test_each_finding_gets_the_position_the_records_support(northwind):
    _settings, r = northwind
    assert r.audit_period is not None and (r.audit_period.start, r.audit_period.end) == (
        dt.date(2024, 1, 1),
        dt.date(2024, 12, 31),
    )
    classification, assists, records = r.responses
    # the part is only in the heading; the master's ruling N340223 classifies it where it was entered
    assert classification.position == "disagree", classification
    assert any("N340223" in e for e in classification.evidence) and classification.evidence_for_cbp
    # a general valuation finding: the assist check's payments of the audit period decide it
    assert assists.position == "agree" and not assists.flags, assists
    for payment in ("AP-55810", "AP-55790", "AP-55795"):
        assert payment in assists.answer
    assert "Compliance Improvement Plan (CIP)" in assists.corrective_action and assists.cip
    assert all(c["owner"] == "" and c["target_date"] == "" for c in assists.cip)
    # recordkeeping with a schedule: each entry tested
    assert [s.entry for s in records.schedule] == ["NWG-2024001-1", "NWG-2024002-9", "NWG-2024003-7"]
    assert all(s.confirmed and s.on_record for s in records.schedule)
    assert records.schedule[0].on_file == ["commercial invoice"] and records.position in ("agree", "partial")


def test_a_general_finding_is_tested_over_the_audit_period(northwind, tmp_path):
    """The same general USMCA finding: agreed for 2025 (a claim outside the certificate's blanket period),
    disagreed for 2024 (the one claim is covered), saying what was tested."""
    settings, _r = northwind
    positions = {}
    for year in (2024, 2025):
        report = tmp_path / f"r{year}.txt"
        report.write_text(
            f"Draft Report\nThe audit period covered January 1, {year} through December 31, {year}.\n\n"
            "1. Special trade programs\nThe auditee claimed USMCA preference on entries without a valid "
            "certification of origin on file.\n"
        )
        (usmca,) = draft_rebuttal(settings, report).responses
        assert usmca.topic == "usmca"
        positions[year] = usmca
    assert positions[2025].position == "agree" and "NWG-2025001-2" in positions[2025].answer
    assert positions[2024].position == "disagree", positions[2024]
    assert "1 entry lines claiming USMCA from 2024-01-01 to 2024-12-31" in positions[2024].evidence[0]


def test_report_layouts_cbp_uses():
    numbered = split_findings(
        "Draft report\n\n1. Classification\nThe auditee misclassified.\n2. Valuation\nAssists were not reported.\n", "r"
    )
    assert [(f.number, f.title) for f in numbered] == [(1, "Classification"), (2, "Valuation")]
    table = split_findings(
        "Findings\nNo. | Area | Finding\n1 | Classification | The auditee misclassified widgets.\n"
        "2 | Recordkeeping | Records were not produced.\n",
        "r",
    )
    assert [(f.number, f.title, f.text) for f in table] == [
        (1, "Classification", "The auditee misclassified widgets."),
        (2, "Recordkeeping", "Records were not produced."),
    ]


def test_a_schedule_of_twenty_entries_is_answered_row_by_row(ingested, tmp_path):
    settings = ingested[0]
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        entries = [
            r[0]
            for r in rec.con.execute(
                "SELECT entry_number FROM (SELECT DISTINCT entry_number FROM entry_lines) ORDER BY entry_number LIMIT 20"
            ).fetchall()
        ]
        on_file = {e: {k for _p, k in rec.documents_on_file(e)} for e in entries}
    rows = "\n".join(f"{e}    1    $1,000.00" for e in entries)
    report = tmp_path / "report.txt"
    report.write_text(
        "Focused Assessment Draft Report\n\nFinding 1: Records not produced\nThe auditee did not provide the "
        "commercial invoice, packing list and entry summary for the entries in the attached schedule.\n\n"
        f"Attachment 1 - Schedule of entries\nEntry    Line    Value\n{rows}\n"
    )
    r = draft_rebuttal(settings, report)
    schedule = r.responses[0].schedule
    assert [s.entry for s in schedule] == entries and all(s.amount == 1000.0 and s.line == 1 for s in schedule)
    required = {"commercial invoice", "packing list", "entry summary (CBP Form 7501)"}
    for s in schedule:
        names = {
            "commercial_invoice": "commercial invoice",
            "packing_list": "packing list",
            "entry_summary": "entry summary (CBP Form 7501)",
        }
        assert set(s.on_file) == {names[k] for k in on_file[s.entry] if k in names}
        assert set(s.missing) == required - set(s.on_file)
        # a missing record confirms the finding only within the retention period (19 USC 1508)
        assert s.confirmed == (bool(s.missing) and not s.outside_retention)
    write_rebuttal(r, settings, tmp_path / "r.md")
    write_rebuttal(r, settings, tmp_path / "r.docx")
    write_rebuttal(r, settings, tmp_path / "r.json")
    md = (tmp_path / "r.md").read_text()
    assert md.count("| " + entries[0][:4]) >= 1 and all(f"| {e} |" in md for e in entries)
    doc = Document(str(tmp_path / "r.docx"))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "entry")
    assert [row.cells[0].text for row in table.rows[1:]] == entries
    data = json.loads((tmp_path / "r.json").read_text())
    assert [s["entry"] for s in data["responses"][0]["schedule"]] == entries
