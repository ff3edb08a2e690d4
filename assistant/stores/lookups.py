"""Read-only lookups over the records, each row with its provenance.

Every row comes back as a dict of its typed columns plus ``source_file``, ``source_row`` (1 = the
first data row after the header) and ``raw`` (the row as it was read, original headers and text),
so whatever is stated from it can be cited and checked against the stored row. The answering layer
(``assistant.answering.facts``) turns these rows into stated facts; nothing here formats text.

The drafts' lookups come last: the first entry date of every entry and the product descriptions (a
draft report's finding tested against the records), and the survey's aggregates: counts and sums over
the relations ``assistant.checks.base.prepare`` builds (``lines``, ``master``) and the stored tables,
one plain dict (or list of pairs) per area, which ``assistant.drafting.survey`` words as facts.
Aggregates carry no provenance: they state how many, never which row.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from assistant import normalize as nz
from assistant.stores.schema import SPEC_BY_KIND


@dataclass
class Known:
    """The identifiers the records hold, to recognise them in a question."""

    parts: set[str] = field(default_factory=set)
    entries: set[str] = field(default_factory=set)
    payments: set[str] = field(default_factory=set)
    certificates: set[str] = field(default_factory=set)
    mids: set[str] = field(default_factory=set)
    invoices: set[str] = field(default_factory=set)
    rulings: set[str] = field(default_factory=set)
    vendors: set[str] = field(default_factory=set)


def header_of(table: str, column: str, raw: dict) -> str | None:
    """The file's own header that was read into ``table.column`` (e.g. ``SKU`` for part_number)."""
    spec = SPEC_BY_KIND.get(table)
    col = next((c for c in spec.columns if c.name == column), None) if spec else None
    if col is None:
        return None
    keys = col.keys()
    return next((h for h in raw if nz.header_key(h) in keys), None)


def fields_of(table: str, row: dict, columns: list[str]) -> dict[str, Any]:
    """{original header: value as stored in the raw row} for ``columns`` of one row."""
    out = {}
    raw = row.get("raw") or {}
    for c in columns:
        h = header_of(table, c, raw)
        if h is not None:
            out[h] = raw.get(h)
    return out


