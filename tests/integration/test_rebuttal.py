"""The response to an FA draft report, drafted over the real sample case: each finding tested against
the records, positions, evidence, citations, corrective actions; DOCX and Markdown."""

from __future__ import annotations

import pytest
from docx import Document

from assistant.answering.answer import LEGAL_NOTE
from assistant.drafting.rebuttal import draft_rebuttal, write_rebuttal
from assistant.errors import RebuttalError
from assistant.stores.records import Records
from tests.support.workspace import assert_law_quote, page_texts


@pytest.fixture(scope="module")
def rebuttal(ingested):
    settings, _, folder, truth = ingested
    return draft_rebuttal(settings, folder / truth["draft_report"]["path"])


def test_positions_and_evidence_of_the_sample_draft_report(rebuttal, ingested):
    settings, truth = ingested[0], ingested[3]
    expected = truth["draft_report"]["findings"]
    assert [r.title for r in rebuttal.responses] == [f["title"] for f in expected]
    assert [r.position for r in rebuttal.responses] == [f["expected_position"] for f in expected]
    pages = page_texts(settings)
    for r in rebuttal.responses:
        for c in r.citations:
            if c.is_law:  # the paragraph of the law the response rests on
                assert_law_quote(c, settings)
            else:
                assert pages[(c.source, c.page)][c.char_start : c.char_end] == c.quote
            assert f"[{c.n}]" in r.answer
    classification, records, assists = rebuttal.responses
    # the ruling that supports the declared classification, quoted where it states the subheading
    assert [c.ruling_number for c in classification.citations if not c.is_law] == expected[0]["evidence"]
    assert "3926.40.0090" in classification.citations[0].quote and "7117.90.9000" in classification.answer
    assert classification.answer.endswith(LEGAL_NOTE) and classification.flags == []
    # one packing list is on file (cited), the other is not
    missing_entry, filed_entry = expected[1]["evidence"]
    assert f"packing list for entry {filed_entry} is on file" in records.answer
    assert f"packing list for entry {missing_entry} could not be found" in records.answer
    assert [c.kind for c in records.citations if not c.is_law] == ["packing_list"] and filed_entry in records.citations[
        0
    ].source
    assert records.corrective_action
    # the assist the records confirm, with the payment, the duty at stake and a corrective plan
    assert expected[2]["evidence"][0] in assists.answer and "Duty at stake" in assists.answer
    assert any("payments.csv" in e for e in assists.evidence)
    assert (
        "Tender the lost duty" in assists.corrective_action and "post-summary correction" in assists.corrective_action
    )


def test_docx_and_markdown_hold_each_finding(rebuttal, ingested, tmp_path):
    settings = ingested[0]
    write_rebuttal(rebuttal, settings, tmp_path / "r.docx")
    write_rebuttal(rebuttal, settings, tmp_path / "r.md")
    doc = Document(str(tmp_path / "r.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"Finding {r.number}: {r.title}" for r in rebuttal.responses]
    for r in rebuttal.responses:
        assert f"Position: {r.position.upper()}" in text and r.finding in text
    assert text.count("Corrective action:") == sum(bool(r.corrective_action) for r in rebuttal.responses)
    assert LEGAL_NOTE in text
    md = (tmp_path / "r.md").read_text()
    assert all(f"**Position: {r.position.upper()}**" in md for r in rebuttal.responses)


def test_a_report_of_other_findings(ingested, tmp_path):
    settings, truth = ingested[0], ingested[3]
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        complete = rec.con.execute(
            "SELECT de.entry_number FROM document_entries de JOIN documents d USING (path) "
            "WHERE d.kind IN ('packing_list', 'commercial_invoice') GROUP BY 1 HAVING count(DISTINCT d.kind) = 2 "
            "ORDER BY 1 LIMIT 1"
        ).fetchone()[0]
    usmca = next(e["subject"]["entry"] for e in truth["expected_findings"] if e["check"] == "spi_without_certificate")
    doc = Document()
    doc.add_paragraph("FOCUSED ASSESSMENT - DRAFT REPORT")
    doc.add_paragraph("Finding No. 1 - Missing invoices")
    doc.add_paragraph(f"The importer did not produce the commercial invoice and packing list for entry {complete}.")
    doc.add_paragraph("Finding 2: USMCA claims")
    doc.add_paragraph(f"Entry {usmca} claimed USMCA preference without a valid certification of origin on file.")
    doc.add_paragraph("Finding 3: Training")
    doc.add_paragraph("Staff have not been trained on customs matters.")
    doc.save(str(tmp_path / "report.docx"))
    r = draft_rebuttal(settings, tmp_path / "report.docx")
    assert [x.topic for x in r.responses] == ["recordkeeping", "usmca", "other"]
    assert [x.position for x in r.responses] == ["disagree", "agree", "partial"]
    documents = [c for c in r.responses[0].citations if not c.is_law]
    law = [c.cite for c in r.responses[0].citations if c.is_law]
    assert len(documents) == 2 and not r.responses[0].corrective_action
    assert law == ["19 CFR 163.4(a)", "19 CFR 163.6(b)(1)"]  # the recordkeeping response quotes the law it rests on
    assert f"spi_without_certificate:{usmca}:1" in r.responses[1].answer
    assert r.responses[2].flags and "needs review" in r.responses[2].answer  # never a guessed position

    (tmp_path / "memo.txt").write_text("A memo with no findings in it.\n")
    with pytest.raises(RebuttalError, match="no findings found"):
        draft_rebuttal(settings, tmp_path / "memo.txt")
