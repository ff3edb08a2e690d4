"""A record query run in SQL over the records, stated with its scope and cited to its rows.

Every answer says what it covers ("Paid to Hsinchu Aquatronic, all dates: ..."), cites the rows it
summed or counted (one record citation per source file: the first rows and how many), and keeps the
items it is made of (the payments, the entries, the vendors of a ranking, each with its value) for
the conversation's follow-ups ("the biggest one", "those entries"). An empty result says what was
looked for ("No payments under an electricity account or memo").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answering.facts.types import Source
from assistant.answering.query.parse import RecordQuery
from assistant.answering.query.vocabulary import DIMENSION, LINES, MEASURE, PAYMENTS
from assistant.formats import day, money
from assistant.stores.lookups import fields_of

MAX_ROWS = 50
MAX_LISTED = 10  # items a ranking lists (and cites) in the answer
MAX_ITEMS = 100  # items kept for follow-ups


@dataclass
class Item:
    """One thing an answer listed, with the value it was listed with (for "the biggest one")."""

    kind: str  # vendor | payment | entry | part | hts | country | year | ...
    id: str
    value: float | None = None
    label: str = ""


@dataclass
class QueryAnswer:
    text: str  # holds {0}, {1} ... where the citations' markers go
    sources: list[Source]
    items: list[Item] = field(default_factory=list)
    scope: str = ""  # what the answer covers, as the "understood as" line reads it
    empty: bool = False


class QueryRunner:
    """Runs record queries on one read-only connection."""

    def __init__(self, look, settings, categories_of):
        self.look = look
        self.settings = settings
        self.categories_of = categories_of  # payment id -> category (the valuation checks' reading)

    # --- SQL -------------------------------------------------------------------------------------------

    def where(self, q: RecordQuery) -> tuple[str, list]:
        conds: list[str] = []
        params: list = []
        measure = MEASURE[q.measure]
        if q.table == LINES and measure.main_ordinal:
            conds.append("coalesce(tariff_ordinal, 1) = 1")
        if measure.where:
            conds.append(measure.where)
        if q.psc and q.table == LINES:
            conds.append("psc")
        if q.unknown_vendor:
            conds.append("FALSE")
        if q.period is not None:
            conds.append(f"{'entry_summary_date' if q.table == LINES else 'payment_date'} BETWEEN ? AND ?")
            params += [q.period.start, q.period.end]
        for column, values in (("part_number", q.parts), ("entry_number", q.entries), ("payment_id", q.payments)):
            if values:
                conds.append(f"{column} IN (SELECT unnest(?))")
                params.append(values)
        if q.vendors:
            if q.table == PAYMENTS:
                conds.append("vendor_name IN (SELECT unnest(?))")
                params.append(q.vendors)
            else:  # the entry lines of the vendors' manufacturers
                conds.append("mid IN (SELECT unnest(?))")
                params.append(self.look.vendor_mids(q.vendors) or ["(none)"])
        if q.hts:
            conds.append("(" + " OR ".join("replace(hts, '.', '') LIKE ?" for _ in q.hts) + ")")
            params += [h.replace(".", "") + "%" for h in q.hts]
        if q.mids:
            conds.append("mid IN (SELECT unnest(?))")
            params.append(q.mids)
        if q.countries:
            conds.append(f"{'country_of_origin' if q.table == LINES else 'vendor_country'} IN (SELECT unnest(?))")
            params.append(q.countries)
        if q.program and q.table == LINES:
            conds.append("spi IN (SELECT unnest(?))")
            params.append(q.program)
        if q.table == PAYMENTS:
            self._payment_filters(q, conds, params)
        return " AND ".join(conds) or "TRUE", params

    def _payment_filters(self, q: RecordQuery, conds: list[str], params: list) -> None:
        """The filters only payments have: the statute's categories, GL accounts, a topic."""
        if q.categories:
            ids = [pid for pid, c in self.categories_of().items() if c in q.categories]
            conds.append("payment_id IN (SELECT unnest(?))")
            params.append(ids or ["(none)"])
        if q.gl:
            conds.append("gl_account IN (SELECT unnest(?))")
            params.append(q.gl)
        if q.topic:
            words = [w[:6] for w in q.topic.split()]
            conds.append(
                "("
                + " OR ".join("lower(coalesce(gl_account, '') || ' ' || coalesce(memo, '')) LIKE ?" for _ in words)
                + ")"
            )
            params += [f"%{w}%" for w in words]

    def _agg(self, q: RecordQuery) -> str:
        m = MEASURE[q.measure]
        if m.agg == "count":
            return f"count(DISTINCT {m.distinct})" if m.distinct else "count(*)"
        return f"sum({m.column})"

    def cite(self, table: str, where: str, params: list, columns: list[str], value: str, how: str) -> list[Source]:
        """Record citations of the rows ``where`` selects: one per source file, its first rows and count, the
        fields every row shares."""
        groups = self.look.rows(
            f"SELECT source_file, count(*) AS n, list(source_row ORDER BY source_row)[1:{MAX_ROWS}] AS rows_, "
            f"any_value(raw) AS raw, {', '.join(f'count(DISTINCT {c}) AS d_{c}, any_value({c}) AS v_{c}' for c in columns)} "
            f"FROM {table} WHERE {where} GROUP BY source_file ORDER BY source_file",
            params,
        )
        out = []
        for g in groups:
            shared = {c: g[f"v_{c}"] for c in columns if g[f"d_{c}"] == 1}
            fields = fields_of(table, {"raw": _raw(g["raw"])}, list(shared)) if shared else {}
            extra = f" (rows of {g['source_file']}; {len(groups)} files in all)" if len(groups) > 1 else ""
            out.append(
                Source(table, g["source_file"], [int(r) for r in g["rows_"]], fields, value, how + extra, int(g["n"]))
            )
        return out

    # --- the answer ------------------------------------------------------------------------------------

    def run(self, q: RecordQuery) -> QueryAnswer:
        where, params = self.where(q)
        scope = describe(q)
        if q.dimension:
            return self._ranked(q, where, params, scope)
        if q.date_of:
            return self._dated(q, where, params, scope)
        return self._total(q, where, params, scope)

    def _total(self, q: RecordQuery, where: str, params: list, scope: str) -> QueryAnswer:
        m = MEASURE[q.measure]
        date = "entry_summary_date" if q.table == LINES else "payment_date"
        unit = "entry_number" if q.table == LINES else "payment_id"
        row = self.look.rows(
            f"SELECT {self._agg(q)} AS v, count(*) AS n, count(DISTINCT {unit}) AS units, min({date}) AS a, "
            f"max({date}) AS b FROM {q.table} WHERE {where}",
            params,
        )[0]
        if not row["n"]:
            return QueryAnswer(empty_text(q), [], scope=scope, empty=True)
        value = _fmt(m, row["v"])
        units = "entries" if q.table == LINES else "payments"
        how = f"{'count' if m.agg == 'count' else 'sum'} of {m.noun} over the rows of {scope}"
        cols = [c for c in ("vendor_name", "part_number", "entry_number") if _in(q.table, c)][:1]
        sources = self.cite(q.table, where, params, cols + ([m.column] if m.column else []), value, how)
        counted = "" if m.id in ("entries", "payments") else f" on {row['units']:,} {units}"
        text = (
            f"{scope[0].upper()}{scope[1:]}: {value}{counted}, {day(row['a'])} to {day(row['b'])} "
            f"{''.join('{' + str(i) + '}' for i in range(len(sources)))}."
        )
        return QueryAnswer(text, sources, self._units(q, where, params), scope)

    def _units(self, q: RecordQuery, where: str, params: list) -> list[Item]:
        """The payments or entries a total is made of, largest first, for follow-ups."""
        unit, kind = ("entry_number", "entry") if q.table == LINES else ("payment_id", "payment")
        column = "value" if q.table == LINES else "amount"
        rows = self.look.rows(
            f"SELECT {unit} AS id, sum({column}) AS v, min({'entry_summary_date' if q.table == LINES else 'payment_date'}) AS d "
            f"FROM {q.table} WHERE {where} GROUP BY {unit} ORDER BY v DESC, id LIMIT {MAX_ITEMS}",
            params,
        )
        return [Item(kind, r["id"], float(r["v"] or 0), day(r["d"])) for r in rows]

    def _dated(self, q: RecordQuery, where: str, params: list, scope: str) -> QueryAnswer:
        date = "entry_summary_date" if q.table == LINES else "payment_date"
        unit, kind = ("entry_number", "entry") if q.table == LINES else ("payment_id", "payment")
        order = "ASC" if q.date_of == "first" else "DESC"
        rows = self.look.rows(
            f"SELECT {unit} AS id, {date} AS d FROM {q.table} WHERE {where} ORDER BY {date} {order}, {unit} LIMIT 1",
            params,
        )
        if not rows:
            return QueryAnswer(empty_text(q), [], scope=scope, empty=True)
        r = rows[0]
        w = f"{where} AND {unit} = ?"
        sources = self.cite(
            q.table, w, params + [r["id"]], [unit, date], day(r["d"]), f"the {q.date_of} {kind} of {scope}"
        )
        text = f"The {q.date_of} {kind} of {scope}: {r['id']} on {day(r['d'])} {{0}}."
        return QueryAnswer(text, sources[:1], [Item(kind, r["id"], None, day(r["d"]))], scope)

    def _ranked(self, q: RecordQuery, where: str, params: list, scope: str) -> QueryAnswer:
        m, dim = MEASURE[q.measure], DIMENSION[q.dimension or ""]
        expr = dim.columns[q.table]
        chronological = dim.id in ("year", "month") and not q.order
        order = "key ASC" if chronological else f"v {'ASC' if q.order == 'asc' else 'DESC'}, key"
        rows = self.look.rows(
            f"SELECT {expr} AS key, {self._agg(q)} AS v, count(*) AS n FROM {q.table} WHERE {where} AND {expr} IS NOT NULL "
            f"GROUP BY key ORDER BY {order} LIMIT {MAX_ITEMS}",
            params,
        )
        if not rows:
            return QueryAnswer(empty_text(q), [], scope=scope, empty=True)
        listed = rows[: q.limit or MAX_LISTED]
        sources: list[Source] = []
        parts: list[str] = []
        for r in listed:
            value = _fmt(m, r["v"])
            src = self.cite(
                q.table,
                f"{where} AND {expr} = ?",
                params + [r["key"]],
                [],
                value,
                f"{m.noun} of {dim.noun} {r['key']}, {scope}",
            )[:1]
            parts.append(f"{r['key']}: {value} {{{len(sources)}}}" if src else f"{r['key']}: {value}")
            sources += src
        how = {"desc": "most first", "asc": "least first"}.get(
            q.order or "", "in order" if chronological else "most first"
        )
        more = f" ({len(rows) - len(listed)} more)" if len(rows) > len(listed) and len(rows) < MAX_ITEMS else ""
        text = f"{m.noun.capitalize()} by {dim.noun}, {scope}, {how}: " + "; ".join(parts) + more + "."
        if q.order and (q.limit in (None, 1)):
            first = listed[0]
            text = f"{'Most' if q.order == 'desc' else 'Least'}: {first['key']} ({_fmt(m, first['v'])}). " + text
        items = [Item(dim.thing or dim.id, str(r["key"]), float(r["v"] or 0)) for r in rows]
        return QueryAnswer(text, sources, items, scope)


