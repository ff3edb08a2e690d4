"""docs/data-formats.md, the contract, holds together: its sections keep the numbers the code cites, its
JSON examples parse and each has a label (compared with the commands' output in
tests/e2e/test_contract.py, or marked planned), every command it names is a command of faprep,
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
    assert {label for label, ex in shapes.items() if ex.planned} == set()  # nothing is planned in this version


def test_every_command_the_contract_names_is_a_command_of_faprep():
    from typer.main import get_command

    from assistant.cli import app

    root = get_command(app)
    text = DOC.read_text()
    named = set(re.findall(r"^faprep ([a-z]+(?: [a-z]+)?)", text, re.M))
    assert named, "the doc names commands"
    for words in sorted(named):
        first, *rest = words.split()
        cmd = root.commands.get(first)  # type: ignore[attr-defined]
        assert cmd is not None, f"faprep {first}: named in docs/data-formats.md, not a command"
        if rest and hasattr(cmd, "commands") and rest[0] in cmd.commands:
            continue
        assert not rest or not hasattr(cmd, "commands") or rest[0].startswith("-") or rest[0].isupper(), words


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
