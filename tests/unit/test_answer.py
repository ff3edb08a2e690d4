"""Fusion, sentence splitting and selection, quote checking and routing: pure functions."""

from __future__ import annotations

import numpy as np

from assistant.answering.answer import cite, is_heading, select_sentences, sentence_spans, verify_quote
from assistant.answering.retrieval import Passage, convex, rrf
from assistant.answering.routing import asks_policy, route


def test_rrf_sums_reciprocal_ranks_and_rewards_agreement():
    scores = rrf([["a", "b", "c"], ["c", "a"]], k=60)
    assert scores["a"] == 1 / 61 + 1 / 62 and scores["b"] == 1 / 62 and scores["c"] == 1 / 63 + 1 / 61
    assert sorted(scores, key=lambda c: -scores[c]) == ["a", "c", "b"]


def test_convex_normalises_each_list():
    scores = convex([("a", 0.9), ("b", 0.5)], [("b", 12.0), ("c", 2.0)], alpha=0.5)
    assert scores == {"a": 0.5, "b": 0.5, "c": 0.0}
    assert convex([("a", 0.7)], [], alpha=0.3) == {"a": 0.3}


def _texts(text):
    return [text[a:b] for a, b in sentence_spans(text)]


def test_sentences_keep_abbreviations_and_numbers_whole():
    text = "Records are kept under 19 U.S.C. 1508 for five years. See No. 12 of the manual! Is 3926.40.0090 right?"
    assert _texts(text) == [
        "Records are kept under 19 U.S.C. 1508 for five years.",
        "See No. 12 of the manual!",
        "Is 3926.40.0090 right?",
    ]


def test_sentences_split_glued_text_and_join_wrapped_lines():
    assert _texts("you requested a ruling.Images were provided instead.") == [
        "you requested a ruling.",
        "Images were provided instead.",
    ]
    wrapped = (
        "Entry records are kept for five years from the date of entry, as required by law and\n"
        "filed by entry number.\nInvoice No.: KMH-1\nTotal: $5"
    )
    assert _texts(wrapped)[0].endswith("filed by entry number.")
    assert "Invoice No.: KMH-1" in _texts(wrapped)


def test_verify_quote_is_verbatim_and_nearest():
    page = "alpha beta. gamma delta. alpha beta."
    assert verify_quote(page, "alpha beta.", 20) == (25, 36)
    assert verify_quote(page, "alpha  beta.", 0) is None and verify_quote(page, "", 0) is None


class _Embedder:
    """Bag-of-words vectors: enough to test selection without a model."""

    vocab = ["retention", "five", "years", "broker", "review", "tooling"]

    def embed(self, texts, max_tokens=None):
        v = np.array([[t.lower().count(w) for w in self.vocab] for t in texts], dtype=float) + 1e-9
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def _passage(cid, text, start=0):
    return Passage(cid, f"{cid}.pdf", 1, "compliance_manual", cid, text, start, start + len(text))


def test_selection_prefers_relevant_sentences_caps_per_passage_and_cites_verbatim():
    p1 = _passage(
        "m", "Retention is five years for records. Retention is five years for all records. Broker review is monthly."
    )
    p2 = _passage("n", "Tooling is paid by us. Records retention: five years under the law.", start=100)
    emb = _Embedder()
    q = emb.embed(["retention five years"])[0]
    chosen = select_sentences("How many years is retention?", [p1, p2], emb, q, set(), max_sentences=3)
    texts = [c.text for c in chosen]
    assert set(texts[:2]) == {"Retention is five years for records.", "Records retention: five years under the law."}
    assert "Retention is five years for all records." not in texts  # a near duplicate is skipped
    assert chosen[0].sim > chosen[-1].sim
    pages = {("m.pdf", 1): p1.text, ("n.pdf", 1): "x" * 100 + p2.text}
    citations, parts, flags = cite(chosen, lambda path, page: pages[(path, page)])
    assert not flags and [c.n for c in citations] == list(range(1, len(citations) + 1))
    for c in citations:
        assert pages[(c.source, c.page)][c.char_start : c.char_end] == c.quote
    # a quote that is not in the page is dropped and flagged, never returned
    citations, _, flags = cite(chosen, lambda path, page: "unrelated text")
    assert not citations and len(flags) == len(chosen)


