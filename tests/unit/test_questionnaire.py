"""Reading a questionnaire: numbered questions, wrapped lines, areas, and what is refused."""

import pytest

from assistant.drafting.survey import area_of, load_questionnaire, parse_questionnaire
from assistant.errors import QuestionnaireError
from tests.support.other_case import CBP_OPENING


def test_numbered_questions_wrapped_lines_and_areas():
    text = """PRE-ASSESSMENT SURVEY
Answer each question.
## Broker management
1. How do you instruct
   your customs broker?
2) Who reviews entry summaries?
CLASSIFICATION
Q3: How are new parts classified?
OTHER MATTERS
Question 4. Is any of your merchandise subject to Section 301 duties?
"""
    qs = parse_questionnaire(text, "survey.txt")
    assert [q.id for q in qs] == ["Q1", "Q2", "Q3", "Q4"]
    assert qs[0].question == "How do you instruct your customs broker?"
    assert [q.area for q in qs] == ["broker", "broker", "classification", "adcvd_301_232"]


def test_the_built_in_questionnaire_covers_the_fa_areas():
    name, qs = load_questionnaire()
    assert name.startswith("built-in") and len(qs) >= 20
    assert {q.area for q in qs} == {
        "organization",
        "classification",
        "valuation",
        "origin",
        "trade_programs",
        "adcvd_301_232",
        "broker",
        "recordkeeping",
        "internal_audit",
        "training",
        "corrective_action",
    }


def test_questions_by_their_words_when_no_heading_says():
    assert area_of("When are USMCA certifications renewed?") == "trade_programs"
    assert area_of("Do you pay royalties to a licensor?") == "valuation"
    assert area_of("How long do you keep records?") == "recordkeeping"
    assert area_of("What is your favourite colour?") == "general"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("Just prose, no numbered questions.\nAnother line.", "no numbered questions"),
        ("1. How?\n1. Again?", "question number 1 appears twice"),
    ],
)
def test_bad_questionnaires_are_refused_with_the_reason(text, reason):
    with pytest.raises(QuestionnaireError, match=reason) as e:
        parse_questionnaire(text, "ours.md")
    assert "ours.md" in str(e.value)


def test_missing_and_unreadable_files(tmp_path):
    with pytest.raises(QuestionnaireError, match="no such file"):
        load_questionnaire(tmp_path / "nope.docx")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(QuestionnaireError, match="broken.pdf"):
        load_questionnaire(tmp_path / "broken.pdf")


def test_a_draft_report_is_split_at_its_findings():
    from assistant.drafting.rebuttal import split_findings, topic_of
    from assistant.errors import RebuttalError

    text = """U.S. Customs and Border Protection
DRAFT REPORT
## Finding 1: Classification
CBP finds that part KM-1 is classified in
subheading 7117.90.9000.
Finding No. 2 - Records
The importer failed to produce packing lists.
FINDING 3. Assists
An assist was not added (19 USC 1401a(b)(1)(C)).
Finding 4: Staff
Staff are not trained.
"""
    found = split_findings(text, "report.pdf")
    assert [(f.number, f.title) for f in found] == [(1, "Classification"), (2, "Records"), (3, "Assists"), (4, "Staff")]
    assert found[0].text == "CBP finds that part KM-1 is classified in subheading 7117.90.9000."
    assert [topic_of(f) for f in found] == ["classification", "recordkeeping", "assists", "other"]
    with pytest.raises(RebuttalError, match="report.pdf: no findings found"):
        split_findings("Nothing to see here.", "report.pdf")


def test_cbp_questionnaire_numbering_instructions_and_sections():
    qs = parse_questionnaire(CBP_OPENING, "pasq.pdf")
    assert [q.id for q in qs] == ["1.1", "1.1.1", "1.2", "1.2.1", "1.2.2"]
    assert qs[0].question.startswith("Provide an organizational chart") and qs[0].question.endswith(
        "involved in Customs-related activities."
    )
    assert qs[3].question == "When were the policies and procedures last updated?"
    assert qs[1].parent == qs[0].question and qs[3].parent == qs[2].question and qs[0].parent is None
    assert [q.asks for q in qs] == [None, "communicated", None, "when", "how_often"]
    assert {q.area for q in qs} == {"organization"}  # from the Section 1 heading


def test_a_docx_table_of_questions_is_read(tmp_path):
    from docx import Document

    d = Document()
    d.add_paragraph("Section 2 – Classification")
    table = d.add_table(rows=3, cols=2)
    for row, (n, q) in zip(
        table.rows,
        [
            ("2.1", "Describe how the HTS classification of new parts is determined."),
            ("2.1.1", "When was the classification procedure last revised?"),
            ("2.2", "Identify who approves classifications."),
        ],
    ):
        row.cells[0].text, row.cells[1].text = n, q
    d.save(tmp_path / "q.docx")
    name, qs = load_questionnaire(tmp_path / "q.docx")
    assert [(q.id, q.area) for q in qs] == [
        ("2.1", "classification"),
        ("2.1.1", "classification"),
        ("2.2", "classification"),
    ]
    assert qs[1].asks == "when"
