"""Each check on small hand-made records in a real DuckDB: positives, negatives and the near misses."""

from __future__ import annotations

import pytest

from tests.support.records import Case, D


@pytest.fixture
def case(tmp_path):
    c = Case(tmp_path)
    yield c
    c.rec.close()


# --- classification ---------------------------------------------------------------------------


def test_hts_inconsistency_uses_main_ordinal_and_compares_digits(case):
    case.product("P-1", "3924.90.5650")
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000)
    case.line("AAA-0000002-1", 1, "2026-02-05", "P-1", "3924905650", 1000)  # same number, no dots
    case.line("AAA-0000002-1", 1, "2026-02-05", "P-1", "9903.88.03", 0, ordinal=2)  # Chapter 99 row: not a second HTS
    assert case.subjects("hts_inconsistency") == []
    case.line("AAA-0000003-1", 1, "2026-03-05", "P-1", "9503.00.0073", 1000, duty=0)
    (f,) = case.run("hts_inconsistency").findings
    assert f.subject == {"part_number": "P-1"} and f.entries == ["AAA-0000003-1"]
    # reference is the master's HTS at an observed 5% rate; the odd line paid 0%
    assert f.amount_at_risk == pytest.approx(50.0)
    assert any("9503.00.0073" in e and "entry_lines.csv row" in e for e in f.evidence)


def test_hts_master_mismatch_matches_8_digit_master_and_skips_parts_not_in_master(case):
    case.product("P-1", "3924.90.56")  # 8 digits covers 3924.90.5650
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000)
    case.line("AAA-0000001-1", 2, "2026-01-05", "P-NEW", "3926.90.9989", 1000)
    assert case.subjects("hts_master_mismatch") == []
    case.product("P-2", "3916.20.0091")
    case.line("AAA-0000002-1", 1, "2026-01-05", "P-2", "3917.32.0050", 500)
    (f,) = case.run("hts_master_mismatch").findings
    assert f.subject == {"part_number": "P-2"}
    assert f.amount_at_risk is None and "never declared" in f.amount_basis  # the approved HTS's rate is unknown


def test_ruling_conflict_ignores_chapter_99_and_notes_missing_rulings(case):
    con = case.rec.con
    con.execute(
        "INSERT INTO rulings VALUES ('N111111', 'rulings/N111111.txt', DATE '2024-01-01', ['3917.33.0000', '9903.01.25'], 'hose')"
    )
    con.execute(
        "INSERT INTO rulings VALUES ('N222222', 'rulings/N222222.txt', DATE '2024-01-01', ['3926.40.0090'], 'charms')"
    )
    case.product("P-HOSE", "3917.33.0000", ruling="N111111")
    case.product("P-KIT", "3926.40.0010", ruling="N222222")
    case.product("P-GONE", "3924.10.4000", ruling="N999999")
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-HOSE", "3917.33.0000", 1000)
    case.line("AAA-0000001-1", 2, "2026-01-05", "P-KIT", "3926.40.0010", 1000)
    run = case.run("ruling_conflict")
    assert [f.subject for f in run.findings] == [{"part_number": "P-KIT"}]
    assert any("N999999" in n and "not among the ingested rulings" in n for n in run.notes)


# --- valuation --------------------------------------------------------------------------------


def _pay(case, pid, day, amount, gl, memo, part=None, mid=None, included=False):
    case.add(
        "payments",
        payment_id=pid,
        payment_date=D(day),
        amount=amount,
        gl_account=gl,
        memo=memo,
        part_number=part,
        mid=mid,
        included_in_price=included,
        vendor_name="Vendor",
        vendor_country="CN",
    )