def test_routing_is_narrow_and_takes_arguments_from_identifiers():
    assert route("Which parts have inconsistent classifications?", {}).checks == ["hts_inconsistency"]
    assert route("Are there undeclared assists?", {}).checks == ["undeclared_assist"]
    r = route("Is entry HL7-0101234-5 complete?", {"entry": {"HL7-0101234-5"}})
    assert r.checks == ["missing_records"] and r.args == {"entry": "HL7-0101234-5"}
    # a payment id is an argument when the payments extract holds it, whatever its shape
    assert route("Was royalty AP-55871 added to value?", {"payment": {"AP-55871"}}).args == {"payment_id": "AP-55871"}
    assert route("Was royalty PAY-0175 added to value?", {}).args == {}
    assert len(route("What compliance issues do we have?", {}).checks) == 11
    for question in (
        "What does ruling N361443 say about plastic charms?",
        "How long must records be kept?",
        "Who assists with the importation process?",
        # questions about a rule or a procedure, not about the records
        "When are blanket USMCA certifications renewed?",
        "What happens to errors that cannot be corrected by a post-summary correction?",
        "Must molds and tooling we send to a supplier be added to the entered value?",
        "How should royalties be declared?",
    ):
        assert route(question, {}) is None, question
    # ... while the same topics asked of the data still go to the checks
    assert route("When did we file post-summary corrections?", {}).checks == ["psc_pattern"]
    assert route("Are there USMCA claims without certificates?", {}).checks == ["spi_without_certificate"]
    assert route("Which entries have post-summary corrections?", {}).checks == ["psc_pattern"]
    assert route("How many entries claim USMCA without a certificate?", {}).checks == ["spi_without_certificate"]
    assert route("Must assists for KM-2040 be declared?", {"part": {"KM-2040"}}).args == {"part_number": "KM-2040"}
    # an identifier kind the question does not use (an empty set) is no identifier
    assert route("How should royalties be declared?", {"payment": set(), "entry": set()}) is None


def test_a_rule_asked_after_its_circumstances_is_still_a_rule():
    for question in (
        "CBP mitigated our penalty on condition that we pay less. How long is that offer good for?",
        "Under the NAFTA rules, how long does an importer have to correct a claim for preference?",
        "Our supplier's certificate is from 2021. Can we still use it?",
        "What is the penalty for removing a country-of-origin marking?",
        "Will CBP issue a ruling on a question that is being litigated?",
    ):
        assert asks_policy(question), question
    for question in ("Which entries had post-summary corrections in 2024?", "Show me the USMCA claims, by month."):
        assert not asks_policy(question), question


def test_a_part_named_by_its_description():
    from assistant.answering.facts.question import described_parts, description_words, mask_described

    words = description_words(
        {
            "7731-AB": "Polyurethane-coated kitchen floor mat",
            "NW/310-B": "Trekking pole, aluminium shaft",
            "55-0192-X": "Insulated hiking jacket, polyester",
            "Q-1": "Plastic laundry bin with lid",
            "Q-2": "Plastic shopping bag",
            "Q-3": "Plastic leaf rake",
        }
    )
    assert "plastic" not in words  # shared by most parts: it singles none out
    assert described_parts("hts on the trekking poles?", words, {}) == ["NW/310-B"]
    assert described_parts("which entries had the PU kitchen mat on them", words, {}) == ["7731-AB"]
    # a product described mostly in other words is not one of ours because one word matches
    assert described_parts("how would kraft paper gift bags with cord handles be classified?", words, {}) == []
    assert described_parts("what did we pay Everbright last year?", words, {"everbright": {"x"}}) == []
    assert mask_described("COO for the insulated jacket per the master?", words) == "COO for the part per the master?"


def test_typing_slips_are_put_right_and_nothing_else():
    from collections import Counter

    from assistant.answering.spelling import Speller

    speller = Speller(
        Counter({"entered": 40, "value": 50, "classification": 9, "commercial": 5, "invoice": 7, "insulate": 2}),
        known={"pending", "confirm", "kraft"},
    )
    assert speller.correct("total enterd value for 2025?") == "total entered value for 2025?"
    assert (
        speller.correct("the clasification on the commerical invoce") == "the classification on the commercial invoice"
    )
    for asked in (
        "is the ruling still pending?",  # an English word the workspace does not use
        "kraft paper bags",  # short words and known words stay
        "insulated jackets",  # another form of a word, not a slip
        "invoice KMH-2501-001 from Everbright",  # ids, names
        "what is the CLASIFICATION",  # upper case: an abbreviation or a name
    ):
        assert speller.correct(asked) == asked, asked


def test_identifiers_said_as_what_they_are():
    from assistant.answering.facts.question import Named, mask_ids

    named = Named(parts=["7731-AB"], rulings=["N340223"], entries=["NWG-2024001-1"])
    assert mask_ids("what is N340223 about", named) == "what is the ruling about"
    assert mask_ids("what rate does it give (part 7731-AB; ruling N340223)?", named) == (
        "what rate does it give (the part; the ruling)?"
    )
    assert mask_ids("value of NWG 2024001 1?", named) == "value of the entry?"
    assert mask_ids("what is N3402234 about", named) == "what is N3402234 about"  # another id is left as it is


def test_problems_asked_as_what_was_left_undone():
    from assistant.answering.routing import ASKS_PROBLEMS

    for q in (
        "which entries never got a broker review logged",
        "did we leave tooling out of the customs value",
        "any entries claim it after it lapsed?",
        "were the royalties not added to the value?",
    ):
        assert ASKS_PROBLEMS.search(q), q
    for q in ("how much duty did we pay in 2024", "who is our broker", "biggest payment in AP?"):
        assert not ASKS_PROBLEMS.search(q), q


