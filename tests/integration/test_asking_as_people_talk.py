"""Questions as people ask them, on an importer faprep has not seen (tests/support/other_case.py): record
questions of other shapes, follow-ups in one session, a summary of where the importer stands, refusals by
name and of off-topic questions; the law shelf answering from a workspace that holds no law, beside the
importer's own (weaker) rule, and saying so when it is switched off. Expected values come from the rows
the case was built from."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from assistant.answering.ask import Assistant
from assistant.formats import money
from ingest.pipeline import ingest_paths


@pytest.fixture(scope="module")
def other(other_ingested):
    settings, _report, _folder, rows = other_ingested
    assistant = Assistant(settings)
    yield assistant, rows
    assistant.close()


def _paid(rows, vendor_start: str) -> Decimal:
    return sum((Decimal(str(p[5])) for p in rows["payments"] if p[2].startswith(vendor_start)), Decimal(0))


def test_record_questions_of_other_shapes(other):
    assistant, rows = other
    by_vendor: dict[str, Decimal] = {}
    for p in rows["payments"]:
        by_vendor[p[2]] = by_vendor.get(p[2], Decimal(0)) + Decimal(str(p[5]))
    top = max(by_vendor, key=lambda v: by_vendor[v])
    answer = assistant.ask("Which supplier did we pay the most?")
    assert top in answer.answer and money(by_vendor[top]) in answer.answer
    assert answer.citations and all(c.is_record for c in answer.citations)
    ranked = assistant.ask("top 2 vendors by spend")
    second = sorted(by_vendor, key=lambda v: -by_vendor[v])[1]
    assert ranked.answer.index(top) < ranked.answer.index(second)
    mx = [e for e in rows["entries"] if e["coo"] == "MX" and e["ordinal"] == 1]
    value = assistant.ask("total entered value of goods from Mexico?")
    assert money(sum(Decimal(str(e["value"])) for e in mx)) in value.answer


def test_an_empty_result_says_what_was_looked_for(other):
    assistant, _ = other
    answer = assistant.ask("How much did we pay for electricity last year?")
    assert "electricity" in answer.answer and answer.refused and not answer.citations


def test_a_conversation_keeps_its_frame(other):
    assistant, rows = other
    session = uuid.uuid4().hex
    y = {year: [e for e in rows["entries"] if e["date"].startswith(year)] for year in ("2024", "2025")}
    first = assistant.ask("How much duty did we pay in 2024?", session_id=session)
    assert money(sum(Decimal(str(e["duty"])) for e in y["2024"])) in first.answer and first.resolved is None
    again = assistant.ask("And in 2025?", session_id=session)
    assert money(sum(Decimal(str(e["duty"])) for e in y["2025"])) in again.answer
    assert again.resolved and "2025" in again.resolved
    count = assistant.ask("How many entries was that?", session_id=session)
    assert f": {len({e['entry'] for e in y['2025']})}" in count.answer and "2025" in (count.resolved or "")


def test_a_pick_from_the_previous_answer(other):
    assistant, rows = other
    session = uuid.uuid4().hex
    alpine = [p for p in rows["payments"] if p[2].startswith("Alpine")]
    assert money(_paid(rows, "Alpine")) in assistant.ask("What have we paid Alpine Trail?", session_id=session).answer
    biggest = max(alpine, key=lambda p: p[5])
    picked = assistant.ask("which one was the biggest?", session_id=session)
    assert biggest[0] in picked.answer and money(Decimal(str(biggest[5]))) in picked.answer
    assert picked.resolved and biggest[0] in picked.resolved


def test_a_summary_ranks_the_findings(other):
    assistant, _ = other
    answer = assistant.ask("What are our biggest compliance risks?")
    assert answer.answer.startswith("Where you stand") and answer.findings and len(answer.tools_called) > 5
    assert "[" in answer.answer and answer.findings[0]["id"] in answer.answer


def test_things_not_on_record_and_off_topic_questions_are_refused(other):
    assistant, _ = other
    assert "no entry nwg-2024999-9" in assistant.ask("What was declared on entry NWG-2024999-9?").answer.lower()
    off = assistant.ask("What is the capital of France?")
    assert off.refused and not off.citations
    # what the records do not hold about a thing they do hold is refused by name, not answered with a nearby fact
    vendor = sorted(assistant.facts.known.vendors)[0]
    bank = assistant.ask(f"what's {vendor}'s bank account number?")
    assert bank.refused and not bank.citations and "'bank'" in bank.answer and vendor in bank.answer
    assert assistant.ask(f"How much have we paid {vendor}?").citations  # the vendor's payments are on record


def test_the_second_of_a_ranking(other):
    assistant, rows = other
    session = uuid.uuid4().hex
    assistant.ask("top payees in the AP extract by amount paid?", session_id=session)
    second = assistant.ask("and the second biggest?", session_id=session)
    assert second.resolved and "second largest" in second.resolved


def test_the_law_answers_from_a_workspace_that_holds_none(other):
    assistant, _ = other
    audit = assistant.ask("How long does CBP have to send the audit report?")
    laws = [c for c in audit.citations if c.is_law]
    assert laws and laws[0].cite.startswith("19 CFR 163.11") and "90 calendar days" in audit.answer
    section = assistant.law.shelf.sections()[laws[0].source]
    assert all(section.text[c.char_start : c.char_end] == c.quote for c in laws)
    named = assistant.ask("What does 19 CFR 163.11(a)(5) say?")
    assert named.citations[0].cite == "19 CFR 163.11(a)(5)" and named.citations[0].as_of
    public = named.public()["citations"][0]
    assert {"kind", "source", "section", "paragraph", "cite", "title", "as_of", "quote"} <= set(public)


def test_the_law_beside_a_weaker_rule_of_the_importer(copy_other_case):
    folder, _rows, settings = copy_other_case("withmanual")
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "Import_Procedures.md").write_text(
        "# Import procedures\n\n## Records\n\nImport entry files are retained for three years from the date of "
        "entry and then shredded.\n\n## Brokers\n\nOur broker files every entry under written instructions.\n"
    )
    assert ingest_paths(settings, [folder]).ok
    assistant = Assistant(settings)
    try:
        answer = assistant.ask("How long must we keep entry records?")
        # set against a section the question names: our rule beside it, not the section alone
        against = assistant.ask("do we keep our import files longer than 19 USC 1508 makes us?")
    finally:
        assistant.close()
    kinds = [c.kind for c in answer.citations]
    assert "law" in kinds and any(k != "law" for k in kinds)
    assert "weaker than the law" in answer.answer and any("weaker" in f for f in answer.flags)
    assert against.answer.startswith("Your own rule:") and "three years" in against.answer
    assert any(c.is_law and c.cite.startswith("19 USC 1508") for c in against.citations)


def test_the_shelf_switched_off_says_so(other_ingested):
    settings = other_ingested[0].model_copy(update={"law": "off"})
    assistant = Assistant(settings)
    try:
        answer = assistant.ask("What does 19 CFR 162.74 require a prior disclosure to contain?")
        unnamed = assistant.ask("How many days does CBP have to finish the audit report after the closing conference?")
    finally:
        assistant.close()
    assert "FAPREP_LAW=off" in answer.answer and not any(c.is_law for c in answer.citations)
    assert unnamed.refused and "FAPREP_LAW=off" in unnamed.answer, unnamed.answer


def test_what_a_named_document_says(copy_other_case):
    folder, _rows, settings = copy_other_case("named-sop")
    (folder / "docs").mkdir(exist_ok=True)
    (folder / "docs" / "SOP-IC-04.md").write_text(
        "# Standard Operating Procedure IC-04: Import Compliance\n\n"
        "## Tariff classification\n\nNew item numbers get an HTS number from the trade analyst, approved by the "
        "compliance lead before the first shipment.\n\n"
        "## Valuation\n\nThe buyer reports every mould, die or design payment to trade compliance within ten "
        "working days, so that it is declared as an addition.\n\n"
        "## Recordkeeping\n\nEntry files stay in the archive for five years from the date of entry.\n"
    )
    assert ingest_paths(settings, [folder]).ok
    assistant = Assistant(settings)
    try:
        valuation = assistant.ask("What does our SOP say about tooling payments?")
        classification = assistant.ask("According to our SOP, who classifies new items?")
        absent = assistant.ask("What does our SOP say about travel expenses?")
        no_letter = assistant.ask("What do the broker instructions say about USMCA claims?")
    finally:
        assistant.close()
    assert "ten working days" in valuation.answer and valuation.citations[0].source.endswith("SOP-IC-04.md")
    assert "trade analyst" in classification.answer, classification.answer
    assert absent.refused and "SOP-IC-04.md" in absent.answer and not absent.citations, absent.answer
    assert no_letter.refused and "broker instructions" in no_letter.answer, no_letter.answer


def test_follow_ups_on_the_items_an_answer_listed(other):
    """A part's entries listed, then "those" (their total), "the first one" (by date); a ranking, then
    "that payment" (its top) and "it" (the same payment); two payments, then "the bigger one"."""
    assistant, rows = other
    part = "NW/310-B"
    lines = sorted((e for e in rows["entries"] if e["part"] == part and e["ordinal"] == 1), key=lambda e: e["date"])
    session = uuid.uuid4().hex
    listed = assistant.ask(f"which entries had {part} on them", session_id=session)
    assert all(e["entry"] in listed.answer for e in lines)
    total = assistant.ask("total value on those?", session_id=session)
    assert money(sum(Decimal(str(e["value"])) for e in lines)) in total.answer and total.resolved
    first = assistant.ask("when was the first one", session_id=session)
    assert lines[0]["entry"] in first.resolved and lines[0]["date"] in first.answer

    biggest = max(rows["payments"], key=lambda p: p[5])
    session = uuid.uuid4().hex
    assistant.ask("biggest payment in AP?", session_id=session)
    what = assistant.ask("what was that payment for", session_id=session)
    assert biggest[0] in what.resolved and biggest[0] in what.answer and "most first" not in what.answer
    again = assistant.ask("is it dutiable?", session_id=session)
    assert biggest[0] in again.resolved


def test_certificates_meant_by_what_they_are(other):
    assistant, rows = other
    cid, program, part, producer, start, end = rows["certificates"][0]
    valid = assistant.ask(f"is our {program.lower()} cert still valid")
    assert cid in valid.answer and end in valid.answer and "lapsed" in valid.answer  # as of 2026
    assert any(c.is_record and c.table == "certificates" for c in valid.citations)
    procedure = assistant.ask(f"how far ahead do we renew blanket {program} certs")
    assert cid not in procedure.answer  # what the importer does: not a fact of the certificate


def test_what_only_the_ruling_letter_says(other):
    assistant, _ = other
    requester = assistant.ask("who requested N340223?")
    assert "Mohawk Home" in requester.answer and requester.citations
    rate = assistant.ask("what rate of duty does N340223 give")
    assert "3.3 percent" in rate.answer and all(c.ruling_number == "N340223" for c in rate.citations)


def test_what_a_payments_question_sums_and_looks_for(other):
    """Sums said as people say them ("come to"), a topic looked for in the payments only (never silently
    dropped on the entry lines), the lines' own measure kept when a payment word is near it."""
    assistant, rows = other
    y25 = [p for p in rows["payments"] if p[1].startswith("2025")]
    came = assistant.ask("what did foreign/ap payments come to for 2025")
    assert money(sum(Decimal(str(p[5])) for p in y25)) in came.answer
    nothing = assistant.ask("what did we spend on electricity at the warehouse last yr")
    assert nothing.refused and "electricity" in nothing.answer and "entry lines" not in nothing.answer
    every = assistant.ask("total duty across every entry we've got, both years")
    assert money(sum(Decimal(str(e["duty"])) for e in rows["entries"])) in every.answer