def test_assists_included_fully_declared_and_partly_declared(case):
    for i, part in enumerate(["P-IN", "P-FULL", "P-PART", "P-NONE"]):
        case.line(f"AAA-000010{i}-1", 1, "2026-02-01", part, "3924.90.5650", 2000)
    case.line("AAA-0000200-1", 1, "2026-03-01", "P-FULL", "3924.90.5650", 2000, additions=4000)
    case.line("AAA-0000201-1", 1, "2026-03-01", "P-PART", "3924.90.5650", 2000, additions=3000)
    case.line("AAA-0000202-1", 1, "2025-12-01", "P-NONE", "3924.90.5650", 2000, additions=500)  # before the payment
    _pay(case, "PAY-IN", "2026-01-10", 6200, "5100 Tooling", "Die set", part="P-IN", included=True)
    _pay(case, "PAY-FULL", "2026-01-10", 4000, "5300 Product Design", "Artwork files", part="P-FULL")
    _pay(case, "PAY-PART", "2026-01-10", 9000, "5200 Engineering", "Drawings", part="P-PART")
    _pay(case, "PAY-NONE", "2026-01-10", 1000, "5100 Tooling", "Injection mold", part="P-NONE")
    _pay(case, "PAY-GOODS", "2026-01-10", 5000, "5000 Inventory Purchases", "Invoice 123 goods", part="P-NONE")
    findings = {f.subject["payment_id"]: f for f in case.run("undeclared_assist").findings}
    assert set(findings) == {"PAY-PART", "PAY-NONE"}
    part = findings["PAY-PART"]
    assert "$6,000.00 not declared" in part.title and "$3,000.00 declared" in part.title
    # 6,000 undeclared x the linked lines' effective rate (5%)
    assert part.amount_at_risk == pytest.approx(300.0)
    # additions on a line declared before the payment are not credited to it
    assert "$1,000.00 not declared" in findings["PAY-NONE"].title


def test_additions_are_credited_first_in_first_out_and_used_once(case):
    case.line("AAA-0000001-1", 1, "2026-03-01", "P-1", "3924.90.5650", 2000, additions=3000)
    _pay(case, "PAY-A", "2026-01-01", 3000, "5100 Tooling", "Mold A", part="P-1")
    _pay(case, "PAY-B", "2026-02-01", 3000, "5100 Tooling", "Mold B", part="P-1")
    assert case.subjects("undeclared_assist") == [{"payment_id": "PAY-B"}]


def test_assist_linked_by_manufacturer_when_no_part(case):
    case.line("AAA-0000001-1", 1, "2026-03-01", "P-1", "3924.90.5650", 2000, mid="CNMOLD7NIN")
    case.line("AAA-0000002-1", 1, "2026-03-01", "P-2", "3924.90.5650", 2000, mid="CNOTHER1SHA")
    _pay(case, "PAY-M", "2026-01-01", 5000, "5100 Tooling", "Molds for spring line", mid="CNMOLD7NIN")
    (f,) = case.run("undeclared_assist").findings
    assert f.entries == ["AAA-0000001-1"]


def test_every_linked_line_is_read_when_a_report_needs_it(case, tmp_path):
    for i in range(40):
        case.line(f"AAA-00001{i:02d}-1", 1, f"2026-03-{i % 28 + 1:02d}", "P-1", "3924.90.5650", 1000, duty=50)
    case.line("AAA-0000200-1", 1, "2026-04-01", "P-1", "3924.90.5650", 1000, duty=50, additions=500)
    _pay(case, "PAY-M", "2026-01-01", 5000, "5100 Tooling", "Mold", part="P-1")
    run = case.run("undeclared_assist")
    (f,) = run.findings
    # the table needs none of the linked lines: the payment's row and the text are there already
    assert len(f.evidence_rows) == 1 and f.evidence_rows[0]["payment_id"] == "PAY-M"
    assert "41 line(s) on 41 entries" in " ".join(f.evidence) and "and 15 more linked lines" in f.evidence[-1]
    assert len(f.entries) == 41 and f.amount_at_risk == pytest.approx(4500 * 0.05)
    # the JSON reads every one, once, with its share of the duty at stake; so does the mock audit
    dumped = f.model_dump()
    assert len(dumped["evidence_rows"]) == 42
    credited = [r for r in dumped["evidence_rows"][1:] if r["credited"]]
    assert [(r["entry"], r["credited"]) for r in credited] == [("AAA-0000200-1", 500)]
    assert len(f.lines) == 41 and sum(x.loss for x in f.lines) == pytest.approx(
        f.amount_at_risk, abs=41 * 0.005
    )  # each rounded to cents
    assert len(f.model_dump()["evidence_rows"]) == 42
    # after the run's connection is closed, a new read-only one reads them
    second = case.run("undeclared_assist")
    case.rec.close()
    assert len(second.model_dump()["findings"][0]["evidence_rows"]) == 42


