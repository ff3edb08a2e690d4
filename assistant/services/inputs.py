"""Typed inputs made from what a person typed (CLI options, UI fields): a value the input's model
refuses is a ``BadInput`` naming the field, as the API's validation names it."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assistant.errors import BadInput

M = TypeVar("M", bound=BaseModel)


def made(model: type[M], **values) -> M:
    """``model(**values)``, or ``BadInput`` naming the first field refused and why."""
    try:
        return model(**values)
    except ValidationError as exc:
        problems = [
            (".".join(str(p) for p in e.get("loc", ())) or "input", e.get("msg", "invalid")) for e in exc.errors()
        ]
        raise BadInput("; ".join(f"{f}: {m}" for f, m in problems), field=problems[0][0]) from None
