"""Mock transaction test: the sample-test-project part of a Focused Assessment, run on yourself.

Method (printed with every result so an auditor can follow it):

1. **Population**: every entry line (main tariff ordinal, entered value > 0) whose entry date is in
   the review period, by default the record retention period up to ``as_of``.
2. **Strata by value**: lines sorted by entered value and cut into ``strata`` groups of about equal
   total value (monetary-unit stratification), so the few high-value lines form a stratum of their
   own, as CBP's transaction testing does.
3. **Allocation and draw**: the sample size ``n`` is allocated to strata in proportion to their total
   value (at least 2 lines each, never more than the stratum holds), then drawn without replacement
   with ``random.Random(seed)`` from lines sorted by entry and line number: the same data, ``n`` and
   seed always give the same sample.
4. **Test**: each sampled line is an error when a revenue check flags that line
   (classification: hts_inconsistency, hts_master_mismatch, ruling_conflict; value: undeclared_assist,
   royalty_omission, value_outlier; origin and programs: origin_mismatch, spi_without_certificate).
   Its loss of revenue is the duty at stake the checks estimate for the line: the largest within an
   area, summed over areas (0 when a check cannot compute it, e.g. a wrong origin; such lines are
   marked ``loss_known: false`` and the projection is then a lower bound). Missing records of sampled entries are listed
   apart; they are not errors of the line's declaration.
5. **Compliance rate**: stratified estimate p = sum(W_h p_h), W_h = N_h / N, with variance
   sum(W_h^2 (1 - n_h/N_h) p_h (1 - p_h) / (n_h - 1)). The 95% interval is the Wilson score interval
   at the effective sample size p(1-p)/var (the actual sample size when no or only errors are found).
6. **Projected loss of revenue**: stratified expansion estimate sum(N_h * mean loss_h), standard
   error sqrt(sum(N_h^2 (1 - n_h/N_h) s_h^2 / n_h)), 95% interval +/- 1.96 standard errors, not below
   the loss actually found in the sample.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import statistics

from pydantic import BaseModel, Field

from assistant.checks import CheckRun
from assistant.checks.base import CHECK_GROUPS, years_before
from assistant.errors import BadInput

Z95 = 1.959964
AREAS = {area: CHECK_GROUPS[area] for area in ("classification", "value", "origin")}  # the line-level checks
LINE_CHECKS = tuple(c for cs in AREAS.values() for c in cs)


class Stratum(BaseModel):
    stratum: int
    value_from: float
    value_to: float
    population_lines: int
    population_value: float
    sample_lines: int
    errors: int
    sample_loss: float


class SampledLine(BaseModel):
    stratum: int
    entry: str
    line: int
    entry_date: dt.date
    part_number: str | None
    hts: str | None
    value: float
    errors: list[str] = Field(default_factory=list)
    findings: list[str] = Field(default_factory=list)
    loss: float = 0.0
    loss_known: bool = True
    missing_records: list[str] = Field(default_factory=list)


class AuditResult(BaseModel):
    as_of: dt.date
    period_start: dt.date
    period_end: dt.date
    seed: int
    sample_size: int
    population_lines: int
    population_value: float
    strata: list[Stratum]
    compliance_rate: float | None
    compliance_ci95: tuple[float, float] | None
    projected_loss: float | None
    projected_loss_ci95: tuple[float, float] | None
    sample_loss: float
    errors_by_check: dict[str, int]
    lines: list[SampledLine]
    method: str

    @property
    def errors(self) -> list[SampledLine]:
        return [ln for ln in self.lines if ln.errors]


def wilson(p: float, n: float) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 1.0)
    denom = 1 + Z95**2 / n
    centre = (p + Z95**2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def value_strata(values: list[float], k: int) -> list[int]:
    """Stratum index (0 = lowest values) of each of ``values`` sorted ascending: about equal total value each."""
    total = sum(values) or 1.0
    out, cum = [], 0.0
    for v in values:
        out.append(min(k - 1, int(cum / total * k)))
        cum += v
    # a stratum needs at least two lines to estimate its variance: merge small ones downward
    for h in range(k - 1, 0, -1):
        if 0 < out.count(h) < 2:
            out = [h - 1 if s == h else s for s in out]
    used = sorted(set(out))
    return [used.index(s) for s in out]


def allocate(sizes: list[int], weights: list[float], n: int) -> list[int]:
    """Proportional-to-value allocation, at least 2 per stratum, capped at the stratum size (largest remainder)."""
    if n >= sum(sizes):
        return list(sizes)
    alloc = [min(s, 2) for s in sizes]
    left = n - sum(alloc)
    while left > 0:
        open_ = [h for h in range(len(sizes)) if alloc[h] < sizes[h]]
        total = sum(weights[h] for h in open_) or 1.0
        shares = {h: left * weights[h] / total for h in open_}
        add = {h: min(sizes[h] - alloc[h], int(shares[h])) for h in open_}
        if sum(add.values()) == 0:  # hand out the remainder one by one, largest share first
            for h in sorted(open_, key=lambda h: -(shares[h] - int(shares[h]))):
                if left and alloc[h] < sizes[h]:
                    alloc[h] += 1
                    left -= 1
            continue
        for h, a in add.items():
            alloc[h] += a
            left -= a
    return alloc


def run_audit(
    con,
    checks: CheckRun,
    as_of: dt.date,
    n: int,
    seed: int = 1,
    strata: int = 3,
    since: dt.date | None = None,
    until: dt.date | None = None,
    retention_years: int = 5,
) -> AuditResult:
    """Sample ``n`` lines, test them against ``checks`` (a full run of the checks), project to the population."""
    if n < 2:
        raise BadInput("the sample size must be at least 2", field="sample")
    since = since or years_before(as_of, retention_years)
    until = until or as_of
    pop = population(con, since, until)
    line_errors, missing = errors_by_line(checks)
    if not pop:
        return _empty_result(as_of, since, until, seed)
    members, alloc = stratify(pop, n, strata)
    rng = random.Random(seed)
    sampled: list[SampledLine] = []
    out_strata: list[Stratum] = []
    estimate = _Estimate()
    for h, (m, n_h) in enumerate(zip(members, alloc)):
        rows = [tested_line(h + 1, r, line_errors, missing) for r in draw(m, n_h, rng)]
        sampled += rows
        estimate.add(len(pop), len(m), n_h, rows)
        out_strata.append(_stratum(h + 1, m, n_h, rows))
    return _project(as_of, since, until, seed, pop, alloc, sampled, out_strata, estimate)


# --- the steps -----------------------------------------------------------------------------------

LineErrors = dict[tuple[str, int], list[tuple[str, str, float | None]]]  # (entry, line) -> (check, finding, loss)


def _method() -> str:
    return (__doc__ or "").split("Method (printed with every result so an auditor can follow it):")[-1].strip()


def population(con, since: dt.date, until: dt.date) -> list[tuple]:
    """1. The population: (entry, line, entry date, part, HTS, value) of every main-ordinal line with a value,
    entered in the period, by value (then entry and line)."""
    return con.execute(
        """SELECT entry_number, line_number, entered, part_number, hts, CAST(value AS DOUBLE) FROM lines
           WHERE value > 0 AND entered BETWEEN ? AND ? ORDER BY value, entry_number, line_number""",
        [since, until],
    ).fetchall()


def errors_by_line(checks: CheckRun) -> tuple[LineErrors, dict[str, list[str]]]:
    """What the revenue checks flag on each line, and the records missing for each entry."""
    line_errors: LineErrors = {}
    missing: dict[str, list[str]] = {}
    for f in checks.findings:
        if f.check in LINE_CHECKS:
            for ln in f.complete().lines:
                line_errors.setdefault((ln.entry, ln.line), []).append((f.check, f.id, ln.loss))
        elif f.check == "missing_records":
            missing[f.subject["entry"]] = f.evidence_rows[0]["missing"].split(", ")
    return line_errors, missing


def stratify(pop: list[tuple], n: int, strata: int) -> tuple[list[list[tuple]], list[int]]:
    """2-3. The population cut into value strata, and the sample size allocated to each."""
    values = [float(r[5]) for r in pop]
    stratum_of = value_strata(values, max(1, min(strata, n // 2)))
    k = max(stratum_of) + 1
    members = [[r for r, s in zip(pop, stratum_of) if s == h] for h in range(k)]
    alloc = allocate([len(m) for m in members], [sum(float(r[5]) for r in m) for m in members], n)
    return members, alloc


def draw(members: list[tuple], n_h: int, rng: random.Random) -> list[tuple]:
    """3. ``n_h`` lines of a stratum drawn without replacement, from and in entry and line order."""
    ordered = sorted(members, key=lambda r: (r[0], r[1]))
    return sorted(rng.sample(ordered, n_h), key=lambda r: (r[0], r[1]))


def tested_line(stratum: int, row: tuple, line_errors: LineErrors, missing: dict[str, list[str]]) -> SampledLine:
    """4. A sampled line tested: its errors, its loss of revenue (the largest within an area, summed over
    areas), the records missing for its entry."""
    e, ln, day, part, hts, value = row
    hits = line_errors.get((e, ln), [])
    loss, known = 0.0, all(x is not None for _, _, x in hits)
    for area in AREAS.values():
        area_losses = [x or 0.0 for c, _, x in hits if c in area]
        loss += max(area_losses, default=0.0)
    return SampledLine(
        stratum=stratum,
        entry=e,
        line=ln,
        entry_date=day,
        part_number=part,
        hts=hts,
        value=float(value),
        errors=sorted({c for c, _, _ in hits}),
        findings=sorted({i for _, i, _ in hits}),
        loss=round(loss, 2),
        loss_known=known,
        missing_records=missing.get(e, []),
    )


class _Estimate:
    """5-6. The stratified estimators' running sums, a stratum at a time."""

    def __init__(self) -> None:
        self.comp_p = self.comp_var = self.loss_total = self.loss_var = 0.0

    def add(self, N: int, N_h: int, n_h: int, rows: list[SampledLine]) -> None:
        errs = sum(1 for r in rows if r.errors)
        W, fpc = N_h / N, n_h / N_h
        p_h = 1 - errs / n_h
        self.comp_p += W * p_h
        if n_h > 1:
            self.comp_var += W * W * (1 - fpc) * p_h * (1 - p_h) / (n_h - 1)
        losses = [r.loss for r in rows]
        self.loss_total += N_h * statistics.fmean(losses)
        if n_h > 1:
            self.loss_var += N_h * N_h * (1 - fpc) * statistics.variance(losses) / n_h


