"""The law shelf's texts read by their structure, chunked within sections, named in questions, updated
from a folder; and the law beside the importer's own rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answering.law import compare, periods_in
from assistant.errors import BadInput
from assistant.stores.lawshelf import BUILT_IN, LawShelf, chunks_of, named_law
from assistant.stores.lawtext import CFR, USC, LawTextError, read_law

PARTS = {"141", "142", "152", "159", "162", "163", "165", "171", "174", "177", "181", "182"}
USC_SECTIONS = {"1304", "1401a", "1484", "1508", "1509", "1592"}


def test_every_built_in_text_is_read_into_sections_and_paragraphs():
    texts = {(t.source, t.part): t for t in LawShelf(Path("/nonexistent")).texts()}
    assert {p for s, p in texts if s == CFR} == PARTS
    assert {p for s, p in texts if s == USC} == USC_SECTIONS
    for t in texts.values():
        assert t.sections and len(t.sha256) == 64
        for s in t.sections:
            for p in s.paragraphs:  # every paragraph lies in its section's stored text, verbatim
                assert s.text[p.start : p.end] == p.text
    assert texts[(CFR, "163")].as_of is not None and texts[(USC, "1592")].as_of is None


def test_paragraph_paths_follow_each_codes_order_of_labels():
    sections = LawShelf(Path("/nonexistent")).sections()
    pd = sections["19 CFR 162.74"]
    paths = [p.path for p in pd.paragraphs]
    assert {"(a)(1)", "(b)", "(b)(1)", "(b)(4)", "(i)(1)", "(i)(1)(iii)", "(j)(2)"} <= set(paths)
    assert "Identifies the class or kind of merchandise" in pd.paragraph("(b)(1)").text
    audit = sections["19 CFR 163.11"]
    assert "within 90 calendar days following the closing conference" in audit.paragraph("(a)(5)").text
    assert [p.path for p in audit.paragraphs if p.path.startswith("(c)(3)")] == [
        "(c)(3)",
        "(c)(3)(i)",
        "(c)(3)(ii)",
        "(c)(3)(iii)",
    ]
    penalties = sections["19 USC 1592"]  # the statute runs (a) (1) (A) (i)
    assert penalties.paragraph("(c)(4)").heading == "Prior disclosure"
    assert penalties.paragraph("(c)(4)(B)") is not None and penalties.paragraph("(a)(1)(A)(ii)") is not None


def test_chunks_never_cross_a_section_and_know_their_paragraph():
    for t in LawShelf(Path("/nonexistent")).texts()[:4]:
        for s in t.sections:
            for c in chunks_of(s, t.name, None):
                assert (c.source, c.section) == (s.source, s.number)
                assert s.text[c.start : c.end] == c.text and len(c.text) <= 1100
                assert c.paragraph == "" or s.paragraph(c.paragraph) is not None
                assert c.embed_text().startswith(f"{s.source} {s.number} {s.title}")


@pytest.mark.parametrize(
    "question, source, section, paragraph",
    [
        ("What does 19 CFR 163.11(a)(5) say?", CFR, "163.11", "(a)(5)"),
        ("Explain 163.11(a)(5) to me", CFR, "163.11", "(a)(5)"),
        ("What is in section 1592(c)(4)?", USC, "1592", "(c)(4)"),
        ("under 19 U.S.C. 1508 how long", USC, "1508", ""),
        ("see § 162.74(b)", CFR, "162.74", "(b)"),
    ],
)
def test_citations_named_in_a_question(question, source, section, paragraph):
    found = named_law(question)
    assert [(n.source, n.section, n.paragraph) for n in found] == [(source, section, paragraph)]


@pytest.mark.parametrize(
    "question, section, paragraph",
    [
        ("In a 592 negligence case, who has the burden of proof?", "1592", ""),
        ("What does section 592(c)(4) give a prior disclosure?", "1592", "(c)(4)"),
        ("Is that a 508 recordkeeping violation?", None, None),
        ("How is value built under section 402?", "1401a", ""),
    ],
)
def test_tariff_act_sections_are_their_19_usc_sections(question, section, paragraph):
    found = [(n.source, n.section, n.paragraph) for n in named_law(question)]
    assert found == ([] if section is None else [(USC, section, paragraph)])


def test_usc_headings_are_quoted_as_the_statute_prints_them():
    statute = LawShelf(Path("/nonexistent")).sections()["19 USC 1508"]
    source = " ".join((BUILT_IN / "19_USC_1508.txt").read_text().split())
    lead = statute.paragraph("(a)")
    assert lead.text.startswith("(a) Requirements") and lead.heading == "Requirements"
    for p in statute.paragraphs:  # every paragraph as the file has it, whitespace aside
        assert " ".join(p.text.split()) in source, p.path
    penalties = LawShelf(Path("/nonexistent")).sections()["19 USC 1592"]
    heading = penalties.paragraph("(c)")
    assert heading.heading_only and heading.text == "(c) Maximum penalties"
    # a heading alone is no chunk: its words lead the paragraphs below it
    chunks = chunks_of(penalties, "19_USC_1592.txt", None)
    assert all(c.paragraph != "(c)" for c in chunks)
    assert any(c.paragraph == "(c)(1)" and "Maximum penalties" in c.context for c in chunks)


def test_parts_and_numbers_that_are_not_citations():
    assert [n.part for n in named_law("What does Part 177 say about rulings?")] == ["177"]
    assert named_law("we paid $163.40 in 2024 and 1592 units") == []


def test_a_quote_by_citation_is_the_paragraph_verbatim():
    section, path, text = LawShelf(Path("/nonexistent")).quote("19 CFR 163.4(a)")
    assert (section.number, path) == ("163.4", "(a)")
    assert "shall be kept for 5 years from the date of entry" in text and text in section.text


def test_update_takes_regulation_text_and_refuses_the_rest(tmp_path):
    shelf = LawShelf(tmp_path / "home")
    folder = tmp_path / "ecfr-2026"
    folder.mkdir()
    newer = (BUILT_IN / "19_CFR_Part_174.md").read_text().replace("within 180 days", "within 181 days", 1)
    (folder / "part174.md").write_text(newer)
    (folder / "minutes.txt").write_text("Minutes of the steering committee. Nothing regulatory here.")
    (folder / "logo.png").write_bytes(b"\x89PNG")
    taken, refused = shelf.update(folder)
    assert [t.part for t in taken] == ["174"]
    reasons = {r["file"]: r["reason"] for r in refused}
    assert set(reasons) == {"minutes.txt", "logo.png"} and "not regulation text" in reasons["minutes.txt"]
    protests = [t for t in shelf.texts() if t.part == "174"]
    assert len(protests) == 1 and "within 181 days" in " ".join(s.text for s in protests[0].sections)
    catalogue = {x["part"]: x for x in shelf.catalogue()}
    assert catalogue["174"]["origin"] == "updated" and catalogue["163"]["origin"] == "built in"
    with pytest.raises(BadInput):
        shelf.update(tmp_path / "no-such-folder")


def test_a_file_with_no_section_is_not_law(tmp_path):
    bad = tmp_path / "notes.md"
    bad.write_text("# Notes\n\nSome text (a) with a label but no section heading.")
    with pytest.raises(LawTextError, match="notes.md: not regulation text"):
        read_law(bad)


def test_periods_of_a_rule_compared_with_the_law():
    assert [p.days for p in periods_in("kept for five years from the date of entry")] == [5 * 365]
    assert periods_in("within 90 calendar days following")[0].within
    same, weaker = compare("Records are kept for five years.", "shall be kept for 5 years from the date of entry")
    assert same.startswith("They agree") and not weaker
    stricter, weaker = compare("We keep entry records seven years.", "shall be kept for 5 years")
    assert stricter.startswith("The manual is stricter") and not weaker
    verdict, weaker = compare("Records are retained for three years.", "shall be kept for 5 years")
    assert weaker and re.search(r"weaker than the law", verdict)
    verdict, weaker = compare("We answer within 45 days.", "within 30 days of the notice")
    assert weaker  # a deadline: a longer one is the weaker


def test_a_paragraph_stating_what_is_asked_for_is_preferred():
    from assistant.answering.law import STATES_ASKED, states_asked

    deadline = states_asked("How long do we have to file a protest?")
    assert deadline("A protest shall be filed within 180 days after liquidation.") == STATES_ASKED
    assert deadline("A protest shall be filed with the Center director.") == 0.0
    amount = states_asked("What is the maximum penalty for negligence?")
    assert amount("a civil penalty not to exceed $10,000 or 40 percent of the appraised value") == STATES_ASKED
    assert states_asked("Who may file a protest?") is None
