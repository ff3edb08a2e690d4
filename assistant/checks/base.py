"""What a check is, what it returns, and the shared views of the records every check reads.

A check is a plain function ``fn(ctx) -> list[Finding]`` registered with an id, a description, its
legal basis and the settings it reads. It reads the records through ``ctx.con`` (DuckDB) and the
relations :func:`prepare` points at once per run: ``lines`` (one row per entry line, main tariff
ordinal, with the line's total duty), ``hts_rates``, ``master`` and ``entries``, defined and stored
by :mod:`assistant.stores.prepared`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, Field, PrivateAttr, model_serializer

from assistant.config import CheckSettings
from assistant.formats import money  # noqa: F401  (the checks' evidence text uses it)
from assistant.stores.prepared import prepare  # noqa: F401  (the checks' shared relations)

Severity = Literal["high", "medium", "low"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
EVIDENCE_TEXT_LIMIT = 25  # evidence lines in text; every row stays in evidence_rows (and the XLSX)


@dataclass(frozen=True, slots=True)
class LineLoss:
    """One entry line a finding concerns, with the duty at stake on that line when it is known."""

    entry: str
    line: int
    loss: float | None = None


class Finding(BaseModel):
    """A finding, as docs/data-formats.md section 4 defines it, plus the rows behind it."""

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
    cause: str = Field(
        default="",
        description="what this finding shares with others of its check (one part's claims in one period without "
        "a certificate, ...); reports show the findings of one cause under one summary row",
    )
    lines: list[LineLoss] = Field(default_factory=list, exclude=True)
    # evidence rows (and line losses) a check left to read when an output needs them: see ``complete``
    _pending: Callable[[], None] | None = PrivateAttr(default=None)

    def complete(self) -> Finding:
        """Read the evidence rows and line losses left for later (every line linked to a payment); the
        JSON, the XLSX, the mock audit and part filters call it, the table and the UI do not."""
        if self._pending is not None:
            self._pending()
        return self

    @model_serializer(mode="wrap")
    def _serialize(self, handler):
        self.complete()
        return handler(self)

    @classmethod
    def of(cls, **fields: Any) -> Finding:
        """A finding from values the check computed itself (no validation: built in bulk)."""
        fields.setdefault("legal_basis", [])
        return cls.model_construct(**fields)

    def concerns(self, part_number: str | None = None, entry: str | None = None, payment_id: str | None = None) -> bool:
        """True when the finding is about that part, entry or payment (subject, entries or evidence rows)."""
        if part_number:
            self.complete()
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
    deferred: list[tuple[list[Finding], Callable]] = field(default_factory=list)
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

    def defer(self, findings: list[Finding], fill: Callable[[duckdb.DuckDBPyConnection], None]) -> None:
        """``fill(con)`` completes ``findings`` (their evidence rows, line losses) when an output needs them."""
        self.deferred.append((findings, fill))

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
        temp_table(self.con, name, columns)


def temp_table(con: duckdb.DuckDBPyConnection, name: str, columns: dict[str, list]) -> None:
    """A temporary table of VARCHAR columns from Python lists."""
    cols = list(columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({', '.join(f'{c} VARCHAR' for c in cols)})")
    if columns[cols[0]]:
        con.execute(
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


# The columns of ``lines`` that line_row and line_text read: what a query fetching many lines selects.
LINE_COLUMNS = (
    "entry_number, line_number, entry_summary_date, entry_date, entered, part_number, hts, hts_d, country_of_origin, "
    "mid, spi, quantity, uom, value, total_duty, additions, invoice_number, source_file, source_row, psc"
)


def line_columns(alias: str) -> str:
    """``LINE_COLUMNS`` of the table or view ``alias`` (e.g. ``l.entry_number, l.line_number, ...``),
    amounts as DOUBLE (decimals cost twice as much to fetch; every amount shown is rounded to cents)."""
    cols = [c.strip() for c in LINE_COLUMNS.split(",")]
    return ", ".join(
        f"{alias}.{c}::DOUBLE AS {c}" if c in ("value", "total_duty", "additions") else f"{alias}.{c}" for c in cols
    )


def line_row(r: dict) -> dict:
    """The evidence row of an entry line: what a user needs to find it in the ES-003 export."""
    get = r.get
    summary, entry_date = get("entry_summary_date"), get("entry_date")
    duty = r["total_duty"] if "total_duty" in r else get("duty")
    return {
        "entry": r["entry_number"],
        "line": r["line_number"],
        "summary_date": str(summary) if summary else None,
        "entry_date": str(entry_date) if entry_date else None,
        "part_number": get("part_number"),
        "hts": get("hts"),
        "country_of_origin": get("country_of_origin"),
        "mid": get("mid"),
        "spi": get("spi"),
        "quantity": _num(get("quantity")),
        "uom": get("uom"),
        "value": _num(get("value")),
        "duty": _num(duty),
        "additions": _num(get("additions")),
        "invoice": get("invoice_number"),
        "source": f"{get('source_file')} row {get('source_row')}",
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
    return int(f) if f.is_integer() and abs(f) < 1e15 else round(f, 2)


def severity_for(base: Severity, amount: float | None, params: CheckSettings) -> Severity:
    """The check's base severity, raised one level when the duty at stake reaches ``high_amount``."""
    if amount is not None and amount >= params.high_amount and base != "high":
        return "high" if base == "medium" else "medium"
    return base
