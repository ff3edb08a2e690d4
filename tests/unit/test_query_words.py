"""The words of record questions that are not embeddings: countries, order and number, pay verbs, GL
accounts named, stems and the thesaurus of the lexical search."""

from __future__ import annotations

from assistant.answering.query.parse import RecordQuery, _degenerate, _names_gl, from_dict
from assistant.answering.query.vocabulary import DESC, LIMIT, countries
from assistant.stores.lexical import expand, tokenize


def test_countries_by_name_adjective_and_code():
    c = countries()
    assert c.find("what did the taiwanese die maker get paid", set()) == ["TW"]
    assert c.find("goods from Vietnam and Germany", set()) == ["VN", "DE"]
    assert c.find("Indian tape, Mexican seals", set()) == ["IN", "MX"]
    assert c.find("ship to VN", {"VN"}) == ["VN"] and c.find("ship to VN", set()) == []
    assert c.find("how much did the licensor get from us", {"US"}) == []  # "us", the pronoun


def test_order_and_number_words():
    assert DESC.search("who is our biggest payee") and LIMIT.search("top 3 suppliers by spend")
    assert LIMIT.search("the five largest entries").group(2) == "five"


def test_gl_accounts_are_named_as_accounts_not_as_parts_of_identifiers():
    assert _names_gl("payments under GL 5200", "5200 Engineering")
    assert _names_gl("what hit account 71500 last year", "71500 - Prod. Tooling")
    assert not _names_gl("how much have we paid the KM-5200 supplier?", "5200 Engineering")


def test_a_ranking_of_items_by_their_own_count_is_no_question():
    assert _degenerate(RecordQuery("entries", 0.5, "entry_lines", dimension="entry"))
    assert not _degenerate(RecordQuery("entries", 0.5, "entry_lines", dimension="entry", psc=True))
    q = from_dict({"measure": "paid", "score": 0.6, "table": "payments", "vendors": ["X"], "period": None})
    assert q.vendors == ["X"] and q.period is None


def test_stems_and_the_thesaurus():
    assert tokenize("records retained") == tokenize("record retain")
    assert "3924.90.1050" in tokenize("under 3924.90.1050")
    assert tokenize("Tooling", stems=False) == ["tooling"]
    expanded = expand("How long do we keep entry paperwork?")
    assert "retention" in expanded and "records" in expanded
    assert (
        "mould" in expand("what did we pay the die maker")
        and expand("the capital of France") == "the capital of France"
    )


def test_a_share_said_to_be_within_the_total():
    from assistant.answering.query.parse import PART_OF_TOTAL

    for said in (
        "how much duty have we paid in total, 301 included",
        "total duty including section 301?",
        "duty plus the 301 duty",
        "all duties with chapter 99",
    ):
        assert PART_OF_TOTAL.search(said), said
    for said in ("how much section 301 duty did we pay", "301 duty on 2024 entries"):
        assert not PART_OF_TOTAL.search(said), said
