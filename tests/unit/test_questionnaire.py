"""Reading a questionnaire: numbered questions, wrapped lines, areas, and what is refused."""

import pytest

from assistant.drafting.survey import area_of, load_questionnaire, parse_questionnaire
from assistant.errors import QuestionnaireError


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