class Lookups:
    """Queries over one open records connection (read-only use)."""

    def __init__(self, con):
        self.con = con

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        out = []
        for r in cur.fetchall():
            d = dict(zip(cols, r))
            if isinstance(d.get("raw"), str):
                d["raw"] = json.loads(d["raw"])
            out.append(d)
        return out

    def _set(self, sql: str) -> set[str]:
        return {r[0] for r in self.con.execute(sql).fetchall() if r[0]}

    def known(self) -> Known:
        return Known(
            parts=self._set(
                "SELECT part_number FROM products UNION SELECT part_number FROM entry_lines "
                "UNION SELECT part_number FROM payments UNION SELECT part_number FROM certificates"
            ),
            entries=self._set("SELECT DISTINCT entry_number FROM entry_lines"),
            payments=self._set("SELECT payment_id FROM payments"),
            certificates=self._set("SELECT certificate_id FROM certificates"),
            mids=self._set("SELECT mid FROM entry_lines UNION SELECT mid FROM payments"),
            invoices=self._set("SELECT DISTINCT invoice_number FROM entry_lines"),
            rulings=self._set("SELECT ruling_number FROM rulings"),
            vendors=self._set("SELECT vendor_name FROM payments UNION SELECT producer FROM certificates"),
        )

    # --- parts --------------------------------------------------------------------------------

    def product(self, part: str) -> dict | None:
        rows = self.rows(
            "SELECT * FROM products WHERE part_number = ? ORDER BY source_file DESC, source_row DESC LIMIT 1", [part]
        )
        return rows[0] if rows else None

    def master_rulings(self, parts) -> set[str]:
        """The rulings the product master cites for ``parts``, each part read from its latest master row."""
        return {(self.product(p) or {}).get("ruling_number") or "" for p in parts} - {""}

    def part_lines(self, part: str) -> list[dict]:
        """The part's entry lines on the main tariff ordinal, oldest first."""
        return self.rows(
            "SELECT * FROM entry_lines WHERE part_number = ? AND coalesce(tariff_ordinal, 1) = 1 "
            "ORDER BY entry_summary_date, entry_number, line_number",
            [part],
        )

    def parts_under(self, hts: str) -> tuple[list[dict], list[dict]]:
        """Product master rows with this HTS, and main-ordinal entry lines declared under it."""
        master = self.rows("SELECT * FROM products WHERE hts = ? ORDER BY part_number", [hts])
        lines = self.rows(
            "SELECT * FROM entry_lines WHERE hts = ? AND coalesce(tariff_ordinal, 1) = 1 "
            "ORDER BY part_number, entry_summary_date",
            [hts],
        )
        return master, lines

    # --- entries ------------------------------------------------------------------------------

    def entry_lines(self, entry: str) -> list[dict]:
        """Every row of the entry (all tariff ordinals), in line order."""
        return self.rows(
            "SELECT * FROM entry_lines WHERE entry_number = ? ORDER BY line_number, coalesce(tariff_ordinal, 1)",
            [entry],
        )

    def entry_documents(self, entry: str) -> list[tuple[str, str]]:
        return self.con.execute(
            "SELECT DISTINCT d.kind, d.path FROM document_entries de JOIN documents d USING (path) "
            "WHERE de.entry_number = ? ORDER BY 1, 2",
            [entry],
        ).fetchall()

    def entry_reviews(self, entry: str) -> list[dict]:
        return self.rows("SELECT * FROM broker_reviews WHERE entry_number = ? ORDER BY review_date", [entry])

    def mid_lines(self, mid: str) -> list[dict]:
        return self.rows(
            "SELECT * FROM entry_lines WHERE mid = ? AND coalesce(tariff_ordinal, 1) = 1 "
            "ORDER BY entry_summary_date, entry_number, line_number",
            [mid],
        )

    def lines_at(self, keys: list[tuple[str, int]]) -> list[dict]:
        """The main-ordinal rows of the (entry, line) pairs given, with their port, dates and values, and
        ``total_duty``: the duty of every tariff ordinal of the line (Chapter 99 included)."""
        if not keys:
            return []
        return self.rows(
            "WITH wanted AS (SELECT unnest(?) AS entry_number, unnest(?) AS line_number), "
            "totals AS (SELECT entry_number, line_number, sum(coalesce(duty, 0)) AS total_duty "
            "FROM entry_lines JOIN wanted USING (entry_number, line_number) GROUP BY ALL) "
            "SELECT l.* EXCLUDE (raw), t.total_duty FROM entry_lines l JOIN totals t USING (entry_number, line_number) "
            "WHERE coalesce(l.tariff_ordinal, 1) = 1 ORDER BY l.entry_summary_date, l.entry_number, l.line_number",
            [[k[0] for k in keys], [int(k[1]) for k in keys]],
        )

    def lines_between(self, start: dt.date, end: dt.date) -> list[dict]:
        """Every row (all ordinals) of the entries summarized between ``start`` and ``end`` inclusive."""
        return self.rows(
            "SELECT * FROM entry_lines WHERE entry_summary_date BETWEEN ? AND ? "
            "ORDER BY entry_summary_date, entry_number, line_number, coalesce(tariff_ordinal, 1)",
            [start, end],
        )

    # --- payments, vendors, certificates ------------------------------------------------------

    def payment(self, payment_id: str) -> dict | None:
        rows = self.rows("SELECT * FROM payments WHERE payment_id = ?", [payment_id])
        return rows[0] if rows else None

    def payments_to(self, vendors: list[str]) -> list[dict]:
        return self.rows(
            "SELECT * FROM payments WHERE list_contains(?, vendor_name) ORDER BY payment_date, payment_id", [vendors]
        )

    def payments_between(self, start: dt.date, end: dt.date) -> list[dict]:
        return self.rows(
            "SELECT * FROM payments WHERE payment_date BETWEEN ? AND ? ORDER BY payment_date, payment_id", [start, end]
        )

    def payments_for_part(self, part: str) -> list[dict]:
        return self.rows("SELECT * FROM payments WHERE part_number = ? ORDER BY payment_date", [part])

    def certificates_for(self, part: str) -> list[dict]:
        return self.rows("SELECT * FROM certificates WHERE part_number = ? ORDER BY blanket_start", [part])

    def certificate(self, certificate_id: str) -> dict | None:
        rows = self.rows("SELECT * FROM certificates WHERE certificate_id = ?", [certificate_id])
        return rows[0] if rows else None

    def vendor_mids(self, vendors: list[str]) -> list[str]:
        rows = self.con.execute(
            "SELECT DISTINCT mid FROM payments WHERE list_contains(?, vendor_name) AND mid IS NOT NULL", [vendors]
        ).fetchall()
        return sorted(r[0] for r in rows)

    # --- documents ----------------------------------------------------------------------------

    def pages(self, path: str) -> list[tuple[int | None, str]]:
        return self.con.execute(
            "SELECT page, text FROM pages WHERE path = ? ORDER BY page NULLS FIRST", [path]
        ).fetchall()

    def chunk_at(self, path: str, page: int | None, offset: int) -> str | None:
        row = self.con.execute(
            "SELECT chunk_id FROM chunks WHERE path = ? AND page IS NOT DISTINCT FROM ? AND char_start <= ? "
            "ORDER BY char_start DESC LIMIT 1",
            [path, page, offset],
        ).fetchone()
        return row[0] if row else None

    # --- rulings ------------------------------------------------------------------------------

    def ruling(self, number: str) -> dict | None:
        rows = self.rows("SELECT * FROM rulings WHERE ruling_number = ?", [number])
        return rows[0] if rows else None

    # --- for the drafts -----------------------------------------------------------------------

    def entry_dates(self) -> dict[str, dt.date]:
        """Every entry's first entry summary date."""
        return dict(
            self.con.execute("SELECT entry_number, min(entry_summary_date) FROM entry_lines GROUP BY 1").fetchall()
        )

    def product_descriptions(self) -> list[dict]:
        """``part_number`` and ``description`` of every product master row with a description."""
        return self.rows("SELECT part_number, description FROM products WHERE description IS NOT NULL")

    # --- the survey's aggregates (``prepare`` has built ``lines`` and ``master``) ---------------

    def _one(self, sql: str, params: list | None = None) -> dict[str, Any]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return dict(zip(cols, cur.fetchone()))

    def lines_overview(self) -> dict[str, Any]:
        """n_lines, n_entries, first and last entry date, entered value of the entry lines."""
        return self._one(
            "SELECT count(*) AS n_lines, count(DISTINCT entry_number) AS n_entries, min(entered) AS first_entered, "
            "max(entered) AS last_entered, sum(value) AS entered_value FROM lines"
        )

    def master_coverage(self) -> dict[str, Any]:
        """parts in the product master, those citing a ruling; entry lines of master parts that declared
        the master's HTS number (on_master) of those compared."""
        out = self._one(
            "SELECT count(*) AS parts, count(ruling_number) FILTER (WHERE trim(ruling_number) <> '') AS with_ruling "
            "FROM master"
        )
        out |= self._one(
            "SELECT count(*) FILTER (WHERE hts_eq(l.hts_d, m.hts_d)) AS on_master, count(*) AS compared "
            "FROM lines l JOIN master m USING (part_number) "
            "WHERE l.hts_d <> '' AND m.hts_d <> ''"
        )
        return out

    def value_counts(self) -> dict[str, Any]:
        """Lines declaring additions and their sum, related-party lines, payments and their sum."""
        out = self._one(
            "SELECT count(*) FILTER (WHERE additions > 0) AS with_additions, sum(additions) AS additions FROM lines"
        )
        out |= self._one("SELECT count(*) FILTER (WHERE related_party) AS related FROM lines")
        out |= self._one("SELECT count(*) AS payments, sum(amount) AS paid FROM payments")
        return out

    def origins(self, limit: int = 5) -> list[tuple[str | None, int]]:
        """(country of origin, entry lines) of the most declared countries."""
        return self.con.execute(
            "SELECT country_of_origin, count(*) FROM lines GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", [limit]
        ).fetchall()

    def program_counts(self) -> dict[str, Any]:
        """Lines claiming a trade program (spi), USMCA ones (usmca), USMCA certifications on record."""
        out = self._one(
            "SELECT count(*) FILTER (WHERE coalesce(trim(spi), '') <> '') AS spi, "
            "count(*) FILTER (WHERE upper(trim(spi)) IN ('S', 'S+')) AS usmca FROM lines"
        )
        out |= self._one("SELECT count(*) AS certificates FROM certificates WHERE upper(program) = 'USMCA'")
        return out

    def special_duty_counts(self) -> dict[str, Any]:
        """Chapter 99 tariff lines reported (ch99) and AD/CVD entries, type 03 (adcvd)."""
        out = self._one(
            "SELECT count(*) AS ch99 FROM entry_lines WHERE coalesce(tariff_ordinal, 1) > 1 "
            "AND regexp_replace(coalesce(hts, ''), '[^0-9]', '', 'g') LIKE '99%'"
        )
        out |= self._one("SELECT count(DISTINCT entry_number) AS adcvd FROM lines WHERE entry_type IN ('03', '3')")
        return out

    def entries_reviewed(self) -> int:
        """Entries with a review in the broker review log."""
        return self._one(
            "SELECT count(DISTINCT l.entry_number) AS reviewed FROM lines l JOIN broker_reviews r USING (entry_number)"
        )["reviewed"]

    def document_sets(self, since: dt.date) -> dict[str, Any]:
        """Entries entered since ``since`` (in_retention), and those with a commercial invoice, packing list
        and entry summary on file (complete)."""
        return self._one(
            """WITH e AS (SELECT DISTINCT entry_number FROM lines WHERE entered >= ?),
                k AS (SELECT de.entry_number, count(DISTINCT d.kind) AS kinds FROM document_entries de
                      JOIN documents d USING (path)
                      WHERE d.kind IN ('commercial_invoice', 'packing_list', 'entry_summary') GROUP BY 1)
           SELECT count(*) AS in_retention, count(*) FILTER (WHERE k.kinds = 3) AS complete
           FROM e LEFT JOIN k USING (entry_number)""",
            [since],
        )

    def psc_counts(self) -> dict[str, Any]:
        """Lines and entries with a post-summary correction."""
        return self._one("SELECT count(*) AS lines, count(DISTINCT entry_number) AS entries FROM lines WHERE psc")
