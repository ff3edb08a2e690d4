"""The checks, report, tools and mock audit on the ingested sample case, against its ground truth."""

from __future__ import annotations

import json
import re

import pytest

from assistant.checks import REGISTRY, check_workspace, report
from assistant.services.checking import AuditInput, mock_audit
from assistant.services.runtime import Caller, WorkspaceRuntime


def _key(check: str, subject: dict) -> tuple:
    return check, json.dumps(subject, sort_keys=True)


@pytest.fixture(scope="module")
def run(ingested):
    settings = ingested[0]
    return check_workspace(settings)


def test_every_planted_problem_found_and_nothing_else(run, ingested):
    truth = ingested[3]
    expected = {_key(e["check"], e["subject"]) for e in truth["expected_findings"]}
    got = {_key(f.check, f.subject) for f in run.findings}
    assert got == expected, {"missed": sorted(expected - got), "extra": sorted(got - expected)}
    assert {c for c, _ in expected} == set(REGISTRY)  # the sample case exercises every check


def test_near_misses_are_not_flagged_and_notes_say_why(run):
    ids = {f.id for f in run.findings}
    assert (
        not {
            "undeclared_assist:PAY-0142",
            "undeclared_assist:PAY-0158",
            "royalty_omission:PAY-0175",
            "psc_pattern:KM-1004",
        }
        & ids
    )
    assert any("PAY-0175" in n for n in run.notes)


def test_findings_are_complete_and_stable(run, ingested):
    again = check_workspace(ingested[0])
    assert [f.model_dump() for f in again.findings] == [f.model_dump() for f in run.findings]
    assert len({f.id for f in run.findings}) == len(run.findings)
    for f in run.findings:
        assert f.title and f.evidence and f.legal_basis and f.recommendation and f.amount_basis, f.id
        assert all(re.fullmatch(r"[A-Z0-9]{3}-\d{7}-\d", e) for e in f.entries), f.entries
    partial = next(f for f in run.findings if f.id == "undeclared_assist:PAY-0163")
    assert "$6,000.00 not declared" in partial.title
    classification = [
        f for f in run.findings if f.check in ("hts_inconsistency", "hts_master_mismatch", "ruling_conflict")
    ]
    assert all("licensed customs broker" in f.recommendation for f in classification)


def test_reports_xlsx_and_markdown(run, tmp_path):
    from openpyxl import load_workbook

    report.write(run, tmp_path / "r.xlsx")
    report.write(run, tmp_path / "r.md")
    wb = load_workbook(tmp_path / "r.xlsx")
    assert {"Summary", "Checks", "Notes", *REGISTRY} <= set(wb.sheetnames)
    for check_id in REGISTRY:
        rows = sum(len(f.evidence_rows) for f in run.findings if f.check == check_id)
        assert wb[check_id].max_row == rows + 1, check_id  # header + one row per evidence row
    assert wb["Summary"].max_row == 4 + len(run.findings)
    md = (tmp_path / "r.md").read_text()
    assert all(f"`{f.id}`" in md for f in run.findings) and "retention_years = 5" in md
    with pytest.raises(ValueError, match="unknown report format"):
        report.write(run, tmp_path / "r.pdf")


def test_the_json_report_is_written_as_it_is_encoded_with_the_same_content(run, tmp_path):
    import io
    from decimal import Decimal

    report.write(run, tmp_path / "r.json")
    assert (tmp_path / "r.json").read_bytes() == run.model_dump_json(indent=2).encode()
    # batches of any size, values orjson does not know (a DECIMAL column read by DuckDB), no findings
    odd = run.model_copy(deep=True)
    odd.findings[0].evidence_rows = [{"unit_value": Decimal("0.2200"), "line": 2}]
    for batch in (1, 3, 1000):
        out = io.BytesIO()
        report.write_json(odd, out, batch=batch)
        assert out.getvalue() == odd.model_dump_json(indent=2).encode(), batch
    empty = run.model_copy(update={"findings": []})
    out = io.BytesIO()
    report.write_json(empty, out)
    assert json.loads(out.getvalue()) == json.loads(empty.model_dump_json()) and out.getvalue().endswith(b"}")


def test_langchain_tools_return_the_cli_objects(run, ingested):
    from assistant.answering.tools import check_tools

    tools = {t.name: t for t in check_tools(ingested[0])}
    assert set(tools) == set(REGISTRY)
    assert "19 USC 1401a" in tools["undeclared_assist"].description
    msg = tools["hts_master_mismatch"].invoke(
        {"type": "tool_call", "id": "call-1", "name": "hts_master_mismatch", "args": {"part_number": "KM-6200"}}
    )
    direct = check_workspace(ingested[0], checks=["hts_master_mismatch"], part_number="KM-6200")
    assert msg.artifact.findings == direct.findings and len(direct.findings) == 1
    assert json.loads(msg.content)["findings"][0]["id"] == "hts_master_mismatch:KM-6200"


def test_mock_audit_on_the_sample_case(ingested, run):
    settings = ingested[0]
    a = mock_audit(WorkspaceRuntime(settings), Caller("test"), AuditInput(sample=60, seed=11))
    b = mock_audit(WorkspaceRuntime(settings), Caller("test"), AuditInput(sample=60, seed=11))
    assert [(x.entry, x.line) for x in a.lines] == [(x.entry, x.line) for x in b.lines]
    assert a.sample_size == 60 and len(a.strata) == 3
    assert 0 < a.compliance_rate < 1 and a.compliance_ci95[0] < a.compliance_rate < a.compliance_ci95[1]
    assert a.projected_loss_ci95[0] <= a.projected_loss <= a.projected_loss_ci95[1]
    flagged = {(ln.entry, ln.line) for f in run.findings for ln in f.lines if f.check not in ("psc_pattern",)}
    for ln in a.lines:
        assert bool(ln.errors) == ((ln.entry, ln.line) in flagged), ln
