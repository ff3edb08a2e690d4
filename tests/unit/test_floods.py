"""Many findings of one cause: grouped in the JSON, the XLSX, the Markdown and the UI's table, each
finding (and its id) still there under its group; the UI's table pages through them."""

from __future__ import annotations

import datetime as dt

import pytest

from assistant.checks import run_checks
from assistant.checks.report import to_markdown, to_xlsx
from assistant.stores.records import Records
from tests.support.workspace import make_settings

AS_OF = dt.date(2026, 6, 30)
CLAIMS = 3_000


@pytest.fixture(scope="module")
def flood(tmp_path_factory):
    """Three parts claiming USMCA on every line: one with no certificate at all, one with a year missing
    between two certificates, one covered throughout (not flagged)."""
    tmp = tmp_path_factory.mktemp("flood")
    settings = make_settings(tmp, "flood", as_of=AS_OF)
    rec = Records(tmp / "records.duckdb")
    rec.con.execute(
        """INSERT INTO entry_lines (source_file, source_row, entry_number, line_number, tariff_ordinal, hts,
               entry_summary_date, entry_date, value, duty, part_number, country_of_origin, spi, quantity)
           SELECT 'lines.csv', i, printf('QQ1-%07d-%d', i // 3, (i // 3) % 10), i % 3 + 1, 1,
                  '8708.99.8180', DATE '2023-01-01' + CAST(i % 900 AS INTEGER),
                  DATE '2023-01-01' + CAST(i % 900 AS INTEGER) - 5, 1000, 0,
                  ['NB-71', 'TX/400', 'AC 9'][i % 3 + 1], 'MX', 'S', 10
           FROM range(?) t(i)""",
        [CLAIMS],
    )
    # a line without a program claim shows the HTS's duty rate (2.5%)
    rec.con.execute(
        """INSERT INTO entry_lines (source_file, source_row, entry_number, line_number, tariff_ordinal, hts,
               entry_summary_date, value, duty, part_number, country_of_origin, quantity)
           VALUES ('lines.csv', 999999, 'QQ9-0000001-1', 1, 1, '8708.99.8180', DATE '2024-01-01', 1000, 25, 'NB-71', 'CN', 10)"""
    )
    for cid, part, start, end in [
        ("C1", "TX/400", "2022-01-01", "2023-12-31"),
        ("C2", "TX/400", "2025-01-01", "2026-12-31"),
        ("C3", "AC 9", "2022-01-01", "2026-12-31"),
    ]:
        rec.con.execute(
            "INSERT INTO certificates (source_file, source_row, certificate_id, program, part_number, blanket_start, blanket_end) "
            "VALUES ('certs.csv', 1, ?, 'USMCA', ?, ?, ?)",
            [cid, part, start, end],
        )
    run = run_checks(settings, rec.con, ["spi_without_certificate"])
    rec.close()
    return run


def test_findings_of_one_cause_are_one_group_with_every_finding_under_it(flood):
    claims = [f for f in flood.findings if f.check == "spi_without_certificate"]
    nb = [f for f in claims if f.subject and f.evidence_rows[0]["part_number"] == "NB-71"]
    tx = [f for f in claims if f.evidence_rows[0]["part_number"] == "TX/400"]
    assert len(nb) == CLAIMS // 3 and 0 < len(tx) < CLAIMS // 3
    assert not any(f.evidence_rows[0]["part_number"] == "AC 9" for f in claims)
    groups = {g.cause: g for g in flood.groups}
    assert set(groups) == {
        "NB-71: USMCA claims with no certificate on file",
        "TX/400: USMCA claims between the certificate ending 2023-12-31 and the one starting 2025-01-01",
    }
    g = groups["NB-71: USMCA claims with no certificate on file"]
    assert g.count == len(nb) and g.findings == [f.id for f in claims if f in nb]
    assert g.amount_at_risk == pytest.approx(len(nb) * 25.0)  # 1,000 x 2.5% each
    # ids stay per line, as docs/data-formats.md defines them
    assert all(i.startswith("spi_without_certificate:QQ1-") and i.count(":") == 2 for i in g.findings)
    dumped = flood.model_dump(mode="json")
    assert len(dumped["groups"]) == 2 and len(dumped["findings"]) == len(claims)
    # each finding's recommendation names its own entry
    assert all(f.entries[0] in f.recommendation or "past the post-summary" in f.recommendation for f in nb[:50])


def test_reports_show_one_row_per_cause(flood, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "findings.xlsx"
    to_xlsx(flood, path)
    ws = load_workbook(path)["Summary"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    heads = [i for i, r in enumerate(rows, start=5) if str(r[2]).endswith(" findings")]
    assert len(heads) == 2 and len(rows) == len(flood.findings) + 2
    for head in heads:
        assert ws.cell(head, 4).font.bold and ws.row_dimensions[head].outlineLevel == 0
        assert ws.row_dimensions[head + 1].outlineLevel == 1 and ws.row_dimensions[head + 1].hidden
    md = to_markdown(flood)
    summary = md.split("## Summary")[1].split("## High")[0]
    assert summary.count("\n| high |") == 2 and "findings on" in summary


def test_the_ui_table_pages_through_grouped_rows(flood):
    from assistant.checks.paging import PAGE_ROWS, finding_detail, findings_page, findings_view

    view = findings_view(flood)
    assert len(view["rows"]) == 2 and len(view["findings"]) == len(flood.findings)
    table, caption, page = findings_page(view, 7)  # past the end: the last page
    assert page == 1 and len(table) == 2 and "of 2" in caption
    detail = finding_detail(view, view["rows"][0][-1])
    assert "NB-71" in detail or "TX/400" in detail
    assert "... and" in detail and detail.count("\n- ") <= 50 + 1 + 10
    one = flood.findings[0]
    assert one.title in finding_detail(view, one.id)
    # without grouping a page would still be bounded
    many = {"rows": [["high", "x", str(i), "$0", str(i)] for i in range(250)], "groups": {}, "findings": {}}
    table, caption, page = findings_page(many, 3)
    assert len(table) == 250 - 2 * PAGE_ROWS and page == 3 and "rows 201–250 of 250" in caption
