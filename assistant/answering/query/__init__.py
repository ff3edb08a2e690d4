"""Record questions of any shape, without a language model: a small semantic parser over the records.

A question is read into slots (:mod:`parse`): *what* is counted or summed (entries, lines, parts,
payments; duty, entered value, amount paid; a first or last date), *of what* (vendors, parts, entries,
payments, HTS numbers, countries, years, GL accounts, MIDs, ports), *filtered by* (a period, a country
of origin or of the vendor, a vendor, a part, an HTS number, a trade program, a GL account, the
statute's payment categories), *ordered and limited* (most, least, top 3, how many) and *grouped*
(by year, per vendor). Words reach slots through the embedding model and each slot's short
descriptions (:mod:`vocabulary`), never through lists of phrasings; the query runs in SQL and every
answer states its scope and cites its rows (:mod:`execute`).
"""

from __future__ import annotations

from assistant.answering.query.execute import Item, QueryAnswer, QueryRunner, describe
from assistant.answering.query.parse import QueryReader, RecordQuery

__all__ = ["RecordQueries", "RecordQuery", "QueryAnswer", "Item", "describe"]


class RecordQueries:
    """Reads and runs record questions for one workspace (built once per ``Assistant``)."""

    def __init__(self, facts, settings, embedder):
        self.reader = QueryReader(facts, settings, embedder)
        self._categories: dict[str, str] | None = None
        self.runner = QueryRunner(facts.look, settings, self.categories_of)
        self.facts = facts

    def categories_of(self) -> dict[str, str]:
        """{payment id: the statute's category it reads as} (as the valuation checks read payments)."""
        if self._categories is None:
            from assistant.checks.valuation import read_payment

            self._categories = {}
            for r in self.facts.look.rows("SELECT * EXCLUDE (raw) FROM payments"):
                read = read_payment(r, self.reader.settings.checks)
                if read and read[0] != "excluded":
                    self._categories[r["payment_id"]] = read[1]
        return self._categories

    def read(self, question: str, named, qvec) -> RecordQuery | None:
        return self.reader.read(question, named, qvec)

    def run(self, query: RecordQuery) -> QueryAnswer:
        return self.runner.run(query)
