"""Drafts with a language model: the scripted chat model rewrites each response; faprep checks what it
wrote (citations, numbers, position) and keeps the extractive draft when the model fails."""

from __future__ import annotations

import re

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from assistant.answering.answer import LEGAL_NOTE
from assistant.answering.ask import Assistant
from assistant.drafting.rebuttal import draft_rebuttal
from tests.support.scripted_llm import ScriptedChatModel


def _draft_of(messages) -> str:
    human = next(m for m in messages if isinstance(m, HumanMessage)).content
    return human.split("Draft:\n", 1)[1].split("\n\nSources:\n", 1)[0]


def test_rewritten_responses_are_checked_and_a_failure_keeps_the_draft(ingested):
    settings, _, folder, truth = ingested
    plain = draft_rebuttal(settings, folder / truth["draft_report"]["path"])

    def fluent(messages):  # keeps the facts and the marker, rephrases
        assert isinstance(messages[0], SystemMessage) and "Keep every fact" in messages[0].content
        return AIMessage(content="With respect, we disagree: " + _draft_of(messages).removeprefix("We disagree. "))

    def inventive(messages):  # cites a source that does not exist and makes up an amount
        return AIMessage(content="We agree in part; see [7]. A further $99,999.00 is owed.")

    def down(messages):
        raise ConnectionError("connection refused")

    model = ScriptedChatModel(script=[fluent, inventive, down])
    a = Assistant(settings, llm=model)
    try:
        r = draft_rebuttal(settings, folder / truth["draft_report"]["path"], assistant=a)
    finally:
        a.close()
    assert r.mode == "llm" and len(model.calls) == 3
    first, second, third = r.responses
    assert first.answer.startswith("With respect, we disagree: ") and first.answer.endswith(LEGAL_NOTE)
    assert first.flags == [] and [c.n for c in first.citations if not c.is_law] == [1] and "[1]" in first.answer
    assert [c.cite for c in first.citations if c.is_law] == ["19 USC 1484(a)(1)"]  # the law quoted stays cited
    assert first.citations[0].quote == plain.responses[0].citations[0].quote
    assert "[?]" in second.answer and second.citations == []
    assert any("[7]" in f for f in second.flags) and any("99,999.00" in f for f in second.flags)
    assert any("no longer cites" in f for f in second.flags)
    assert third.answer == plain.responses[2].answer and "ConnectionError" in third.flags[-1]
    # positions stay faprep's own, from the records
    assert [x.position for x in r.responses] == [x.position for x in plain.responses]


def test_a_rewrite_that_turns_the_position_is_flagged(ingested):
    settings, _, folder, truth = ingested
    turned = lambda m: AIMessage(content=re.sub(r"(?i)we disagree", "We accept the finding", _draft_of(m)))  # noqa: E731
    same = lambda m: AIMessage(content=_draft_of(m))  # noqa: E731
    a = Assistant(settings, llm=ScriptedChatModel(script=[turned, same, same]))
    try:
        r = draft_rebuttal(settings, folder / truth["draft_report"]["path"], assistant=a)
    finally:
        a.close()
    assert any("does not state the position 'disagree'" in f for f in r.responses[0].flags)
    assert r.responses[1].flags == [] and r.responses[2].flags == []
