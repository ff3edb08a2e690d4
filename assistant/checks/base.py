"""What a check is, what it returns, and the shared views of the records every check reads.

A check is a plain function ``fn(ctx) -> list[Finding]`` registered with an id, a description, its
legal basis and the settings it reads. It reads the records through ``ctx.con`` (DuckDB) and the
temporary tables :func:`prepare` builds once per run:

``lines``
    one row per entry summary line: the main tariff ordinal (Tariff Ordinal Number 1) only, since
    classification, origin and value are tested on the main HTS number; Chapter 99 rows (``9903...``,
    ordinal 2+) are not lines of their own. ``total_duty`` adds the duty of every ordinal of that
    line, so ``total_duty / value`` is the line's effective duty rate including Section 301 duty.
    When the same entry line appears in two exports, the one from the file named last wins.
``hts_rates``
    the duty rate observed for each HTS number: main-ordinal duty / entered value over lines with no
    special program claim. Used to estimate duty at stake when a line was declared under another HTS.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, Field

from assistant.config import CheckSettings
from assistant.formats import money  # noqa: F401  (the checks' evidence text uses it)

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
EVIDENCE_TEXT_LIMIT = 25  # evidence lines in text; every row stays in evidence_rows (and the XLSX)


class LineLoss(BaseModel):
    """One entry line a finding concerns, with the duty at stake on that line when it is known."""

    entry: str
    line: int
    loss: float | None = None


class Finding(BaseModel):
    """A finding, as DATA-FORMATS section 4 defines it, plus the rows behind it."""

    id: str
    check: str
    severity: Severity
    title: str
    subject: dict[str, Any]
    entries: list[str] = Field(default_factory=list)
    amount_at_risk: float | None = None
    amount_basis: str = ""
    evidence: list[str] = Field(default_factory=list)
    legal_basis: list[str] = Field(default_factory=list)
    recommendation: str = ""
    evidence_rows: list[dict] = Field(default_factory=list)
    lines: list[LineLoss] = Field(default_factory=list, exclude=True)

    def concerns(self, part_number: str | None = None, entry: str | None = None, payment_id: str | None = None) -> bool:
        """True when the finding is about that part, entry or payment (subject, entries or evidence rows)."""
        if part_number:
            pn = part_number.strip().upper()
            if str(self.subject.get("part_number", "")).upper() != pn and not any(
                str(r.get("part_number", "")).upper() == pn for r in self.evidence_rows
            ):
                return False
        if entry:
            if entry not in self.entries and self.subject.get("entry") != entry:
                return False
        if payment_id:
            if str(self.subject.get("payment_id", "")).upper() != payment_id.strip().upper():
                return False
        return True


@dataclass
class CheckContext:
    con: duckdb.DuckDBPyConnection
    params: CheckSettings
    as_of: dt.date
    notes: list[str] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)

    def cache(self, key: str, compute: Callable):
        """Work several checks share (e.g. the payments read for assists and royalties), done once per run."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def rows(self, sql: str, params: list | None = None) -> list[dict]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def note(self, text: str) -> None:
        self.notes.append(text)

    @property
    def retention_start(self) -> dt.date:
        return years_before(self.as_of, self.params.retention_years)

    def hts_rate(self, hts: str | None) -> tuple[float, int] | None:
        """Duty rate observed for ``hts`` on lines without a program claim, and on how many lines."""
        rates = self.cache(
            "hts_rates",
            lambda: {
                d: (float(r), int(n))
                for d, r, n in self.con.execute("SELECT hts_d, rate, n FROM hts_rates").fetchall()
                if r is not None
            },
        )
        return rates.get(hts_digits(hts))

    def temp_table(self, name: str, columns: dict[str, list]) -> None:
        """A temporary table from Python lists, e.g. the reference HTS chosen per part."""
        cols = list(columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({', '.join(f'{c} VARCHAR' for c in cols)})")
        if columns[cols[0]]:
            self.con.execute(
                f"INSERT INTO {name} SELECT {', '.join(f'unnest(${i + 1}::VARCHAR[])' for i in range(len(cols)))}",
                [columns[c] for c in cols],
            )


@dataclass(frozen=True)
class Check:
    id: str
    title: str
    description: str
    legal_basis: tuple[str, ...]
    params: tuple[str, ...]
    severity: Severity
    subject: tuple[str, ...]
    fn: Callable[[CheckContext], list[Finding]]


REGISTRY: dict[str, Check] = {}


# The checks by area of the Focused Assessment: the one list each part of faprep uses (the mock
# audit's line-level checks, the survey's areas, the rebuttal's topics, the legal note on
# classification answers). tests/unit/test_checks.py checks it names every registered check once.
CHECK_GROUPS: dict[str, tuple[str, ...]] = {
    "classification": ("hts_inconsistency", "hts_master_mismatch", "ruling_conflict"),
    "value": ("undeclared_assist", "royalty_omission", "value_outlier"),
    "origin": ("origin_mismatch", "spi_without_certificate"),
    "recordkeeping": ("missing_records",),
    "controls": ("broker_review_missing", "psc_pattern"),
}
CLASSIFICATION_CHECKS = CHECK_GROUPS["classification"]
VALUE_CHECKS = CHECK_GROUPS["value"]


def check(id: str, *, title: str, legal_basis: list[str], params: list[str], severity: Severity, subject: list[str]):
    """Register ``fn`` as check ``id``; its docstring is the description shown to users and the LLM."""

    def register(fn):
        description = " ".join((fn.__doc__ or "").split())
        REGISTRY[id] = Check(id, title, description, tuple(legal_basis), tuple(params), severity, tuple(subject), fn)
        return fn

    return register


# --- shared views ------------------------------------------------------------------------------


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Build the per-run temporary tables and macros the checks read (see the module docstring)."""
    # HTS numbers compared as digits: the shorter (at least 6 digits) must be a prefix of the longer.
    con.execute(
        """CREATE OR REPLACE TEMP MACRO hts_eq(a, b) AS (
               length(a) >= 6 AND length(b) >= 6
               AND left(a, least(length(a), length(b))) = left(b, least(length(a), length(b))))"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE lines AS
        WITH dedup AS (
            SELECT * EXCLUDE (raw) FROM entry_lines
            WHERE entry_number IS NOT NULL AND line_number IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY entry_number, line_number, coalesce(tariff_ordinal, 1)
                                       ORDER BY source_file DESC, source_row) = 1
        ), duty AS (
            SELECT entry_number, line_number, sum(coalesce(duty, 0)) AS total_duty FROM dedup GROUP BY ALL
        )
        SELECT d.*, coalesce(d.entry_date, d.entry_summary_date) AS entered, u.total_duty,
               regexp_replace(coalesce(d.hts, ''), '[^0-9]', '', 'g') AS hts_d
        FROM dedup d JOIN duty u USING (entry_number, line_number)
        WHERE coalesce(d.tariff_ordinal, 1) = 1"""
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hts_rates AS
        SELECT hts_d, sum(coalesce(duty, 0)) / sum(value) AS rate, count(*) AS n
        FROM lines WHERE hts_d <> '' AND value > 0 AND coalesce(trim(spi), '') = ''
        GROUP BY hts_d"""
    )
    # The product master, one row per part (the last file and row win when a part repeats).
    con.execute(
        """CREATE OR REPLACE TEMP TABLE master AS
        SELECT * EXCLUDE (raw), regexp_replace(coalesce(hts, ''), '[^0-9]', '', 'g') AS hts_d FROM products
        WHERE part_number IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY part_number ORDER BY source_file DESC, source_row DESC) = 1"""
    )