def test_an_invoice_tied_out_to_its_entry(other):
    """The invoice line of a part (its quantity, a price a piece computed from the amount) tied to what its
    entry declared; an invoice that does not list a part the entry lines declare under it says so."""
    assistant, rows = other
    line = next(e for e in rows["entries"] if e["part"] == "7731-AB" and e["ordinal"] == 1)
    tie = assistant.ask("per-piece price of the kitchen mat on the invoice we have?")
    assert f"Invoice {line['invoice']}" in tie.answer and "a piece (computed)" in tie.answer
    assert "ties to the invoice amount" in tie.answer
    assert any(c.is_record and c.table == "entry_lines" for c in tie.citations)
    assert any(not c.is_record and c.source.endswith(".txt") for c in tie.citations)
    on_it = [e["part"] for e in rows["entries"] if e["invoice"] == line["invoice"] and e["ordinal"] == 1]
    missing = [p for p in on_it if p != "7731-AB"]
    shown = assistant.ask(f"does invoice {line['invoice']} show every part the entry declares?")
    assert missing and all(f"does not list {p}" in shown.answer for p in missing[:1])


def test_the_overall_picture_asked_in_other_words(other):
    """A status, our priorities, the risks of a product line are the findings ranked; what the law requires
    of a prior disclosure, or allows us, is the law's to say."""
    assistant, _ = other
    for q in ("give me a one-para status of our customs compliance", "what should we fix first?"):
        a = assistant.ask(q)
        assert a.answer.startswith("Where you stand") and a.findings, q
    narrowed = assistant.ask("what are the risks on 55-0192-X?")
    assert narrowed.answer.startswith("Where you stand for 55-0192-X")
    assert all("55-0192-X" in (f["title"] + str(f["subject"])) for f in narrowed.findings)
    for q in ("what must a prior disclosure contain?", "can we make a prior disclosure over the phone?"):
        law = assistant.ask(q)
        assert not law.answer.startswith("Where you stand") and any(c.is_law for c in law.citations), q