def test_royalty_related_vs_software_licence(case):
    case.line("AAA-0000001-1", 1, "2026-03-01", "P-LIC", "6110.30.3020", 10000, duty=3200)
    _pay(case, "PAY-R", "2026-04-01", 12000, "6200 Royalties", "Trademark license fee, P-LIC", part="P-LIC")
    _pay(case, "PAY-SW", "2026-04-01", 8800, "6300 Software", "Annual software license fee, ERP")
    run = case.run("royalty_omission")
    (f,) = run.findings
    assert f.subject == {"payment_id": "PAY-R"} and f.amount_at_risk == pytest.approx(12000 * 0.32)
    assert any("PAY-SW" in n for n in run.notes)


def test_value_outlier_robust_threshold_and_minimum_lines(case):
    prices = [1.18, 1.20, 1.22, 1.19, 1.21, 1.20, 1.23, 1.17]
    for i, p in enumerate(prices):
        case.line(f"AAA-00000{i:02d}-1", 1, f"2026-01-{i + 1:02d}", "P-1", "3924.90.5650", p * 1000, qty=1000)
    assert case.subjects("value_outlier") == []
    case.line("AAA-0000099-1", 1, "2026-02-01", "P-1", "3924.90.5650", 220, qty=1000)
    case.line("AAA-0000099-1", 1, "2026-02-01", "P-1", "9903.88.03", 0, qty=0, ordinal=2)  # Chapter 99 row
    case.line("AAA-0000098-1", 1, "2026-02-01", "P-1", "3924.90.5650", 1100, qty=1000)  # 0.92x: not an outlier
    (f,) = case.run("value_outlier").findings
    assert f.subject == {"entry": "AAA-0000099-1", "line": 1}
    assert f.evidence_rows[0]["unit_price"] == pytest.approx(0.22)
    # a part with fewer priced lines than outlier_min_lines is not tested
    case.line("AAA-0000097-1", 1, "2026-02-01", "P-FEW", "3924.90.5650", 100, qty=1000)
    for i in range(3):
        case.line(f"AAA-000009{i}-2", 2, "2026-02-01", "P-FEW", "3924.90.5650", 1200, qty=1000)
    assert [f.subject["entry"] for f in case.run("value_outlier").findings] == ["AAA-0000099-1"]


# --- origin and programs ----------------------------------------------------------------------


def test_usmca_certificate_period_is_inclusive_and_uses_entry_date(case):
    case.add(
        "certificates",
        certificate_id="C-1",
        program="USMCA",
        part_number="P-MX",
        blanket_start=D("2025-06-01"),
        blanket_end=D("2026-05-31"),
    )
    # last day covered; the entry summary comes later but the entry date counts
    case.line(
        "AAA-0000001-1",
        1,
        "2026-06-08",
        "P-MX",
        "6211.32.9010",
        7000,
        duty=0,
        coo="MX",
        mid="MXMONTEX44MON",
        spi="S",
        entry_date=D("2026-05-31"),
    )
    assert case.subjects("spi_without_certificate") == []
    case.line(
        "AAA-0000002-1",
        1,
        "2026-06-09",
        "P-MX",
        "6211.32.9010",
        7000,
        duty=0,
        coo="MX",
        mid="MXMONTEX44MON",
        spi="S",
        entry_date=D("2026-06-01"),
    )
    case.line(
        "AAA-0000003-1",
        1,
        "2026-01-09",
        "P-OTHER",
        "6201.30.8051",
        5000,
        duty=0,
        coo="MX",
        mid="MXMONTEX44MON",
        spi="S+",
    )
    case.line(
        "AAA-0000004-1", 1, "2026-01-09", "P-OTHER", "6201.30.8051", 5000, duty=320, coo="MX", mid="MXMONTEX44MON"
    )
    findings = case.run("spi_without_certificate").findings
    assert [f.subject for f in findings] == [
        {"entry": "AAA-0000002-1", "line": 1},
        {"entry": "AAA-0000003-1", "line": 1},
    ]
    assert findings[1].amount_at_risk == pytest.approx(5000 * 0.064)  # rate observed without the claim


