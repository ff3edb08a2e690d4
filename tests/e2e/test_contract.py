"""docs/data-formats.md against what the commands print on the sample case: every key of every JSON
example of an implemented command is in the output of `faprep check --json`, `faprep ask --json` (a
passage citation and a record citation), `faprep draft survey --json`, `faprep draft rebuttal
--json`, `faprep draft disclosure --json`, `faprep timeline --json` and `faprep law --json`; citations
in drafts have the shapes of `ask`'s (or of a law citation); each check's findings report the subject keys
of the table of section 4. The output may have keys beyond the doc's (unless an example is ``exact``)."""

from __future__ import annotations

import json
import os

import pytest

from tests.support.cli import faprep
from tests.support.contract import CHECKED, examples, missing_keys, subject_keys

PASSAGE_QUESTION = "What is ruling N360066 about?"  # a ruling's passage, as in the doc's example
RECORD_QUESTION = "What HTS number is KM-6200 classified under in our product master?"  # the doc's record


@pytest.fixture(scope="module")
def shapes():
    return examples()


@pytest.fixture(scope="module")
def run(ingested):
    """``run(*args)``: the parsed JSON a command prints on the ingested sample case (one run each)."""
    settings, _, _, truth = ingested
    env = {
        **os.environ,
        "FAPREP_HOME": str(settings.home),
        "FAPREP_WORKSPACE": settings.workspace,
        "FAPREP_AS_OF": truth["as_of"],
    }
    seen: dict[tuple, object] = {}

    def run_(*args: str):
        if args not in seen:
            proc = faprep(*args, env=env)
            assert proc.returncode == 0, (args, proc.stderr)
            seen[args] = json.loads(proc.stdout)
        return seen[args]

    return run_


def _assert_shape(example, real, what: str) -> None:
    wrong = missing_keys(example.value, real, exact=example.exact)
    assert not wrong, f"docs/data-formats.md line {example.line} ({example.label}) vs {what}:\n" + "\n".join(wrong)


def _record(citation: dict) -> bool:
    return citation.get("kind") == "record"


def test_every_implemented_example_is_compared_here(shapes):
    implemented = {label for label, ex in shapes.items() if not ex.planned}
    assert implemented == CHECKED, "a JSON example of docs/data-formats.md that this file does not compare"


def test_a_finding_of_check_json(shapes, run):
    example = shapes["finding"]
    out = run("check", "--json")
    same = [f for f in out["findings"] if f["check"] == example.value["check"]]
    assert same, f"no {example.value['check']} finding on the sample case"
    _assert_shape(example, same[0], f"faprep check --json (a {example.value['check']} finding)")
    for f in out["findings"]:  # the keys every finding has, whatever its check's subject
        _assert_shape(example, {**f, "subject": example.value["subject"]}, f"faprep check --json ({f['id']})")


def test_each_check_reports_the_subject_keys_of_its_table_row(run):
    table = subject_keys()
    out = run("check", "--json")
    assert set(table) == {c["id"] for c in out["checks"]}, "section 4's table names every check, and only those"
    seen = {f["check"] for f in out["findings"]}
    assert seen == set(table), "the sample case exercises every check"
    for f in out["findings"]:
        assert table[f["check"]] <= set(f["subject"]), (f["id"], f["subject"], table[f["check"]])


def test_ask_json_with_a_passage_citation(shapes, run):
    out = run("ask", PASSAGE_QUESTION, "--json")
    assert out["citations"] and not _record(out["citations"][0]), out["citations"][:1]
    _assert_shape(shapes["ask"], out, f"faprep ask {PASSAGE_QUESTION!r} --json")


def test_ask_json_with_a_record_citation(shapes, run):
    out = run("ask", RECORD_QUESTION, "--json")
    records = [c for c in out["citations"] if _record(c)]
    assert records, out["citations"]
    _assert_shape(shapes["record-citation"], records[0], f"the first record citation of faprep ask {RECORD_QUESTION!r}")
    _assert_shape(shapes["ask"], {**out, "citations": []}, f"faprep ask {RECORD_QUESTION!r} --json")


def test_draft_survey_json(shapes, run):
    out = run("draft", "survey", "--json")
    _assert_shape(shapes["survey"], out, "faprep draft survey --json")


def test_draft_rebuttal_json(shapes, run, ingested):
    _, _, folder, truth = ingested
    out = run("draft", "rebuttal", str(folder / truth["draft_report"]["path"]), "--json")
    _assert_shape(shapes["rebuttal"], out, "faprep draft rebuttal --json")


def test_citations_in_drafts_have_the_shapes_of_ask(shapes, run, ingested):
    _, _, folder, truth = ingested
    passage = shapes["ask"].value["citations"][0]
    survey = run("draft", "survey", "--json")["answers"]
    rebuttal = run("draft", "rebuttal", str(folder / truth["draft_report"]["path"]), "--json")["responses"]
    citations = [c for item in [*survey, *rebuttal] for c in item["citations"]]
    assert citations, "the drafts of the sample case cite something"
    laws = [c for c in citations if c.get("kind") == "law"]
    assert laws, "the drafts quote the law shelf"
    for c in citations:
        doc = shapes["record-citation"].value if _record(c) else passage
        if c.get("kind") == "law":
            doc = shapes["law-citation"].value
        wrong = missing_keys(doc, c)
        assert not wrong, (c, wrong)


def test_draft_disclosure_json(shapes, run):
    found = [f for f in run("check", "--json")["findings"] if f["amount_at_risk"]]
    assert found, "the sample case has findings with a duty at stake"
    out = run("draft", "disclosure", "--finding", found[0]["id"], "--json")
    _assert_shape(shapes["disclosure"], out, f"faprep draft disclosure --finding {found[0]['id']} --json")
    assert out["loss"]["duty"] == pytest.approx(sum(e["loss"] for e in out["entries"]), abs=0.001)


def test_timeline_and_law_json(shapes, run):
    _assert_shape(shapes["law"], run("law", "--json"), "faprep law --json")
    out = run("timeline", "--json")
    # the shared workspace has no contact recorded: compare the keys of the whole and of the clocks
    doc = shapes["timeline"].value
    assert out["events"] == [] and out["findings"] == {}
    _assert_shape(shapes["timeline"], {**out, "events": doc["events"], "findings": doc["findings"]}, "timeline --json")
