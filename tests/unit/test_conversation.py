"""Follow-ups understood against the previous turn's frame: ellipsis, picks from the previous answer's
items, references to what it was about, and a new question that starts a new frame."""

from __future__ import annotations

from assistant.answering.conversation import Frame, FrameItem, pick, picks, resolve

PAYMENTS = [
    FrameItem("payment", "AP-100", 900.0, "2024-03-01"),
    FrameItem("payment", "AP-101", 14970.0, "2021-01-08"),
    FrameItem("payment", "AP-102", 25.5, "2025-06-30"),
]


def test_a_first_question_is_understood_as_asked():
    u = resolve("How much duty did we pay in 2024?", None, False, {})
    assert (u.question, u.kind, u.shown) == ("How much duty did we pay in 2024?", "new", "")


def test_ellipsis_changes_only_the_period():
    frame = Frame("How much duty did we pay in 2024?", query={"measure": "duty"})
    u = resolve("And in 2023?", frame, False, {})
    assert u.kind == "ellipsis" and u.question == "How much duty did we pay in 2023?"
    assert resolve("and 2022?", frame, False, {}).question == "How much duty did we pay in 2022?"
    assert u.inherit == {"measure": "duty"} and u.asked == "And in 2023?"


def test_ellipsis_swaps_a_thing_of_the_same_kind():
    frame = Frame("What HTS does the master give HL-2000?", things={"part": ["HL-2000"]})
    u = resolve("what about HL-2001?", frame, True, {"HL-2001": "part"})
    assert u.kind == "ellipsis" and u.question == "What HTS does the master give HL-2001?"


def test_picks_by_value_and_by_place():
    assert picks("which one was the biggest?") == "max" and picks("and the smallest?") == "min"
    assert picks("the second one") == "2" and picks("what was the last one?") == "last"
    assert picks("How much did we import last year?") is None
    assert pick(PAYMENTS, "max").id == "AP-101" and pick(PAYMENTS, "min").id == "AP-102"
    assert pick(PAYMENTS, "first").id == "AP-101"  # by date when every item has one
    assert pick(PAYMENTS, "last").id == "AP-102" and pick(PAYMENTS, "2").id == "AP-101"


def test_a_pick_carries_the_item_and_what_it_concerns():
    finding = FrameItem("finding", "undeclared_assist:AP-7", 5605.53, "Assist AP-7", {"payment": ["AP-7"]})
    frame = Frame("Are there undeclared assists?", items=[finding, FrameItem("finding", "x:1", 10.0)])
    u = resolve("What is the duty at stake for the biggest one?", frame, False, {})
    assert u.kind == "pick" and u.pick.id == "undeclared_assist:AP-7"
    assert u.carried["finding"] == ["undeclared_assist:AP-7"] and u.carried["payment"] == ["AP-7"]
    assert "largest" in u.shown


def test_a_reference_carries_the_frames_things():
    frame = Frame("How much did we pay Busan Hose?", things={"vendor": ["Busan Hose Co."], "payment": ["AP-9"]})
    u = resolve("what was it for?", frame, False, {})
    assert u.kind == "reference" and u.carried == {"vendor": ["Busan Hose Co."], "payment": ["AP-9"]}
    assert "AP-9" in u.question


def test_its_means_the_one_item_listed():
    frame = Frame("what do we buy from Korea?", things={"country": ["KR"]}, items=[FrameItem("part", "KM-4100", 1.0)])
    assert resolve("when was its last entry?", frame, False, {}).carried["part"] == ["KM-4100"]


def test_a_question_naming_new_things_starts_a_new_frame():
    frame = Frame("How much did we pay Busan Hose?", things={"vendor": ["Busan Hose Co."]})
    u = resolve("What is the HTS of part KM-2040 in the master?", frame, True, {"KM-2040": "part"})
    assert (u.kind, u.carried) == ("new", {})


def test_a_frame_survives_the_session_file():
    frame = Frame("q", things={"part": ["A"]}, query={"measure": "paid"}, items=PAYMENTS[:1])
    again = Frame.of(frame.to_dict())
    assert again == frame


def test_comparatives_pick_between_two():
    two = PAYMENTS[:2]
    frame = Frame("how many payments to the licensor?", items=two)
    u = resolve("the bigger one?", frame, False, {})
    assert u.kind == "pick" and u.pick.id == "AP-101" and u.question == "payment AP-101?"
    assert resolve("and the smaller one?", frame, False, {}).pick.id == "AP-100"
    assert resolve("when was the older one paid", frame, False, {}).pick.id == "AP-101"


def test_a_pick_word_before_a_noun_of_another_kind_is_no_pick():
    parts = [FrameItem("part", "KM-1", 10.0), FrameItem("part", "KM-2", 5.0)]
    frame = Frame("which parts had the most corrections?", things={"part": ["KM-1"]}, items=parts)
    u = resolve("when was its last entry?", frame, False, {})
    assert u.kind == "reference" and u.pick is None
    assert resolve("and the last part?", frame, False, {}).pick.id == "KM-2"


