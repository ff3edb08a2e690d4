"""Deterministic finding checks (DATA-FORMATS section 4).

Every check is a plain function over the records, registered with its id, description, legal basis
and parameters (:mod:`assistant.checks.base`). :func:`run_checks` runs them over one workspace and
returns a :class:`CheckRun`: the findings, the checks that ran with their parameters, and notes on
what could not be tested. The CLI table, the JSON, the XLSX/Markdown reports and the LangChain tools
are renderings of that one object.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, Field

from assistant.checks import classification, controls, origin, valuation  # noqa: F401  (register the checks)
from assistant.checks.base import CLASSIFICATION_CHECKS, REGISTRY, SEVERITY_ORDER, CheckContext, Finding, prepare
from assistant.config import Settings
from assistant.errors import BadInput

__all__ = ["REGISTRY", "Finding", "CheckRun", "CheckInfo", "run_checks", "check_catalogue"]

# The order of DATA-FORMATS section 4, used for listing checks and sorting findings.
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


class CheckRun(BaseModel):
    workspace: str
    as_of: dt.date
    findings: list[Finding]
    checks: list[CheckInfo]
    notes: list[str] = Field(default_factory=list)
    filters: dict[str, str] = Field(default_factory=dict)

    def by_severity(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {s: [] for s in SEVERITY_ORDER}
        for f in self.findings:
            out[f.severity].append(f)
        return out

    @property
    def amount_at_risk(self) -> float:
        return round(sum(f.amount_at_risk or 0 for f in self.findings), 2)


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
    for cid in selected:
        for f in REGISTRY[cid].fn(ctx):
            if not f.legal_basis:
                f.legal_basis = list(REGISTRY[cid].legal_basis)
            findings.append(f)
        catalogue[cid].findings = sum(1 for f in findings if f.check == cid)
    _recommend(ctx, findings)
    kept = [
        f for f in findings if f.concerns(part_number, entry, payment_id) and (not severity or f.severity == severity)
    ]
    kept.sort(key=lambda f: (SEVERITY_ORDER[f.severity], list(REGISTRY).index(f.check), _natural(f.id)))
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
    )


def _recommend(ctx: CheckContext, findings: list[Finding]) -> None:
    """Fill each finding's recommendation from prompts/recommendations.j2, knowing which of its entries
    can still be corrected by post-summary correction."""
    from prompts import render

    dates = {
        r["entry_number"]: r
        for r in ctx.rows(
            "SELECT entry_number, min(entered) AS entered, min(entry_summary_date) AS summary FROM lines GROUP BY entry_number"
        )
    }
    for f in findings:
        psc, late = [], []
        for e in f.entries:
            d = dates.get(e)
            if (
                d
                and (ctx.as_of - d["entered"]).days <= PSC_DAYS
                and (ctx.as_of - d["summary"]).days <= PSC_BEFORE_LIQUIDATION
            ):
                psc.append(e)
            else:
                late.append(e)
        text = render(
            "recommendations.j2",
            f=f,
            psc=psc,
            late=late,
            params=ctx.params,
            classification_checks=CLASSIFICATION_CHECKS,
        )
        f.recommendation = " ".join(text.split())


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]
