"""The parts of record answers that need no stores: periods, vendor words, refusals by name, the
sentence splitter on CROSS-wrapped letters, the record citation's own shape and its rendering."""

from __future__ import annotations

import datetime as dt

from assistant.answering.answer import Answer, Citation, sentence_spans
from assistant.answering.facts import distinctive_words, find_period, resolve
from assistant.stores.lookups import Known
from assistant.web.ui import citations_html

TODAY = dt.date(2026, 12, 2)


def test_periods_in_the_words_people_use():
    cases = {
        "How many entries did we file in 2024?": (dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        "Duty paid during FY 2023": (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        "What did we pay in Q3 2025?": (dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        "entries in the fourth quarter of 2024": (dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        "How much duty last quarter?": (dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
        "payments in February 2024": (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        "between 2024-01-15 and 03/31/2024": (dt.date(2024, 1, 15), dt.date(2024, 3, 31)),
        "value imported last year": (dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    }
    for question, (start, end) in cases.items():
        p = find_period(question, TODAY)
        assert p is not None and (p.start, p.end) == (start, end), (question, p)
    assert find_period("What is part 2024-XL?", TODAY) is None
    assert find_period("How long are records kept?", TODAY) is None


def test_vendors_by_a_distinctive_word_and_by_role():
    vendors = {
        "Dongguan Everbright Tooling Works",
        "Everbright Logistics Ltd.",
        "Alpine Trail Brands AG",
        "Formosa Precision Poles Ltd.",
    }
    words = distinctive_words(vendors)
    assert "ltd" not in words and "works" not in words
    known = Known(vendors=vendors)
    roles = {"royalty": {"Alpine Trail Brands AG"}, "tooling": {"Dongguan Everbright Tooling Works"}}
    named = resolve("How much did we pay Formosa in total?", {}, known, words, roles, TODAY)
    assert named.vendors == ["Formosa Precision Poles Ltd."]
    both = resolve("How much did we pay Everbright?", {}, known, words, roles, TODAY)
    assert both.vendors == ["Dongguan Everbright Tooling Works", "Everbright Logistics Ltd."]
    one = resolve("How much did we pay Everbright Tooling?", {}, known, words, roles, TODAY)
    assert one.vendors == ["Dongguan Everbright Tooling Works"]
    licensor = resolve("How much have we paid the licensor?", {}, known, words, roles, TODAY)
    assert licensor.vendors == ["Alpine Trail Brands AG"] and "licensor" in licensor.vendor_phrase


def test_labelled_ids_the_records_do_not_hold_are_named():
    known = Known(parts={"7731-AB"}, payments={"AP-55810"}, entries={"NWG-2024001-1"})
    named = resolve(
        "Compare part ZZ-9999 with part 7731-AB and payment AP-1", {"part": {"7731-AB"}}, known, {}, {}, TODAY
    )
    assert named.parts == ["7731-AB"]
    assert any("part ZZ-9999" in u for u in named.unknown) and any("payment AP-1" in u for u in named.unknown)
    entry = resolve("What is the value of entry NWG-2099999-9?", {"entry": {"NWG-2099999-9"}}, known, {}, {}, TODAY)
    assert entry.unknown == ["no entry NWG-2099999-9 in the entry lines"]


def test_a_sentence_broken_over_a_blank_line_is_one_sentence():
    text = (
        "The article is a beige mat.\n\nThe applicable subheading for the plastic mat, SKU M516\n\nis "
        "3924.90.1050, Harmonized Tariff Schedule of the United States.\n\nThe rate of duty will be\n\n"
        "3.3 percent ad valorem.\n\nInvoice No: 4471\nTotal: 3,000 pcs"
    )
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert any(s.startswith("The applicable subheading") and s.endswith("United States.") for s in spans), spans
    assert any(s.startswith("The rate of duty will be") and "3.3 percent" in s for s in spans), spans
    assert "Invoice No: 4471" in spans and "Total: 3,000 pcs" in spans


def test_a_record_citation_renders_as_data_formats_and_as_a_table():
    c = Citation(
        n=1,
        source="item_master.csv",
        kind="record",
        table="products",
        rows=[3],
        fields={"SKU": "7731-AB", "Approved HTS": "3924.90.1050"},
        value="3924.90.1050",
        how="the product master's HTS Number for 7731-AB",
    )
    assert c.public() == {
        "n": 1,
        "kind": "record",
        "source": "item_master.csv",
        "rows": [3],
        "table": "products",
        "fields": {"SKU": "7731-AB", "Approved HTS": "3924.90.1050"},
        "value": "3924.90.1050",
        "how": "the product master's HTS Number for 7731-AB",
    }
    many = c.model_copy(update={"rows": list(range(1, 51)), "row_count": 120})
    assert many.public()["row_count"] == 120
    html = citations_html(None, Answer(answer="x [1]", citations=[c]))
    assert "<table" in html and "<th>Approved HTS</th><td>3924.90.1050</td>" in html and "record" in html


def test_an_invoice_line_read_in_the_layouts_invoices_use():
    from decimal import Decimal

    from assistant.answering.facts.invoices import read_line

    a = read_line("Item 1: 7731-AB Polyurethane-coated kitchen floor mat, 3,000 pcs, total USD 12,450.00")
    assert (a["quantity"], a["unit"], a["unit_price"], a["amount"]) == (Decimal(3000), "pcs", None, Decimal("12450.00"))
    b = read_line("Item 2: Part No: KM-1002 - Plastic scrub sponge; quantity 500 NO; unit price $1.15; amount $575.00")
    assert (b["quantity"], b["unit_price"], b["amount"]) == (Decimal(500), Decimal("1.15"), Decimal("575.00"))
    c = read_line("BX 4410-05  Garden hose reel   120 units @ 18.50   2,220.00")
    assert (c["quantity"], c["unit_price"], c["amount"]) == (Decimal(120), Decimal("18.50"), Decimal("2220.00"))
    d = read_line("QX-77 spare nozzle, no charge")
    assert d["quantity"] is None and d["amount"] is None
