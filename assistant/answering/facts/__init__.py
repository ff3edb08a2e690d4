"""Facts from the records: what the product master, the entry lines, the payments, the certificates
and the parsed rulings say about the things a question names, each fact cited to its rows.

How a question reaches a fact, without a language model:
1. **Things named** (``question``). Entry, part, invoice, payment, certificate and manufacturer (MID)
   ids are matched against the ids the records hold; ruling and HTS numbers by their shape; vendors
   by a distinctive word of their name ("Haitian" for "Ningbo Haitian Precision Mould Co."), or by
   their role ("the licensor": the one vendor paid royalties); periods ("in 2024", "last quarter",
   "between 2024-01-01 and 2024-06-30"). A labelled id the records do not hold ("part ZZ-9999") is
   refused by name, never answered with a loose quote.
2. **What is asked** (``registry``, ``record_facts``). Each kind of fact has short descriptions; the
   question's embedding (the one retrieval computes anyway) is compared with them, among the kinds
   whose thing the question names. The best kind above ``MIN_INTENT`` is answered; a question about a
   rule or a procedure that names nothing goes to the documents, one that asks for findings to the
   checks (``routing``).
3. **The value first** (``types``). The fact states the value asked for, its scope and its source
   rows; the documents' sentences follow as support (``Assistant.ask``).

Every record citation names the ingested file, its data rows (1 = the first row after the header),
the fields as stored from those rows (original headers and text), the value stated and how it was
computed (docs/data-formats.md section 5).

The modules, by role:
- ``question``: what a question names (``Named``, ``Period``, ``resolve``, ``find_period``, vendor words);
- ``types``: a fact and its record citations (``Fact``, ``Source``, ``FactAnswer``, ``cite``);
- ``registry``: the fact kinds, each registered by ``@fact_kind(id, thing=..., descriptions=[...])``;
- ``parts``, ``entries`` (and invoices), ``payments`` (and vendors, MIDs, certificates), ``rulings``
  (and HTS numbers), ``periods``: the fact kinds of each subject, next to their descriptions;
- ``record_facts``: ``RecordFacts``, which the ``Assistant`` builds and asks.
"""

from __future__ import annotations

from assistant.answering.facts.question import Named, Period, distinctive_words, find_period, resolve, vendor_hits
from assistant.answering.facts.record_facts import MIN_INTENT, RecordFacts
from assistant.answering.facts.registry import REGISTRY, THINGS, FactContext, FactKind, fact_kind
from assistant.answering.facts.types import (
    MAX_ROWS,
    RULING_QUOTES,
    Fact,
    FactAnswer,
    Source,
    cite,
    entry_pattern,
)

__all__ = [
    "MAX_ROWS",
    "MIN_INTENT",
    "REGISTRY",
    "RULING_QUOTES",
    "THINGS",
    "Fact",
    "FactAnswer",
    "FactContext",
    "FactKind",
    "Named",
    "Period",
    "RecordFacts",
    "Source",
    "cite",
    "distinctive_words",
    "entry_pattern",
    "fact_kind",
    "find_period",
    "resolve",
    "vendor_hits",
]