def test_a_ruling_meant_by_the_goods_it_covers(other):
    """ "The mat ruling" is the ruling the product master cites for the part its words describe; what only
    its letter says is answered from within it, the goods' own words set aside."""
    assistant, rows = other
    _desc, _hts, _coo, ruling, _mid = rows["parts"]["7731-AB"]
    rate = assistant.ask("what duty rate did the mat ruling quote")
    assert "3.3 percent" in rate.answer and {c.ruling_number for c in rate.citations} == {ruling}
    who = assistant.ask("who requested the kitchen rug ruling, was it us?")
    assert "Mohawk Home" in who.answer
    gri = assistant.ask(f"which GRI did {ruling} rely on for the mat")
    assert "GRI" in gri.answer and all(c.ruling_number == ruling for c in gri.citations)


def test_a_vendor_that_makes_nothing_we_entered_is_a_payee(other):
    """A lines measure read for a vendor no entry line names as its manufacturer finds no rows; what was
    paid to it answers instead."""
    assistant, rows = other
    licensor = [p for p in rows["payments"] if p[2].startswith("Alpine Trail")]
    answer = assistant.ask("how much did Alpine Trail get from us")
    assert money(sum(Decimal(str(p[5])) for p in licensor)) in answer.answer
    assert all(c.is_record and c.table == "payments" for c in answer.citations)
