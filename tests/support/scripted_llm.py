"""A scripted LangChain chat model standing in for a remote LLM: the one fake the tests use.

Each step of the script is an ``AIMessage`` or a function of the messages the model receives (so a
step can read the tool results, as a real model would). It records every call's messages and the
tools bound to it, and supports ``bind_tools`` like a real tool-calling chat model.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field


class ScriptedChatModel(BaseChatModel):
    script: list[Any]
    calls: list[list[BaseMessage]] = Field(default_factory=list)
    bound_tools: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools, **kwargs):
        self.bound_tools = [convert_to_openai_tool(t)["function"]["name"] for t in tools]
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.calls.append(list(messages))
        if len(self.calls) > len(self.script):
            raise AssertionError(
                f"the model was called {len(self.calls)} times; the script has {len(self.script)} steps"
            )
        step = self.script[len(self.calls) - 1]
        message = step(messages) if callable(step) else step
        return ChatResult(generations=[ChatGeneration(message=message)])


def call(name: str, call_id: str = "c1", **args) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])


def passages_in(messages) -> dict[int, str]:
    """Passage number -> text, from the search results the model has seen so far."""
    found = {}
    for m in messages:
        if isinstance(m, ToolMessage):
            for n, text in re.findall(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', str(m.content), re.S):
                found[int(n)] = text
    return found


def flat(text: str) -> str:
    """Lower case, whitespace runs as one space: PDF text may wrap a phrase across lines."""
    return " ".join(text.split()).lower()


def answer_citing(word: str, template: str) -> Callable:
    """A step that cites the first passage containing ``word``: ``template`` gets ``{n}``."""

    def step(messages):
        seen = passages_in(messages)
        n = next((n for n, text in seen.items() if flat(word) in flat(text)), None)
        if n is None:  # the model's error becomes the fallback flag, which the tests print
            raise AssertionError(
                f"no passage contains {word!r}; passages seen: "
                + " | ".join(f"[{k}] {flat(t)[:80]}" for k, t in seen.items())
                + f"; last message: {str(messages[-1].content)[:300]!r}"
            )
        return AIMessage(content=template.format(n=n))

    return step
