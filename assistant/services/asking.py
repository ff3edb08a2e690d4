"""Asking a question: the one call the CLI, the API (JSON and stream) and the UI's chat make."""

from __future__ import annotations

from pydantic import BaseModel, Field

from assistant.services.runtime import Caller, WorkspaceRuntime


class AskInput(BaseModel):
    """A question and the filters that narrow the documents it is answered from."""

    question: str = Field(min_length=1, max_length=2000, description="the question")
    session_id: str | None = Field(default=None, max_length=64, description="follow-ups keep this session's context")
    kinds: list[str] | None = Field(default=None, description="only documents of these kinds, e.g. ruling")
    ruling: str | None = None
    entry: str | None = None
    part: str | None = None
    since: str | None = Field(default=None, description="documents dated on or after YYYY-MM-DD")
    until: str | None = Field(default=None, description="documents dated on or before YYYY-MM-DD")


def ask(runtime: WorkspaceRuntime, caller: Caller, given: AskInput):
    """The answer (``assistant.answering.answer.Answer``) with its citations, logged as ``ask``."""
    from assistant.answering.ask import parse_filters

    filters = parse_filters(given.kinds, given.ruling, given.entry, given.part, given.since, given.until)
    with runtime.asker() as assistant:
        result = assistant.ask(given.question, session_id=given.session_id, filters=filters)
    runtime.record(
        caller,
        "ask",
        given.model_dump(exclude_none=True),
        result={"mode": result.mode, "citations": [c.source for c in result.citations], "tools": result.tools_called},
    )
    return result
