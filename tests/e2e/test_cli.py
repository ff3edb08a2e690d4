"""The faprep command as a user runs it."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.e2e


def _faprep(*args, env):
    return subprocess.run([sys.executable, "-m", "assistant", *args], env=env, capture_output=True, text=True, timeout=300)


def test_status_reports_what_the_workspace_holds(ingested):
    settings, report, _, truth = ingested
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    proc = _faprep("status", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    st = json.loads(proc.stdout)
    assert st["tables"]["entry_lines"] == truth["counts"]["es003_rows"]
    assert st["tables"]["chunks"] == report.totals()["chunks"] == st["lexical_chunks"]
    kinds = {r["kind"]: r["files"] for r in st["files_by_kind"] if r["status"] == "done"}
    assert kinds["ruling"] > 10 and st["last_ingest"]["status"] == "ok"
    human = _faprep("status", env=env)
    assert human.returncode == 0 and "entry_lines" in human.stdout and "commercial_invoice" in human.stdout


def test_empty_workspace_and_help(tmp_path):
    env = {**os.environ, "FAPREP_HOME": str(tmp_path)}
    assert "is empty" in " ".join(_faprep("status", env=env).stdout.split())
    help_text = _faprep("ingest", "--help", env=env).stdout
    assert "--prune" in help_text and "Example" in help_text


def test_records_benchmark_smoke(tmp_path):
    from evaluation.bench.records_bench import main

    (result,) = main(["--rows", "3000", "--json"])
    assert result["rows"] == 3000 and result["load_s"] > 0