# --- helpers shared by the checks ---------------------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def finding_id(check_id: str, subject: dict) -> str:
    """Readable and stable: the check id and the subject's values, e.g. ``psc_pattern:KM-4100``."""
    return check_id + ":" + ":".join(str(v) for v in subject.values())


def hts_digits(hts: str | None) -> str:
    return re.sub(r"\D", "", hts or "")


def hts_match(a: str | None, b: str | None) -> bool:
    """Same classification: the shorter number (at least 6 digits) is a prefix of the longer one."""
    da, db = hts_digits(a), hts_digits(b)
    if len(da) < 6 or len(db) < 6:
        return False
    n = min(len(da), len(db))
    return da[:n] == db[:n]


def qty(x) -> str:
    if x is None:
        return "n/a"
    x = float(x)
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def line_row(r: dict) -> dict:
    """The evidence row of an entry line: what a user needs to find it in the ES-003 export."""
    return {
        "entry": r["entry_number"],
        "line": r["line_number"],
        "summary_date": str(r["entry_summary_date"]) if r.get("entry_summary_date") else None,
        "entry_date": str(r["entry_date"]) if r.get("entry_date") else None,
        "part_number": r.get("part_number"),
        "hts": r.get("hts"),
        "country_of_origin": r.get("country_of_origin"),
        "mid": r.get("mid"),
        "spi": r.get("spi"),
        "quantity": _num(r.get("quantity")),
        "uom": r.get("uom"),
        "value": _num(r.get("value")),
        "duty": _num(r.get("total_duty", r.get("duty"))),
        "additions": _num(r.get("additions")),
        "invoice": r.get("invoice_number"),
        "source": f"{r.get('source_file')} row {r.get('source_row')}",
    }


def line_text(r: dict, extra: str = "") -> str:
    """One evidence line: ``HL7-0101234-5 line 2 (2024-03-05): KM-6200, HTS ..., value ... [file row n]``."""
    parts = [f"{r['entry_number']} line {r['line_number']} ({r['entry_summary_date']})"]
    desc = []
    if r.get("part_number"):
        desc.append(r["part_number"])
    desc.append(f"HTS {r.get('hts')}")
    if r.get("country_of_origin"):
        desc.append(f"origin {r['country_of_origin']}")
    if r.get("spi"):
        desc.append(f"SPI {r['spi']}")
    if r.get("quantity") is not None:
        desc.append(f"{qty(r['quantity'])} {r.get('uom') or ''}".strip())
    desc.append(f"value {money(r.get('value'))}")
    if r.get("total_duty") is not None:
        desc.append(f"duty {money(r['total_duty'])}")
    if r.get("additions"):
        desc.append(f"additions {money(r['additions'])}")
    text = parts[0] + ": " + ", ".join(desc)
    if extra:
        text += f"; {extra}"
    return text + f" [{r.get('source_file')} row {r.get('source_row')}]"


def cap(evidence: list[str], total: int | None = None, what: str = "rows") -> list[str]:
    """Keep the text evidence readable; the full rows stay in ``evidence_rows``."""
    total = len(evidence) if total is None else total
    if total <= EVIDENCE_TEXT_LIMIT:
        return evidence
    return evidence[:EVIDENCE_TEXT_LIMIT] + [
        f"... and {total - EVIDENCE_TEXT_LIMIT} more {what} (all in the XLSX report and JSON evidence_rows)"
    ]


def _num(x):
    if x is None:
        return None
    f = float(x)
    return int(f) if f == int(f) and abs(f) < 1e15 else round(f, 2)


def severity_for(base: Severity, amount: float | None, params: CheckSettings) -> Severity:
    """The check's base severity, raised one level when the duty at stake reaches ``high_amount``."""
    if amount is not None and amount >= params.high_amount and base != "high":
        return "high" if base == "medium" else "medium"
    return base