def test_origin_against_master_and_mid_with_canadian_provinces(case):
    case.product("P-1", "3924.90.5650", coo="CN")
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000, coo="CN", mid="CNYIWCLE45YIW")
    case.line("AAA-0000002-1", 1, "2026-01-05", "P-CA", "3924.90.5650", 1000, coo="CA", mid="XOTORMAK12TOR")
    case.line("AAA-0000003-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000, coo="VN", mid="CNYIWCLE45YIW")
    case.line("AAA-0000004-1", 1, "2026-01-05", "P-MX", "6211.32.9010", 1000, coo="MX", mid="CNSHATEX61SHA")
    findings = case.run("origin_mismatch").findings
    assert [f.subject["entry"] for f in findings] == ["AAA-0000003-1", "AAA-0000004-1"]
    assert len(findings[0].evidence) == 3  # the line, the master, the MID


# --- records and controls ---------------------------------------------------------------------


def _doc(case, path, kind, entry=None, invoice=None):
    case.rec.con.execute("INSERT INTO documents VALUES (?, ?, ?, 1, 100)", [path, kind, path])
    if entry:
        case.rec.con.execute("INSERT INTO identifiers VALUES (?, ?, 'entry', ?)", [path, path + "#0", entry])
    if invoice:
        case.rec.con.execute("INSERT INTO identifiers VALUES (?, ?, 'ref', ?)", [path, path + "#0", invoice])


def test_missing_records_retention_and_invoice_links(case):
    # outside the 5-year period (entered 2021-06-29 < 2021-06-30): never flagged
    case.line("AAA-0000001-1", 1, "2021-07-05", "P-1", "3924.90.5650", 1000, entry_date=D("2021-06-29"))
    # inside, fully documented; the packing list is linked by the invoice number only
    case.line(
        "AAA-0000002-1",
        1,
        "2021-07-05",
        "P-1",
        "3924.90.5650",
        1000,
        entry_date=D("2021-06-30"),
        invoice_number="INV-2",
    )
    _doc(case, "e2/invoice.pdf", "commercial_invoice", entry="AAA-0000002-1")
    _doc(case, "e2/packing.pdf", "packing_list", invoice="INV-2")
    _doc(case, "e2/7501.pdf", "entry_summary", entry="AAA-0000002-1")
    # inside, invoice missing
    case.line("AAA-0000003-1", 1, "2025-01-05", "P-1", "3924.90.5650", 1000)
    _doc(case, "e3/packing.pdf", "packing_list", entry="AAA-0000003-1")
    _doc(case, "e3/7501.pdf", "entry_summary", entry="AAA-0000003-1")
    (f,) = case.run("missing_records").findings
    assert f.subject == {"entry": "AAA-0000003-1"} and f.severity == "high"
    assert "commercial_invoice" in f.evidence_rows[0]["missing"]


def test_broker_review_runs_only_with_a_log(case):
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000)
    case.line("AAA-0000002-1", 1, "2026-01-05", "P-1", "3924.90.5650", 1000)
    run = case.run("broker_review_missing")
    assert run.findings == [] and any("no broker review log" in n for n in run.notes)
    case.add(
        "broker_reviews", entry_number="AAA-0000001-1", reviewed_by="J. Chen", review_date=D("2026-01-10"), result="OK"
    )
    assert case.subjects("broker_review_missing") == [{"entry": "AAA-0000002-1"}]