def test_the_pick_phrase_is_replaced_by_the_item():
    certs = [FrameItem("certificate", "C-1", None, "2025-05-16"), FrameItem("certificate", "C-2", None, "2026-06-14")]
    u = resolve("when does the first one end?", Frame("which certificates do we hold?", items=certs), False, {})
    assert u.question == "when does certificate C-1 end?"


def test_a_list_is_kept_while_follow_ups_are_about_one_of_its_items():
    listing = Frame("payments to the licensor?", items=PAYMENTS)
    after = Frame("payment AP-101?", things={"payment": ["AP-101"]})
    after.follows(listing, "pick")
    assert after.earlier == PAYMENTS
    assert resolve("and when was the first one paid", after, False, {}).pick.id == "AP-101"  # by date
    new = Frame("how much duty in 2024?", items=PAYMENTS[:2])
    new.follows(listing, "pick")
    assert new.earlier == []  # a turn that lists things of its own starts a list of its own
    fresh = Frame("what is KM-1?")
    fresh.follows(listing, "new")
    assert fresh.earlier == []


def test_a_singular_reference_to_a_ranking_means_its_top_item():
    frame = Frame("biggest payment in AP?", query={"measure": "paid"}, items=[PAYMENTS[1], PAYMENTS[0], PAYMENTS[2]])
    u = resolve("what was that payment for", frame, False, {})
    assert u.kind == "pick" and u.carried == {"payment": ["AP-101"]} and u.inherit is None
    u = resolve("how much was that one", frame, False, {})  # a measure: the previous query, narrowed to it
    assert u.kind == "reference" and u.carried["payment"] == ["AP-101"] and u.inherit == {"measure": "paid"}
    unranked = Frame("payments to the licensor?", query={"measure": "paid"}, items=PAYMENTS)
    assert resolve("what was that payment for", unranked, False, {}).pick is None


def test_a_plural_reference_takes_the_items_listed():
    entries = [FrameItem("entry", f"NWG-202400{i}-1", 100.0 * i, f"2024-0{i}-01") for i in (1, 2, 3)]
    frame = Frame(
        "which entries had the poles on them",
        things={"part": ["NW/310-B"], "vendor": ["Formosa Ltd."]},
        items=entries,
    )
    u = resolve("total value on those?", frame, False, {})
    assert u.kind == "reference" and u.carried["entry"] == [e.id for e in entries]
    assert u.carried["part"] == ["NW/310-B"] and "vendor" not in u.carried


def test_a_value_picked_keeps_the_thing_it_is_a_value_of():
    values = [FrameItem("hts", "3924.90.5650", 24.0), FrameItem("hts", "9503.00.0073", 3.0)]
    frame = Frame("what HTS numbers has KM-6200 been entered under?", things={"part": ["KM-6200"]}, items=values)
    u = resolve("which entries used the second one?", frame, False, {})
    assert u.question == "which entries used hts 9503.00.0073?"
    assert u.carried == {"part": ["KM-6200"], "hts": ["9503.00.0073"]}


def test_an_ordinal_of_a_ranking_picks_by_value():
    assert picks("and the second biggest?") == "max:2" and picks("the third smallest one") == "min:3"
    assert pick(PAYMENTS, "max:2").id == "AP-100" and pick(PAYMENTS, "min:2").id == "AP-100"
    assert pick(PAYMENTS, "max:3").id == "AP-102" and pick(PAYMENTS, "max:4") is None
    frame = Frame("the biggest payments?", items=PAYMENTS)
    u = resolve("and the second biggest?", frame, False, {})
    assert u.kind == "pick" and u.pick.id == "AP-100" and "second largest" in u.shown


def test_an_ellipsis_to_another_vendor_drops_the_previous_vendors_payments():
    frame = Frame(
        "paid to Kuehne + Nagel, in payment PMT-1, PMT-2, all dates",
        things={"vendor": ["Kuehne + Nagel"], "payment": ["PMT-1", "PMT-2"]},
        query={"measure": "paid", "vendors": ["Kuehne + Nagel"], "payments": ["PMT-1", "PMT-2"], "entries": []},
    )
    u = resolve("what about Yang Ming", frame, True, {"Yang Ming": "vendor"})
    assert u.kind == "ellipsis" and u.inherit["payments"] == [] and "PMT-1" not in u.question
    assert "Yang Ming" in u.question


def test_a_short_follow_up_to_a_document_answer_keeps_its_topic():
    frame = Frame(
        "when do we escalate a possible prior disclosure?", topic="when do we escalate a possible prior disclosure?"
    )
    u = resolve("who makes the call?", frame, False, {})
    assert u.kind == "topic" and "prior disclosure" in u.question and u.shown
    assert resolve("how long do they get to decide", frame, False, {}).kind == "topic"
    # a question of its own, or one naming things on record, starts afresh
    assert resolve("what does the broker letter say about assists and royalties?", frame, False, {}).kind == "new"
    assert resolve("what about KM-2040?", frame, True, {"KM-2040": "part"}).kind != "topic"
    assert Frame.of(frame.to_dict()).topic == frame.topic
