"""Answers from the records, on an importer faprep has not seen (tests/support/other_case.py): the value asked
for, stated first, with a record citation whose fields are the stored rows'; entities that do not
exist refused by name; CROSS rulings (hard-wrapped, date over two lines) answered with subject, date
and tariff number. Expected values are computed from the rows the case was built from."""

from __future__ import annotations

import json
from decimal import Decimal

import duckdb
import pytest

from assistant.answering.ask import Assistant
from assistant.checks import check_workspace
from assistant.formats import money
from assistant.stores.workspace import Workspace


@pytest.fixture(scope="module")
def other(other_ingested):
    settings, _report, _folder, rows = other_ingested
    assistant = Assistant(settings)
    yield settings, assistant, rows
    assistant.close()


def _sum(rows, key, **where):
    return sum(Decimal(str(r[key])) for r in rows if all(r[k] == v for k, v in where.items()))


def record_questions(rows) -> list[tuple[str, str]]:
    """(question, the value the answer must state), computed from the case's rows."""
    e = rows["entries"]
    pays = rows["payments"]
    y24 = [r for r in e if r["date"].startswith("2024")]
    alpine = sum(Decimal(str(p[5])) for p in pays if p[2].startswith("Alpine"))
    return [
        ("What HTS number is SKU 7731-AB classified under in our item master?", rows["parts"]["7731-AB"][1]),
        ("Which CBP ruling do we rely on for 7731-AB?", rows["parts"]["7731-AB"][3]),
        ("How much have we paid Alpine Trail in total?", money(alpine)),
        ("How much have we paid the licensor in total?", money(alpine)),
        ("What was payment AP-55810 for?", "Compression mould"),
        ("What is the total entered value of entry NWG-2024001-1?", money(_sum(e, "value", entry="NWG-2024001-1"))),
        ("Which part numbers were on entry NWG-2024004-5?", "NW/310-B"),
        ("How many entries did we file in 2024?", f"2024: {len({r['entry'] for r in y24})}"),
        ("How much duty did we pay in 2024?", money(sum(Decimal(str(r["duty"])) for r in y24))),
        ("Which manufacturer ID do we declare for part NW/310-B?", rows["parts"]["NW/310-B"][4]),
        ("What country of origin do we declare for 55-0192-X?", "MX"),
        ("How much duty was paid on entry NWG-2024002-9?", money(_sum(e, "duty", entry="NWG-2024002-9"))),
        ("Which parts are classified under 9506.99.6080?", "NW/310-B"),
        ("What blanket period does the USMCA certificate for 55-0192-X cover?", "2024-01-01 to 2024-12-31"),
        ("Was entry NWG-2025001-2 reviewed by the broker?", "J. Okafor"),
        ("What is the entry summary date of entry NWG-2025003-8?", "2025-07-28"),
        (
            "How much did we pay foreign suppliers in 2025?",
            money(sum(Decimal(str(p[5])) for p in pays if p[1].startswith("2025"))),
        ),
        ("What is the commercial invoice number for entry NWG-2024003-7?", "EV-2024003"),
        ("What do we import from manufacturer MXRIOTEX44MEX?", "55-0192-X"),
        ("How much did we pay Dongguan Everbright in 2024?", money(14200)),
        ("Which entry was invoice EV-2025002 filed on?", "NWG-2025002-0"),
        ("What is the total entered value of part 7731-AB?", money(_sum(e, "value", part="7731-AB"))),
    ]


def _verified(settings, citation: dict) -> bool:
    """Every field the record citation gives equals the stored raw row of each row it cites."""
    con = duckdb.connect(str(Workspace.of(settings).records), read_only=True)
    try:
        for row in citation["rows"]:
            raw = con.execute(
                f"SELECT raw FROM {citation['table']} WHERE source_file = ? AND source_row = ?",
                [citation["source"], row],
            ).fetchone()
            if raw is None:
                return False
            stored = json.loads(raw[0])
            if any(stored.get(k) != v for k, v in citation["fields"].items()):
                return False
        return True
    finally:
        con.close()


def test_record_questions_get_the_exact_value_with_a_verified_record_citation(other):
    settings, assistant, rows = other
    results = []
    for question, value in record_questions(rows):
        out = assistant.ask(question).public()
        records = [c for c in out["citations"] if c["kind"] == "record"]
        first_sentence = out["answer"].split("\n")[0]
        ok = value in first_sentence and bool(records) and all(_verified(settings, c) for c in records)
        results.append((ok, question, value, out["answer"][:300]))
    failed = [r[1:] for r in results if not r[0]]
    assert sum(r[0] for r in results) >= 0.9 * len(results), failed


