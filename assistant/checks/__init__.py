"""Deterministic finding checks (docs/data-formats.md section 4).

Every check is a plain function over the records, registered with its id, description, legal basis
and parameters (:mod:`assistant.checks.base`). :func:`run_checks` runs them over one workspace and
returns a :class:`CheckRun`: the findings, the checks that ran with their parameters, and notes on
what could not be tested. The CLI table, the JSON, the XLSX/Markdown reports and the LangChain tools
are renderings of that one object.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import threading
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field, computed_field

from assistant.checks import classification, controls, origin, valuation  # noqa: F401  (register the checks)
from assistant.checks.base import CLASSIFICATION_CHECKS, REGISTRY, SEVERITY_ORDER, CheckContext, Finding, prepare
from assistant.config import Settings
from assistant.errors import BadInput

__all__ = ["REGISTRY", "Finding", "FindingGroup", "CheckRun", "CheckInfo", "run_checks", "check_catalogue", "group_of"]

# The order of docs/data-formats.md section 4, used for listing checks and sorting findings.
ORDER = [
    "hts_inconsistency",
    "hts_master_mismatch",
    "ruling_conflict",
    "undeclared_assist",
    "royalty_omission",
    "missing_records",
    "spi_without_certificate",
    "origin_mismatch",
    "value_outlier",
    "broker_review_missing",
    "psc_pattern",
]
for _id in ORDER + [c for c in list(REGISTRY) if c not in ORDER]:
    REGISTRY[_id] = REGISTRY.pop(_id)

PSC_DAYS = 300  # a post-summary correction must be filed within 300 days of the date of entry
PSC_BEFORE_LIQUIDATION = 314 - 15  # and at least 15 days before liquidation (about 314 days after the summary)


class CheckInfo(BaseModel):
    id: str
    title: str
    description: str
    legal_basis: list[str]
    parameters: dict[str, object]
    subject: list[str]
    findings: int = 0


class FindingGroup(BaseModel):
    """Findings of one check that share one cause (e.g. one part's USMCA claims in a period with no
    certificate): one summary row in the reports, the findings under it."""

    check: str
    cause: str
    severity: str
    count: int
    entries: int
    amount_at_risk: float | None
    findings: list[str]

    @property
    def title(self) -> str:
        return f"{self.cause}: {self.count:,} findings on {self.entries:,} entr{'y' if self.entries == 1 else 'ies'}"


class CheckRun(BaseModel):
    workspace: str
    as_of: dt.date
    findings: list[Finding]
    checks: list[CheckInfo]
    notes: list[str] = Field(default_factory=list)
    filters: dict[str, str] = Field(default_factory=dict)
    law: dict[str, list[dict]] = Field(
        default_factory=dict,
        description="per check run: the paragraphs of the law its findings rely on, quoted from the law shelf "
        "({cite, title, quote}); empty when the shelf is off",
    )

    def complete(self) -> CheckRun:
        """Every finding's evidence rows and line losses read (see ``Finding.complete``)."""
        for f in self.findings:
            f.complete()
        return self

    def clusters(self) -> list[list[Finding]]:
        """The findings in report order, those of one check and one cause together (a list of one for a
        finding that shares its cause with no other); each cluster where its first finding stands."""
        out: list[list[Finding]] = []
        at: dict[tuple[str, str], list[Finding]] = {}
        for f in self.findings:
            if f.cause and (f.check, f.cause) in at:
                at[(f.check, f.cause)].append(f)
                continue
            out.append([f])
            if f.cause:
                at[(f.check, f.cause)] = out[-1]
        return out

    @computed_field  # type: ignore[prop-decorator]
    @property
    def groups(self) -> list[FindingGroup]:
        """The causes shared by two findings or more (their ids in ``findings``)."""
        return [group_of(c) for c in self.clusters() if len(c) > 1]

    def by_severity(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {s: [] for s in SEVERITY_ORDER}
        for f in self.findings:
            out[f.severity].append(f)
        return out

    @property
    def amount_at_risk(self) -> float:
        return round(sum(f.amount_at_risk or 0 for f in self.findings), 2)


def group_of(cluster: list[Finding]) -> FindingGroup:
    """The summary of a cluster of findings (see ``CheckRun.clusters``)."""
    amounts = [f.amount_at_risk for f in cluster if f.amount_at_risk is not None]
    return FindingGroup(
        check=cluster[0].check,
        cause=cluster[0].cause or cluster[0].title,
        severity=min((f.severity for f in cluster), key=SEVERITY_ORDER.__getitem__),
        count=len(cluster),
        entries=len({e for f in cluster for e in f.entries}),
        amount_at_risk=round(sum(amounts), 2) if amounts else None,
        findings=[f.id for f in cluster],
    )


def check_catalogue(settings: Settings) -> list[CheckInfo]:
    params = settings.checks.model_dump()
    return [
        CheckInfo(
            id=c.id,
            title=c.title,
            description=c.description,
            legal_basis=list(c.legal_basis),
            parameters={p: params[p] for p in c.params},
            subject=list(c.subject),
        )
        for c in REGISTRY.values()
    ]


def known_checks(checks: list[str] | None) -> None:
    """``BadInput`` (field ``check``) naming any id in ``checks`` that is no registered check."""
    unknown = [c for c in checks or [] if c not in REGISTRY]
    if unknown:
        raise BadInput(f"unknown check id(s): {', '.join(unknown)}; known: {', '.join(REGISTRY)}", field="check")


def check_workspace(settings: Settings, checks: list[str] | None = None, **filters) -> CheckRun:
    """``run_checks`` over the records of ``settings``' workspace (``NoRecords`` before the first ingest)."""
    from assistant.stores.records import open_records

    with open_records(settings) as rec:
        return run_checks(settings, rec.con, checks, **filters)


def run_checks(
    settings: Settings,
    con,
    checks: list[str] | None = None,
    part_number: str | None = None,
    entry: str | None = None,
    payment_id: str | None = None,
    severity: str | None = None,
) -> CheckRun:
    """Run ``checks`` (default all) over the records on ``con`` and keep the findings that match the filters."""
    from assistant.normalize import entry_number

    known_checks(checks)
    if severity and severity not in SEVERITY_ORDER:
        raise BadInput(f"unknown severity {severity!r}; use high, medium or low", field="severity")
    if entry:
        entry = entry_number(entry) or entry.strip().upper()
    prepare(con)
    ctx = CheckContext(con=con, params=settings.checks, as_of=settings.today)
    catalogue = {c.id: c for c in check_catalogue(settings)}
    selected = checks or list(REGISTRY)
    findings: list[Finding] = []
    with _no_gc():
        for cid in selected:
            found = REGISTRY[cid].fn(ctx)
            for f in found:
                if not f.legal_basis:
                    f.legal_basis = list(REGISTRY[cid].legal_basis)
            catalogue[cid].findings = len(found)
            findings += found
        if ctx.deferred:
            _Completion(con, ctx.deferred).attach()
        kept = [
            f
            for f in findings
            if (not severity or f.severity == severity)
            and (not (part_number or entry or payment_id) or f.concerns(part_number, entry, payment_id))
        ]
        order = {c: i for i, c in enumerate(REGISTRY)}
        kept.sort(key=lambda f: (SEVERITY_ORDER[f.severity], order[f.check], _natural(f.id)))
        _recommend(ctx, kept)
    filters = {
        k: v
        for k, v in {"part_number": part_number, "entry": entry, "payment_id": payment_id, "severity": severity}.items()
        if v
    }
    return CheckRun(
        workspace=settings.workspace,
        as_of=ctx.as_of,
        findings=kept,
        notes=ctx.notes,
        filters=filters,
        checks=[catalogue[c] for c in selected],
        law=law_quoted(settings, selected) if kept else {},
    )


# the paragraphs each check's findings rely on, quoted with them (in the JSON, the reports, the UI, the answers)
LAW_QUOTED = {
    "hts_inconsistency": ["19 USC 1484(a)(1)"],
    "hts_master_mismatch": ["19 USC 1484(a)(1)"],
    "ruling_conflict": ["19 USC 1484(a)(1)"],
    "undeclared_assist": ["19 CFR 152.102(a)(1)", "19 CFR 152.103(d)"],
    "royalty_omission": ["19 USC 1401a(b)(1)(D)"],
    "missing_records": ["19 CFR 163.4(a)", "19 CFR 163.11(a)(2)", "19 CFR 163.6(b)(1)"],
    "spi_without_certificate": ["19 CFR 182.12(a)", "19 CFR 182.15"],
    "origin_mismatch": ["19 USC 1304(a)"],
    "value_outlier": ["19 CFR 152.103(a)"],
    "broker_review_missing": ["19 USC 1484(a)(1)"],
}
QUOTE_CHARS = 500


def law_quoted(settings: Settings, checks: list[str]) -> dict[str, list[dict]]:
    """{check: [{cite, title, quote}]} for the checks run, quoted from the law shelf (nothing when it is off)."""
    if settings.law == "off":
        return {}
    from assistant.stores.lawshelf import LawShelf

    shelf = LawShelf(settings.home)
    out: dict[str, list[dict]] = {}
    for check in checks:
        for cite in LAW_QUOTED.get(check, []):
            found = shelf.quote(cite)
            if found is None:
                continue
            section, path, _ = found
            own = section.paragraph(path)
            text = own.text if own else section.text
            if len(text) > QUOTE_CHARS:
                cut = text.rfind(". ", 0, QUOTE_CHARS)
                text = text[: cut + 1] if cut > 0 else text[:QUOTE_CHARS]
            out.setdefault(check, []).append({"cite": f"{section.cite}{path}", "title": section.title, "quote": text})
    return out


def _recommend(ctx: CheckContext, findings: list[Finding]) -> None:
    """Fill each finding's recommendation from prompts/recommendations.j2, knowing which of its entries
    can still be corrected by post-summary correction.

    The template reads a few things about a finding (its check, part, whether duty is at stake, the
    records missing) and lists or counts its entries; it is rendered once per distinct combination
    with numbered placeholders for the entries, which are then filled in, so thirty thousand
    line-level findings cost a handful of renderings.
    """
    from prompts import render

    correctable = {
        r[0]
        for r in ctx.con.execute(
            "SELECT entry_number FROM entries WHERE entered >= ? AND summary_date >= ?",
            [ctx.as_of - dt.timedelta(days=PSC_DAYS), ctx.as_of - dt.timedelta(days=PSC_BEFORE_LIQUIDATION)],
        ).fetchall()
    }
    rendered: dict[tuple, list] = {}
    for f in findings:
        psc = [e for e in f.entries if e in correctable]
        late = [e for e in f.entries if e not in correctable]
        missing = f.evidence_rows[0].get("missing") if f.check == "missing_records" and f.evidence_rows else None
        part = f.subject.get("part_number")
        key = (f.check, part, bool(f.amount_at_risk), missing, len(psc), len(late))
        if key not in rendered:
            text = render(
                "recommendations.j2",
                check=f.check,
                part=part,
                has_amount=bool(f.amount_at_risk),
                missing=missing,
                psc=[f"\x00{i}\x00" for i in range(len(psc))],
                late=[f"\x01{i}\x01" for i in range(len(late))],
                params=ctx.params,
                classification_checks=CLASSIFICATION_CHECKS,
            )
            # text, then (which list, index, text) for every entry slot
            rendered[key] = _ENTRY_SLOT.split(" ".join(text.split()))
        pieces = rendered[key]
        out = [pieces[0]]
        for i in range(1, len(pieces), 4):
            out.append(psc[int(pieces[i + 1])] if pieces[i] else late[int(pieces[i + 2])])
            out.append(pieces[i + 3])
        f.recommendation = "".join(out)


_ENTRY_SLOT = re.compile(r"(?:(\x00)(\d+)\x00|\x01(\d+)\x01)")


class _Completion:
    """What the checks of one run left to read later (``CheckContext.defer``), read once for all
    their findings when the first of them is completed: on the run's connection while it is open,
    else on a new read-only connection to the same records."""

    def __init__(self, con, deferred: list):
        self.con, self.deferred = con, deferred
        row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
        self.path = row[0] if row else None
        self.lock = threading.Lock()

    def attach(self) -> None:
        for findings, _ in self.deferred:
            for f in findings:
                f._pending = self.run

    def run(self) -> None:
        import duckdb

        from assistant.stores.records import Records

        with self.lock:
            if not self.deferred:
                return
            deferred, self.deferred = self.deferred, []
            for findings, _ in deferred:
                for f in findings:
                    f._pending = None
            try:
                self.con.execute("SELECT 1")
                con, opened = self.con, None
            except duckdb.Error:  # the run's connection is closed: the records again, read-only
                opened = Records(Path(str(self.path)), read_only=True)
                con = opened.con
                prepare(con)
            try:
                with _no_gc():
                    for _, fill in deferred:
                        fill(con)
            finally:
                if opened is not None:
                    opened.close()


@contextmanager
def _no_gc():
    """No cyclic garbage collection while the findings are built: they are hundreds of thousands of
    small containers without cycles, and each collection would walk all of them again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in _DIGITS.split(text)]


_DIGITS = re.compile(r"(\d+)")