def describe(q: RecordQuery) -> str:
    """What a query covers, in words: "duty on the entries summarized in 2023", "paid to Hsinchu Aquatronic"."""
    m = MEASURE[q.measure]
    what = {
        "duty": "duty on the entries",
        "value": "entered value of the entry lines",
        "entries": "entries",
        "lines": "entry lines",
        "parts": "distinct parts on the entry lines",
        "additions": "line additions declared on the entry lines",
        "ch99_duty": "additional duty (Chapter 99) on the entries",
        "paid": "paid",
        "payments": "payments",
    }[m.id]
    bits = [what]
    if q.vendors:
        bits.append(
            ("to " if q.table == PAYMENTS else "from the manufacturers of ") + (q.vendor_phrase or ", ".join(q.vendors))
        )
    if q.categories:
        bits.append("for " + ", ".join(q.categories))
    if q.topic:
        bits.append(f"under a GL account or memo on '{q.topic}'")
    if q.gl:
        bits.append("under GL " + ", ".join(q.gl))
    if q.parts:
        bits.append("of part " + ", ".join(q.parts))
    if q.entries:
        bits.append("of entry " + ", ".join(q.entries))
    if q.payments:
        bits.append("in payment " + ", ".join(q.payments))
    if q.hts:
        bits.append("under HTS " + ", ".join(q.hts))
    if q.countries:
        bits.append(("of origin " if q.table == LINES else "to vendors in ") + ", ".join(q.countries))
    if q.program:
        bits.append(f"claiming {q.program_name} (SPI {', '.join(q.program)})")
    if q.psc:
        bits.append("with a post-summary correction")
    if q.mids:
        bits.append("of MID " + ", ".join(q.mids))
    if q.period is not None:
        bits.append(("summarized " if q.table == LINES else "dated ") + q.period.label)
    else:
        bits.append("all dates")
    return " ".join(bits[:1]) + (" " + ", ".join(bits[1:]) if len(bits) > 1 else "")


def empty_text(q: RecordQuery) -> str:
    if q.unknown_vendor:
        return f"No payments to '{q.unknown_vendor}' in the payments: no vendor of that name."
    if q.topic:
        return f"No payments under a GL account or memo on '{q.topic}' in the payments" + (
            f" {q.period.label}." if q.period is not None else "."
        )
    return f"No rows of the {'entry lines' if q.table == LINES else 'payments'} for {describe(q)}."


def _raw(raw) -> dict:
    import json

    return json.loads(raw) if isinstance(raw, str) else (raw or {})


def _fmt(m, v) -> str:
    if m.agg == "count":
        return f"{int(v or 0):,}"
    return money(Decimal(str(v or 0)))


def _in(table: str, column: str) -> bool:
    return (table, column) in {
        (PAYMENTS, "vendor_name"),
        (LINES, "part_number"),
        (PAYMENTS, "part_number"),
        (LINES, "entry_number"),
    }
