"""docs/data-formats.md, the contract, holds together: its sections keep the numbers the code cites, its
JSON examples parse and each has a label (compared with the commands' output in
tests/e2e/test_contract.py, or marked planned), the commands not in faprep yet are marked planned,
and the key comparison the contract test uses finds what is missing."""

from __future__ import annotations

import re

import pytest

from tests.support.contract import CHECKED, DOC, examples, missing_keys, subject_keys


def test_the_sections_the_code_cites_keep_their_numbers():
    headings = re.findall(r"^## (\d+)\. (.+)$", DOC.read_text(), re.M)
    assert [(int(n), title) for n, title in headings] == [
        (1, "Case folder"),
        (2, "Structured files (CSV, also XLSX with the same header row)"),
        (3, "Documents and rulings"),
        (4, "Findings (deterministic checks)"),
        (5, "Commands"),
    ]


def test_every_json_example_parses_and_is_compared_or_planned():
    shapes = examples()
    assert {label for label, ex in shapes.items() if not ex.planned} == CHECKED
    assert {label for label, ex in shapes.items() if ex.planned} == {"law-citation", "disclosure"}


def test_the_commands_not_in_faprep_yet_are_marked_planned():
    text = DOC.read_text()
    planned = text[text.index("**Planned**: prior disclosure") :]
    for command in (
        "faprep timeline add",
        "faprep timeline [--json]",
        "faprep draft disclosure",
        "faprep law [--json]",
        "faprep law update",
    ):
        assert command in planned and command not in text[: text.index("**Planned**: prior disclosure")], command
    assert "**Planned** (with `faprep law`" in text  # the law citation comes with the law shelf


def test_the_table_of_section_4_names_each_checks_subject_keys():
    from assistant.checks import REGISTRY

    assert set(subject_keys()) == set(REGISTRY)
    assert subject_keys()["spi_without_certificate"] == {"entry", "line"}


@pytest.mark.parametrize(
    "text,why",
    [
        ('```json\n{"a": 1}\n```\n', "needs a label"),
        ('```json planned\n{"a": 1}\n```\n', "needs a label"),
        ('```json a later\n{"a": 1}\n```\n', "unknown flags"),
        ('```json a\n{"a": 1}\n```\n```json a\n{"a": 2}\n```\n', "used twice"),
        ('```json a\n{"a", "b"}\n```\n', "not JSON"),
    ],
)
def test_a_bad_example_is_named_by_its_line(text, why):
    with pytest.raises(ValueError, match=why):
        examples(text)


def test_keys_are_compared_recursively_and_lists_by_their_first_element():
    doc = {"answer": "x", "citations": [{"n": 1, "quote": "q"}], "subject": {"part_number": "P"}, "tools": ["t"]}
    real = {"answer": "y", "citations": [{"n": 2, "quote": "r", "extra": 1}], "subject": {"part_number": "Q"}}
    assert missing_keys(doc, {**real, "tools": [], "more": 1}) == []  # values and extra keys are free
    assert missing_keys(doc, real) == ["$.tools: missing from the output"]
    assert missing_keys(doc, {**real, "tools": [], "citations": [{"n": 1}]}) == [
        "$.citations[0].quote: missing from the output"
    ]
    assert missing_keys(doc, {**real, "tools": [], "subject": "P"}) == [
        "$.subject: the doc shows an object, the output has str"
    ]
    assert missing_keys({"a": 1}, {"a": 1, "b": 2}, exact=True) == ["$.b: not in the doc, whose shape is exact"]
