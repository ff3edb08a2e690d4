"""Mock audit statistics and sampling, on hand-made records in a real DuckDB."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.checks import run_checks
from assistant.checks.mock_audit import allocate, run_audit, value_strata, wilson
from tests.support.records import AS_OF, Case


def test_wilson_matches_reference_values():
    # 95% Wilson interval for 45/50: (0.7864, 0.9565) (Newcombe 1998 tables, rounded)
    lo, hi = wilson(0.9, 50)
    assert lo == pytest.approx(0.7864, abs=5e-4) and hi == pytest.approx(0.9565, abs=5e-4)
    lo, hi = wilson(1.0, 30)
    assert hi == 1.0 and lo == pytest.approx(0.8865, abs=5e-4)


def test_value_strata_and_allocation():
    values = sorted([10.0] * 90 + [1000.0] * 9 + [9000.0])
    strata = value_strata(values, 3)
    assert strata == sorted(strata) and max(strata) <= 2
    assert all(strata.count(h) >= 2 for h in set(strata))  # every stratum can estimate a variance
    sizes = [strata.count(h) for h in sorted(set(strata))]
    weights = [sum(v for v, s in zip(values, strata) if s == h) for h in sorted(set(strata))]
    alloc = allocate(sizes, weights, 20)
    assert sum(alloc) == 20 and all(2 <= a <= s for a, s in zip(alloc, sizes))
    assert allocate(sizes, weights, 10_000) == sizes  # a sample larger than the population is a census


@pytest.fixture
def population(tmp_path):
    case = Case(tmp_path)
    case.product("P-1", "3924.90.5650")
    for i in range(60):
        hts = "9503.00.0073" if i % 10 == 0 else "3924.90.5650"  # 6 lines in error
        case.line(
            f"AAA-{i:07d}-1",
            1,
            AS_OF - dt.timedelta(days=10 + i),
            "P-1",
            hts,
            100.0 + 50 * i,
            duty=0 if hts.startswith("9503") else None,
        )
    yield case
    case.rec.close()


def test_audit_is_reproducible_and_a_census_gives_the_truth(population):
    con, settings = population.rec.con, population.settings
    checks = run_checks(settings, con)
    a = run_audit(con, checks, AS_OF, 20, seed=5)
    b = run_audit(con, checks, AS_OF, 20, seed=5)
    c = run_audit(con, checks, AS_OF, 20, seed=6)
    key = lambda r: [(ln.entry, ln.line) for ln in r.lines]
    assert key(a) == key(b) and key(a) != key(c)
    assert a.sample_size == 20 and sum(s.sample_lines for s in a.strata) == 20
    assert a.compliance_ci95[0] <= a.compliance_rate <= a.compliance_ci95[1]
    census = run_audit(con, checks, AS_OF, 1000, seed=1)
    assert census.sample_size == 60 and census.compliance_rate == pytest.approx(54 / 60, abs=1e-4)
    assert census.errors_by_check == {
        "hts_inconsistency": 6,
        "hts_master_mismatch": 6,
    }  # one error per line, counted per check
    # loss of the 6 lines, once per line although two checks flag it: value x (5% observed for the master HTS - 0%)
    expected = sum((100.0 + 50 * i) * 0.05 for i in range(0, 60, 10))
    assert census.projected_loss == pytest.approx(expected, abs=0.05)
    assert census.projected_loss_ci95 == (pytest.approx(expected, abs=0.05), pytest.approx(expected, abs=0.05))


def test_audit_period_and_bad_size(population):
    con, settings = population.rec.con, population.settings
    checks = run_checks(settings, con)
    early = run_audit(con, checks, AS_OF, 10, since=AS_OF - dt.timedelta(days=30))
    assert early.population_lines == 21  # days 10..30 before as_of
    with pytest.raises(ValueError):
        run_audit(con, checks, AS_OF, 1)