def test_psc_single_correction_is_not_a_pattern(case):
    case.line("AAA-0000001-1", 1, "2026-01-05", "P-ONE", "3924.90.5650", 1000, psc=True)
    case.line("AAA-0000002-1", 1, "2026-01-05", "P-TWO", "3924.90.5650", 1000, psc=True)
    case.line("AAA-0000003-1", 1, "2026-02-05", "P-TWO", "3924.90.5650", 1000, psc=True)
    assert case.subjects("psc_pattern") == [{"part_number": "P-TWO"}]


# --- the run ----------------------------------------------------------------------------------


def test_ids_stable_filters_and_recommendations(case):
    case.product("P-1", "3924.90.5650")
    case.line("AAA-0000001-1", 1, "2026-05-01", "P-1", "9503.00.0073", 1000, duty=0)  # within the PSC window
    case.line("AAA-0000002-1", 1, "2024-01-05", "P-1", "9503.00.0073", 1000, duty=0)  # long liquidated
    case.line("AAA-0000003-1", 1, "2024-01-05", "P-1", "3924.90.5650", 1000)
    first, second = case.run(), case.run()
    assert [f.model_dump() for f in first.findings] == [f.model_dump() for f in second.findings]
    f = next(f for f in first.findings if f.check == "hts_master_mismatch")
    assert f.id == "hts_master_mismatch:P-1"
    assert "Correct AAA-0000001-1 by post-summary correction" in f.recommendation
    assert "past the post-summary correction window (AAA-0000002-1)" in f.recommendation
    assert "19 CFR 162.74" in f.recommendation and "not a classification decision" in f.recommendation
    assert case.run(part_number="P-OTHER").findings == []
    assert {f.check for f in case.run(entry="AAA00000011").findings} >= {"hts_master_mismatch"}  # entry normalised
    with pytest.raises(ValueError, match="unknown check"):
        case.run("no_such_check")


def test_empty_and_partial_records_run_cleanly(case):
    run = case.run()
    assert run.findings == [] and len(run.checks) == 11
    # ES-003 only: no master, payments, certificates, documents or review log
    case.line("AAA-0000001-1", 1, "2026-01-05", None, "3924.90.5650", 1000, coo="CN", mid=None, spi="S")
    case.line("AAA-0000002-1", 1, "2026-01-05", "P-1", None, 0, qty=None, coo=None, mid="??")
    run = case.run()
    checks = {f.check for f in run.findings}
    assert checks == {"spi_without_certificate"}
    spi = next(f for f in run.findings if f.check == "spi_without_certificate")
    assert "no part number" in spi.title
    assert any("no broker review log" in n for n in run.notes)
    # no entry document ingested at all: recordkeeping is not tested (a note), not every entry flagged
    assert any(n.startswith("missing_records: no entry documents ingested yet") for n in run.notes)
    # a manual or ruling is not an entry document; one invoice is, and then the others are missing
    _doc(case, "manuals/policy.pdf", "compliance_manual")
    assert "missing_records" not in {f.check for f in case.run().findings}
    _doc(case, "docs/inv-1.pdf", "commercial_invoice", entry="AAA-0000001-1")
    flagged = {f.subject["entry"]: f for f in case.run().findings if f.check == "missing_records"}
    assert set(flagged) == {"AAA-0000001-1", "AAA-0000002-1"}
    assert "commercial_invoice" not in flagged["AAA-0000001-1"].evidence_rows[0]["missing"]
    assert flagged["AAA-0000002-1"].severity == "high"  # no invoice: an (a)(1)(A) list record


def test_the_check_groups_name_every_registered_check_once():
    from assistant.checks import REGISTRY
    from assistant.checks.base import CHECK_GROUPS

    grouped = [c for group in CHECK_GROUPS.values() for c in group]
    assert sorted(grouped) == sorted(REGISTRY) and len(grouped) == len(set(grouped))