def _stratum(stratum: int, members: list[tuple], n_h: int, rows: list[SampledLine]) -> Stratum:
    return Stratum(
        stratum=stratum,
        value_from=float(members[0][5]),
        value_to=float(members[-1][5]),
        population_lines=len(members),
        population_value=round(sum(float(r[5]) for r in members), 2),
        sample_lines=n_h,
        errors=sum(1 for r in rows if r.errors),
        sample_loss=round(sum(r.loss for r in rows), 2),
    )


def _empty_result(as_of: dt.date, since: dt.date, until: dt.date, seed: int) -> AuditResult:
    return AuditResult(
        as_of=as_of,
        period_start=since,
        period_end=until,
        seed=seed,
        sample_size=0,
        population_lines=0,
        population_value=0.0,
        strata=[],
        compliance_rate=None,
        compliance_ci95=None,
        projected_loss=None,
        projected_loss_ci95=None,
        sample_loss=0.0,
        errors_by_check={},
        lines=[],
        method=_method(),
    )


def _project(
    as_of: dt.date,
    since: dt.date,
    until: dt.date,
    seed: int,
    pop: list[tuple],
    alloc: list[int],
    sampled: list[SampledLine],
    strata: list[Stratum],
    estimate: _Estimate,
) -> AuditResult:
    """5-6. The compliance rate and the projected loss of revenue, with their 95% intervals."""
    N = len(pop)
    comp_p, comp_var = estimate.comp_p, estimate.comp_var
    n_total = sum(alloc)
    n_eff = min(n_total, comp_p * (1 - comp_p) / comp_var) if comp_var > 0 else n_total
    ci = wilson(comp_p, n_eff) if n_total < N else (comp_p, comp_p)
    sample_loss = round(sum(r.loss for r in sampled), 2)
    se = math.sqrt(estimate.loss_var)
    loss_total = estimate.loss_total
    loss_ci = (round(max(sample_loss, loss_total - Z95 * se), 2), round(loss_total + Z95 * se, 2))
    by_check: dict[str, int] = {}
    for r in sampled:
        for c in r.errors:
            by_check[c] = by_check.get(c, 0) + 1
    return AuditResult(
        as_of=as_of,
        period_start=since,
        period_end=until,
        seed=seed,
        sample_size=n_total,
        population_lines=N,
        population_value=round(sum(float(r[5]) for r in pop), 2),
        strata=strata,
        compliance_rate=round(comp_p, 4),
        compliance_ci95=(round(ci[0], 4), round(ci[1], 4)),
        projected_loss=round(loss_total, 2),
        projected_loss_ci95=loss_ci,
        sample_loss=sample_loss,
        errors_by_check=by_check,
        lines=sampled,
        method=_method(),
    )
