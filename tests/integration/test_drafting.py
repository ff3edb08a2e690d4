"""The pre-assessment survey drafted over the real sample case: policy quotes, records facts, check
exceptions and gaps; its DOCX and Markdown; a questionnaire supplied by the user."""

from __future__ import annotations

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

from assistant.answering.answer import LEGAL_NOTE
from assistant.checks import check_workspace
from assistant.drafting.survey import draft_survey, load_questionnaire, write_survey
from tests.support.workspace import assert_law_quote, page_texts


@pytest.fixture(scope="module")
def survey(ingested):
    return draft_survey(ingested[0])


def _by_area(survey, area):
    return [a for a in survey.answers if a.area == area]


def test_every_question_is_answered_from_the_records_or_gapped(survey, ingested):
    settings = ingested[0]
    _, questions = load_questionnaire()
    assert len(survey.answers) == len(questions) >= 20
    pages = page_texts(settings)
    for a in survey.answers:
        written = [c for c in a.citations if not c.is_law]
        assert written or a.gaps, a.question_id
        assert not (written and a.gaps), a.question_id
        for c in written:  # quotes verbatim at their offsets, from written procedures only
            assert pages[(c.source, c.page)][c.char_start : c.char_end] == c.quote
            assert f"[{c.n}]" in a.answer
            assert c.kind in ("compliance_manual", "broker_instructions", "training_record")
        for c in a.citations:
            if c.is_law:  # a legal duty the question asks about: its paragraph, quoted from the law shelf
                assert_law_quote(c, settings) and f"[{c.n}]" in a.answer
    # the manual has no training program, no related-party or AD/CVD procedure: gaps, not invented text
    for area in ("training", "adcvd_301_232"):
        (a,) = _by_area(survey, area)
        assert a.gaps and not a.citations and "do not address this" in a.answer
    (records,) = _by_area(survey, "recordkeeping")
    assert records.citations[0].kind == "compliance_manual" and "five years" in " ".join(
        records.citations[0].quote.split()
    )


def test_facts_and_exceptions_come_from_the_records_and_the_checks(survey, ingested):
    settings, truth = ingested[0], ingested[3]
    run = check_workspace(settings)
    ids = lambda check: sorted(f.id for f in run.findings if f.check == check)  # noqa: E731
    for a in _by_area(survey, "valuation"):
        cited = sorted(x.rsplit("[", 1)[1].rstrip("]") for x in a.exceptions)
        assert cited == sorted(ids("undeclared_assist") + ids("royalty_omission") + ids("value_outlier"))
        assert all(i in a.answer for i in cited)
    # the documents-on-file fact (a query of its own) agrees with the missing_records check
    (records,) = _by_area(survey, "recordkeeping")
    fact = next(f for f in records.facts if "on file" in f)
    complete, in_retention = (
        int(x.replace(",", ""))
        for x in fact.split(" have ")[0].split(" of the ")[0:1] + [fact.split(" of the ")[1].split(" entries")[0]]
    )
    missing = [e for e in truth["expected_findings"] if e["check"] == "missing_records"]
    assert in_retention - complete == len(missing) == len(ids("missing_records"))
    for a in _by_area(survey, "classification"):
        assert a.answer.endswith(LEGAL_NOTE) and len(a.exceptions) == len(
            ids("hts_inconsistency") + ids("hts_master_mismatch") + ids("ruling_conflict")
        )


def test_docx_and_markdown_hold_every_question_and_highlight_the_gaps(survey, ingested, tmp_path):
    settings = ingested[0]
    write_survey(survey, settings, tmp_path / "survey.docx")
    write_survey(survey, settings, tmp_path / "survey.md")
    doc = Document(str(tmp_path / "survey.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"{a.question_id}. {a.question}" for a in survey.answers]
    assert "Pre-Assessment Survey" in doc.paragraphs[0].text and any(LEGAL_NOTE in p.text for p in doc.paragraphs)
    gaps = [r for p in doc.paragraphs for r in p.runs if r.text.startswith("GAP: ")]
    assert len(gaps) == sum(len(a.gaps) for a in survey.answers) > 0
    assert all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in gaps)
    quote = survey.answers[1].citations[0]
    assert any(p.text.startswith(f"[1] {quote.source}") for p in doc.paragraphs)
    md = (tmp_path / "survey.md").read_text()
    assert all(f"## {a.question_id}. {a.question}" in md for a in survey.answers)
    assert md.count("**GAP:**") == len(gaps)


def test_a_questionnaire_supplied_by_the_user(ingested, tmp_path):
    doc = Document()
    doc.add_heading("Customs questionnaire", level=1)
    doc.add_paragraph("Please answer every question.")
    doc.add_paragraph("1. How long does the company keep its entry records?")
    doc.add_paragraph("2) Who approves new classifications")
    doc.add_paragraph("   for parts that have never been imported?")
    doc.add_paragraph("Q3: What customs training do employees receive?")
    doc.save(str(tmp_path / "ours.docx"))
    survey = draft_survey(ingested[0], tmp_path / "ours.docx")
    assert [a.question_id for a in survey.answers] == ["Q1", "Q2", "Q3"]
    assert survey.answers[1].question == "Who approves new classifications for parts that have never been imported?"
    assert [a.area for a in survey.answers] == ["recordkeeping", "classification", "training"]
    assert survey.answers[0].citations and survey.answers[2].gaps
    assert survey.questionnaire.endswith("ours.docx")


def test_cbps_questionnaire_answered_in_its_own_numbering_without_padding(ingested, tmp_path):
    import re

    from assistant.drafting.survey import ASKS
    from tests.support.other_case import CBP_OPENING

    (tmp_path / "pasq.txt").write_text(CBP_OPENING)
    survey = draft_survey(ingested[0], tmp_path / "pasq.txt")
    ids = [a.question_id for a in survey.answers]
    assert ids == ["1.1", "1.1.1", "1.2", "1.2.1", "1.2.2"]
    by_id = {a.question_id: a for a in survey.answers}
    for a in survey.answers:
        assert a.citations or a.gaps, a.question_id  # answered from the procedures, or a gap
    for sub, parent, asks in (
        ("1.1.1", "1.1", "communicated"),
        ("1.2.1", "1.2", "when"),
        ("1.2.2", "1.2", "how_often"),
    ):
        s, p = by_id[sub], by_id[parent]
        assert not s.facts and not s.exceptions  # never padded with the parent's facts or findings
        quoted = {c.quote for c in s.citations}
        assert not (quoted and quoted == {c.quote for c in p.citations}), sub
        assert all(ASKS[asks][1].search(c.quote) for c in s.citations), (sub, [c.quote for c in s.citations])
    assert survey.contact["importer"] and survey.contact["name"] == ""
    write_survey(survey, ingested[0], tmp_path / "pasq.md")
    md = (tmp_path / "pasq.md").read_text()
    assert "## 1.2.1 When were the policies and procedures last updated?" in md
    assert re.search(r"Prepared by: \*\*\[to be completed\]\*\*", md)
    write_survey(survey, ingested[0], tmp_path / "pasq.docx")
    doc = Document(str(tmp_path / "pasq.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings.index("1.2.1 When were the policies and procedures last updated?") > headings.index(
        "1.2 Does the company have written policies and procedures for its Customs-related activities? If so, "
        "provide copies."
    )
    blanks = [r for p in doc.paragraphs for r in p.runs if r.text == "[to be completed]"]
    assert blanks and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in blanks)