def test_a_record_citation_has_the_data_formats_shape(other):
    _settings, assistant, rows = other
    out = assistant.ask("What HTS number is SKU 7731-AB classified under in our item master?").public()
    first = out["citations"][0]
    assert first == {
        "n": 1,
        "kind": "record",
        "source": "item_master.csv",
        "rows": [1],
        "table": "products",
        "fields": {"SKU": "7731-AB", "Approved HTS": "3924.90.1050", "Ruling": "N340223"},
        "value": "3924.90.1050",
        "how": "the product master's HTS Number for 7731-AB",
    }
    assert out["answer"].startswith("7731-AB is classified under 3924.90.1050 in the product master [1]")


@pytest.mark.parametrize(
    "question, refusal",
    [
        ("What is part ZZ-9999?", "No part ZZ-9999"),
        ("What was payment AP-99999 for?", "No payment AP-99999"),
        ("What is the total entered value of entry NWG-2099999-9?", "No entry NWG-2099999-9"),
        ("What is ruling N999999 about?", "No ruling N999999"),
    ],
)
def test_things_the_records_do_not_hold_are_refused_by_name(other, question, refusal):
    _settings, assistant, _rows = other
    out = assistant.ask(question)
    assert out.answer.startswith(refusal) and not out.citations, out.answer


def test_cross_rulings_answer_subject_date_and_tariff_number(other):
    _settings, assistant, _rows = other
    about = assistant.ask("What is ruling N340223 about?")
    assert "plastic mat from China" in about.answer and about.citations[0].quote.startswith("RE:")
    when = assistant.ask("When was ruling N278703 issued?")
    assert "2016-09-23" in when.answer and when.citations[0].quote == "September 23,\n2016"
    where = assistant.ask("What did ruling N340223 classify and where?")
    assert "3924.90.1050" in where.answer.split("\n")[0]
    # the letter's sentence stating the subheading, joined over the blank line CROSS breaks it with
    stated = [c for c in where.citations if c.kind == "ruling" and "3924.90.1050" in c.quote]
    assert (
        stated
        and stated[0].quote.startswith("The\napplicable subheading")
        or any("applicable subheading" in c.quote and "3924.90.1050" in c.quote for c in where.citations)
    ), [c.quote for c in where.citations]


def test_a_classification_question_quotes_the_whole_wrapped_sentence(other):
    _settings, assistant, _rows = other
    out = assistant.ask("What is the tariff classification of Sleep Gown A?")
    assert "6108.31.0010" in out.answer, out.answer


def test_report_record_question_results(other):  # printed with -s: what each record question got
    _settings, assistant, rows = other
    for question, value in record_questions(rows):
        out = assistant.ask(question)
        print(
            ("OK  " if value in out.answer.split("\n")[0] else "MISS"), question, "->", out.answer.split("\n")[0][:160]
        )


def test_assists_and_royalties_by_the_statutes_categories_on_an_unseen_importer(other):
    """Every planted undeclared assist is found (a mould, consigned materials, components supplied FOC),
    the royalties too; freight, a buying commission, an ERP licence and design work bought in the US are
    not findings, and the notes say why."""
    settings, _assistant, _rows = other
    run = check_workspace(settings, checks=["undeclared_assist", "royalty_omission"])
    found = {(f.check, f.subject["payment_id"]) for f in run.findings}
    assert found == {
        ("undeclared_assist", "AP-55810"),
        ("undeclared_assist", "AP-55790"),
        ("undeclared_assist", "AP-55795"),
        ("royalty_omission", "AP-55871"),
        ("royalty_omission", "AP-56011"),
    }, found
    consigned = next(f for f in run.findings if f.subject["payment_id"] == "AP-55790")
    assert any("consigned" in e and "1401a(h)(1)(A)(i)" in e for e in consigned.evidence), consigned.evidence
    notes = " ".join(run.notes)
    # the buying commission reads as nothing dutiable at all: neither a finding nor a note
    assert "AP-55950" in notes and "AP-56040" in notes and "United States" in notes


def test_a_check_question_naming_a_payment_is_filtered_to_it_whatever_its_shape(other):
    _settings, assistant, _rows = other
    out = assistant.ask("Was royalty AP-55871 added to value?")
    assert out.tools_called and "royalty_omission:AP-55871" in out.answer
    assert "AP-56011" not in out.answer  # the other royalty payment is not this question's