def test_check_questions_name_registered_checks():
    import prompts
    from assistant.checks import REGISTRY

    asked = prompts.check_questions()
    assert set(asked) <= set(REGISTRY) and all(asked.values())
    assert not any(ch.isdigit() for qs in asked.values() for q in qs for ch in q)  # general, no ids


def test_a_procedure_about_certificates_is_not_a_certificate_named():
    from assistant.answering.facts.record_facts import CERTIFICATES, HABIT

    for q in ("how far ahead do we renew blanket USMCA certs", "who signs our certificates", "what must a cert show"):
        assert CERTIFICATES.search(q) and HABIT.search(q), q
    for q in ("is our usmca cert still valid", "which certificates do we hold?", "do we have a cert for the jacket"):
        assert CERTIFICATES.search(q) and not HABIT.search(q), q
    assert HABIT.search("do we have to have the certificate of origin in hand?")
    assert HABIT.search("Our Mexican supplier's USMCA certification was completed back in 2021. Can we still use it?")


def test_a_procedure_question_is_known_and_no_source_holds_control_characters():
    """PROCEDURE once held a backspace where its word boundary belonged and matched nothing."""
    from pathlib import Path

    from assistant.answering.ask import PROCEDURE

    assert PROCEDURE.search("Do we have a post-summary correction procedure?")
    root = Path(__file__).resolve().parents[2]
    for folder in ("assistant", "ingest", "prompts", "evaluation"):
        for path in (root / folder).rglob("*.py"):
            bad = [c for c in path.read_text() if ord(c) < 32 and c not in "\n\t\r"]
            assert not bad, f"{path}: control character {bad[0]!r}"


def test_a_heading_is_no_answer_but_the_topic_of_the_sentences_under_it():
    text = (
        "PROCEDURE CP-02\nRECORDKEEPING AND RETENTION\nProcedure owner: Trade Compliance Manager\n"
        "B.1  Retention period\nRidgeline keeps entry records for six (6) years from the date of entry.\n"
        "B.2  Destruction\nOld files are shredded each January after approval.\n"
    )
    spans = sentence_spans(text)
    headings = [text[a:b] for a, b in spans if is_heading(text, a, b)]
    assert headings == ["PROCEDURE CP-02", "RECORDKEEPING AND RETENTION", "B.1  Retention period", "B.2  Destruction"]
    emb = _Embedder()
    emb.vocab = ["retention", "period", "six", "years", "shredded", "january"]
    q = emb.embed(["retention period"])[0]
    chosen = select_sentences("what is our retention period?", [_passage("m", text)], emb, q, set(), max_sentences=2)
    # the sentence under "Retention period" answers; the heading itself is never quoted
    assert chosen[0].text.startswith("Ridgeline keeps entry records for six")
    assert all(not is_heading(text, c.start, c.end) for c in chosen)


def test_a_sentence_stating_what_is_asked_is_preferred():
    from assistant.answering.law import states_asked

    p = _passage("m", "The broker files entries for us at Laredo. The broker files entries within 3 business days.")
    emb = _Embedder()
    emb.vocab = ["broker", "files", "entries"]
    q = emb.embed(["broker files entries"])[0]
    ask = "how quick does the broker file entries"
    chosen = select_sentences(ask, [p], emb, q, set(), max_sentences=1, bonus=states_asked(ask))
    assert chosen[0].text == "The broker files entries within 3 business days."


def test_a_procedure_fixed_anywhere_in_the_question_is_a_rule():
    assert asks_policy("PSC deadline under CP-07?") and asks_policy("whats the target error rate for the brokers")
    assert asks_policy("deadline for declaring a royalty we decide is dutiable?")
    assert asks_policy("who approves the hts number for a new part?")
    # "do we have to" asks a rule; "do we have any" asks the data
    assert route("how long do we have to make a post-importation usmca claim", {}) is None
    assert route("do we have any usmca claims without a certificate?", {}) is not None
    assert not asks_policy("any royalties we never added to value?")


def test_a_loosely_worded_answer_is_supported_by_meaning_and_two_shared_words():
    from assistant.answering.answer import Sentence, supports, supports_loosely

    p = _passage("m", "Blanket certifications may cover a period of up to 12 months.")
    loose = Sentence(p, 0, 0, len(p.text), sim=0.50, overlap=0.29, shared=2)
    assert supports_loosely(loose, 0.45) and not supports(loose, 0.45)  # "max length of a usmca blanket period"
    assert not supports_loosely(Sentence(p, 0, 0, len(p.text), sim=0.50, overlap=0.33, shared=1), 0.45)  # one word
    assert not supports_loosely(Sentence(p, 0, 0, len(p.text), sim=0.40, overlap=0.4, shared=2), 0.45)  # too far
