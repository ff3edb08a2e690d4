"""The kinds of fact, registered where they are answered (step 2 of :mod:`assistant.answering.facts`).

A fact kind is a plain function ``fn(ctx, named) -> list[Fact]`` registered with :func:`fact_kind`:
its id (``part_hts``), the thing it needs the question to name (``part``: one of ``THINGS``) and
short descriptions of the questions it answers. The question's embedding (the one retrieval computes
anyway) is compared with those descriptions, among the kinds whose thing the question names; the best
kind above ``MIN_INTENT`` (:mod:`assistant.answering.facts.record_facts`) is answered. The function
reads the records through ``ctx.look`` (the read-only lookups) and ``ctx.settings``; each subject's
kinds live in one module (``parts``, ``entries``, ``payments``, ``rulings``, ``periods``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from assistant.answering.facts.question import Named
from assistant.answering.facts.types import Fact
from assistant.config import Settings
from assistant.stores.lookups import Lookups

# the things a fact kind may need the question to name (``Named.kinds``), in the order the kinds are
# listed and their descriptions embedded
THINGS = ("part", "entry", "invoice", "payment", "vendor", "mid", "certificate", "ruling", "hts", "period")


class FactContext(Protocol):
    """What a fact kind reads: the records' lookups and the settings (``RecordFacts`` is one)."""

    look: Lookups
    settings: Settings


@dataclass(frozen=True)
class FactKind:
    id: str
    thing: str
    descriptions: tuple[str, ...]
    fn: Callable[[FactContext, Named], list[Fact]]
    # a word the question must say for this kind to answer it (an invoice's line answers only a question
    # that speaks of the invoice; "how much did we pay the supplier" asks the payments)
    needs: re.Pattern | None = None

    def answers(self, question: str) -> bool:
        """Whether this kind may answer ``question``: it says the word the kind needs, when it needs one."""
        return self.needs is None or self.needs.search(question) is not None


REGISTRY: dict[str, FactKind] = {}


def fact_kind(id: str, *, thing: str, descriptions: list[str], needs: str | None = None):
    """Register ``fn(ctx, named)`` as fact kind ``id``: it answers questions like ``descriptions`` about
    the ``thing`` a question names (and that say ``needs``, a pattern, when given)."""
    if thing not in THINGS:
        raise ValueError(f"fact kind {id}: unknown thing {thing!r} (one of {', '.join(THINGS)})")

    def register(fn: Callable[[FactContext, Named], list[Fact]]):
        REGISTRY[id] = FactKind(id, thing, tuple(descriptions), fn, re.compile(needs, re.I) if needs else None)
        return fn

    return register


def descriptions() -> list[tuple[str, str]]:
    """(kind, description) for every description of every kind, by ``THINGS`` and then as registered."""
    kinds = sorted(REGISTRY.values(), key=lambda k: THINGS.index(k.thing))
    return [(k.id, d) for k in kinds for d in k.descriptions]
