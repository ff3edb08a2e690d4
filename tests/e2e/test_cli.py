"""The faprep command as a user runs it."""

import json
import os
import subprocess
import sys

from tests.support.cli import faprep


def test_status_reports_what_the_workspace_holds(ingested):
    settings, report, _, truth = ingested
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    proc = faprep("status", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    st = json.loads(proc.stdout)
    assert st["tables"]["entry_lines"] == truth["counts"]["es003_rows"]
    assert st["tables"]["chunks"] == report.totals()["chunks"] == st["lexical_chunks"]
    kinds = {r["kind"]: r["files"] for r in st["files_by_kind"] if r["status"] == "done"}
    assert kinds["ruling"] > 10 and st["last_ingest"]["status"] == "ok"
    human = faprep("status", env=env)
    assert human.returncode == 0 and "entry_lines" in human.stdout and "commercial_invoice" in human.stdout


def test_empty_workspace_and_help(tmp_path):
    env = {**os.environ, "FAPREP_HOME": str(tmp_path)}
    assert "is empty" in " ".join(faprep("status", env=env).stdout.split())
    help_text = faprep("ingest", "--help", env=env).stdout
    assert "--prune" in help_text and "Example" in help_text


def test_records_benchmark_smoke(tmp_path):
    from evaluation.bench.records_bench import main

    (result,) = main(["--rows", "3000", "--json"])
    assert result["rows"] == 3000 and result["load_s"] > 0


def test_check_and_audit_commands(ingested, tmp_path):
    settings, _, _, truth = ingested
    env = {
        **os.environ,
        "FAPREP_HOME": str(settings.home),
        "FAPREP_WORKSPACE": settings.workspace,
        "FAPREP_AS_OF": truth["as_of"],
        "COLUMNS": "120",
    }
    proc = faprep("check", "--json", env=env)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out["findings"]) == len(truth["expected_findings"])
    assert set(out["findings"][0]) >= {
        "id",
        "check",
        "severity",
        "title",
        "subject",
        "entries",
        "amount_at_risk",
        "evidence",
        "legal_basis",
        "recommendation",
    }
    human = faprep("check", "--severity", "high", "-o", str(tmp_path / "f.xlsx"), "-o", str(tmp_path / "f.md"), env=env)
    assert human.returncode == 0, human.stderr
    assert "HIGH" in human.stdout and "MEDIUM" not in human.stdout and "licensed customs broker" in human.stdout
    assert (tmp_path / "f.xlsx").stat().st_size > 0 and "# Findings report" in (tmp_path / "f.md").read_text()
    audit = faprep("audit", "--sample", "40", "--seed", "3", env=env)
    assert audit.returncode == 0, audit.stderr
    assert "compliance rate" in audit.stdout and "95% CI" in audit.stdout
    data = json.loads(faprep("audit", "--sample", "40", "--seed", "3", "--json", env=env).stdout)
    assert data["sample_size"] == 40 and "Wilson" in data["method"]


def test_check_errors_are_messages_not_tracebacks(tmp_path, ingested):
    env = {**os.environ, "FAPREP_HOME": str(tmp_path)}
    proc = faprep("check", env=env)
    assert proc.returncode == 2 and "run `faprep ingest" in proc.stderr and "Traceback" not in proc.stderr
    settings = ingested[0]
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    for args in (
        ["check", "--check", "nope"],
        ["check", "-o", str(tmp_path / "x.pdf")],
        ["audit", "--sample", "1"],
        ["audit", "--sample", "10", "--since", "last year"],
    ):
        proc = faprep(*args, env=env)
        assert proc.returncode == 2 and "error:" in proc.stderr and "Traceback" not in proc.stderr, (args, proc.stderr)


def test_checks_benchmark_smoke():
    from evaluation.bench.checks_bench import main

    many, few = main(["--rows", "3000", "--shapes", "many:docs,few:none", "--json"])
    assert many["rows"] == few["rows"] == 3000 and many["findings"] > 0 and many["checks_s"] > 0
    assert (many["shape"], few["shape"]) == ("many:docs", "few:none")
    assert "missing_records" not in few["by_check"]  # no entry document: not tested, not a flood
    assert set(many["alone_s"]) == set(few["alone_s"]) and len(many["alone_s"]) == 11
    assert few["rows_shown"] <= few["findings"]


def test_lexical_benchmark_smoke():
    from evaluation.bench.lexical_bench import main

    (result,) = main(["--chunks", "300", "--json"])
    assert result["chunks"] == 300 and result["add_action"] == "updated" and result["segments"] == 2


def test_ask_benchmark_smoke(ingested, capsys):
    from evaluation.bench.ask_bench import QUESTIONS, main

    settings = ingested[0]
    out = main(
        ["--home", str(settings.home), "--workspace", settings.workspace, "--rounds", "1", "--cold", "1", "--json"]
    )
    warm = out["warm"]
    assert (
        warm["all"]["n"] == len(QUESTIONS) and warm["extractive"]["n"] == len(QUESTIONS) - warm["by_kind"]["check"]["n"]
    )
    assert 0 < warm["extractive"]["p50_ms"] <= warm["extractive"]["p95_ms"] <= warm["extractive"]["max_ms"]
    assert out["cold"]["ask"]["median_s"] > out["cold"]["help"]["median_s"] > 0 and out["cold"]["import_cli_ms"] > 0


def test_ingest_benchmark_smoke(sample_case, tmp_path):
    import shutil

    from evaluation.bench.ingest_bench import main

    small = tmp_path / "case"
    (small / "documents").mkdir(parents=True)
    for pdf in sorted((sample_case[0] / "documents").rglob("*.pdf"))[:6]:
        shutil.copy(pdf, small / "documents" / pdf.name)
    shutil.copy(sample_case[0] / "products.csv", small)
    out = main(["--case", str(small), "--json"])["results"]
    assert out["naive_pdfs"]["pages"] == out["faprep_pdfs"]["pages"] > 0 and out["naive_pdfs"]["chunks"] > 0
    assert out["faprep_case"]["rows"] > 0 and out["faprep_pdfs"]["rows"] == 0
    assert all(r["chunks_per_s"] > 0 and r["peak_rss_mib"] > 0 for r in out.values())


def test_retrieval_benchmark_smoke():
    from evaluation.bench.retrieval_bench import main

    (result,) = main(["--chunks", "300", "--embed", "50", "--json"])
    assert result["chunks"] == 300 and result["embedded"] == 50 and result["chroma_add_s"] > 0
    assert 0 < result["dense_p50_ms"] <= result["dense_p95_ms"] and result["fused_p50_ms"] >= result["lexical_p50_ms"]


def test_check_while_another_process_writes_is_a_message(ingested, tmp_path):
    import shutil

    import duckdb

    settings = ingested[0]
    shutil.copy(settings.workspace_dir / "records.duckdb", tmp_path / "records.duckdb")
    (tmp_path / "home").mkdir()
    shutil.copytree(tmp_path, tmp_path / "home" / "copy", ignore=shutil.ignore_patterns("home"))
    writer = duckdb.connect(str(tmp_path / "home" / "copy" / "records.duckdb"))  # holds the write lock
    try:
        env = {**os.environ, "FAPREP_HOME": str(tmp_path / "home"), "FAPREP_WORKSPACE": "copy"}
        for args in (["check"], ["audit", "--sample", "10"]):
            proc = faprep(*args, env=env)
            assert proc.returncode == 2 and "in use by another faprep process" in " ".join(proc.stderr.split()), (
                proc.stderr
            )
            assert "Traceback" not in proc.stderr
    finally:
        writer.close()


def test_ask_json_follows_the_data_formats_shape(ingested, tmp_path):
    settings = ingested[0]
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    out = faprep("ask", "How long are entry records kept?", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert {"answer", "citations", "tools_called", "mode"} <= set(result) and result["mode"] == "extractive"
    c = result["citations"][0]
    assert {"n", "source", "page", "kind", "ruling_number", "quote"} <= set(c) and f"[{c['n']}]" in result["answer"]
    follow = faprep("ask", "Are there undeclared assists?", "--session", result["session_id"], "--json", env=env)
    assert json.loads(follow.stdout)["tools_called"] == ["undeclared_assist"]
    bad = faprep("ask", "x", "--since", "yesterday", env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    empty = faprep("ask", "anything", env={**env, "FAPREP_HOME": str(tmp_path)})
    assert empty.returncode == 2 and "ingest" in empty.stderr and "Traceback" not in empty.stderr


def test_ask_with_an_unreachable_llm_server_still_answers(ingested):
    settings = ingested[0]
    env = {
        **os.environ,
        "FAPREP_HOME": str(settings.home),
        "FAPREP_WORKSPACE": settings.workspace,
        "FAPREP_LLM": "openai",
        "FAPREP_LLM_BASE_URL": "http://127.0.0.1:9/v1",
        "FAPREP_LLM_MODEL": "any",
    }
    out = faprep("ask", "How long are entry records kept?", "--json", env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["mode"] == "extractive" and result["citations"]
    assert "language model did not answer" in result["flags"][0] and "answered without it" in result["flags"][0]
    no_model = faprep("ask", "x", env={**env, "FAPREP_LLM_MODEL": ""})
    assert no_model.returncode == 2 and "FAPREP_LLM_MODEL" in no_model.stderr and "Traceback" not in no_model.stderr


def test_eval_meets_its_thresholds_and_beats_the_naive_pipeline(tmp_path):
    """The evaluation gate: a metric below evaluation/thresholds.json fails this test (and CI)."""
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", "--json", "--workdir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=1200,
        env=os.environ,
    )
    assert out.returncode in (0, 1), out.stderr[-2000:]
    result = json.loads(out.stdout)
    assert result["failures"] == [], result["failures"]
    assert out.returncode == 0
    assert result["questions"]["total"] >= 60 and result["questions"]["unanswerable"] >= 5
    ours, naive = result["retrieval"][result["default"]], result["retrieval"]["naive LangChain RAG"]
    assert ours["hit@5"] > naive["hit@5"] and ours["mrr"] > naive["mrr"]
    assert len(result["per_question"]) == result["questions"]["total"]
    assert result["drafts"]["survey"]["questions"] >= 20 and result["drafts"]["rebuttal"]["read"] == 3


def test_draft_survey_json_files_and_bad_input(ingested, tmp_path):
    settings = ingested[0]
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    out = faprep("draft", "survey", "--json", "-o", str(tmp_path / "s.docx"), "-o", str(tmp_path / "s.md"), env=env)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["answers"]) >= 20
    for a in data["answers"]:  # docs/data-formats.md section 5
        assert {"question_id", "question", "answer", "citations", "gaps"} <= set(a)
        for c in a["citations"]:
            keys = (
                {"source", "cite", "paragraph", "quote"} if c["kind"] == "law" else {"source", "page", "ruling_number"}
            )
            assert keys | {"kind", "quote"} <= set(c), c
    assert (tmp_path / "s.docx").stat().st_size > 0 and "## Q1." in (tmp_path / "s.md").read_text()
    for args, message in (
        (["-o", str(tmp_path / "s.pdf")], "must end in .docx, .md or .json"),
        (["--questionnaire", str(tmp_path / "none.docx")], "no such file"),
    ):
        bad = faprep("draft", "survey", *args, env=env)
        said = " ".join(bad.stderr.split())
        assert bad.returncode == 2 and message in said and "Traceback" not in said, bad.stderr


def test_draft_rebuttal_json_and_bad_input(ingested, tmp_path):
    settings, _, folder, truth = ingested
    env = {**os.environ, "FAPREP_HOME": str(settings.home), "FAPREP_WORKSPACE": settings.workspace}
    report = str(folder / truth["draft_report"]["path"])
    out = faprep("draft", "rebuttal", report, "--json", "-o", str(tmp_path / "r.docx"), env=env)
    assert out.returncode == 0, out.stderr
    responses = json.loads(out.stdout)["responses"]
    assert [r["position"] for r in responses] == [f["expected_position"] for f in truth["draft_report"]["findings"]]
    for r in responses:  # docs/data-formats.md section 5
        assert {"finding", "position", "answer", "citations", "checks_run"} <= set(r)
    assert (tmp_path / "r.docx").stat().st_size > 0
    for args, message in (
        ([str(tmp_path / "none.pdf")], "no such file"),
        ([report, "-o", str(tmp_path / "r.txt")], "must end in .docx, .md or .json"),
    ):
        bad = faprep("draft", "rebuttal", *args, env=env)
        said = " ".join(bad.stderr.split())
        assert bad.returncode == 2 and message in said and "Traceback" not in said, bad.stderr


def test_timeline_and_disclosure_from_the_command_line(copy_other_case, tmp_path):
    folder, rows, settings = copy_other_case("northwind-cli")
    env = {
        **os.environ,
        "FAPREP_HOME": str(settings.home),
        "FAPREP_WORKSPACE": settings.workspace,
        "FAPREP_AS_OF": settings.today.isoformat(),
        "COLUMNS": "160",
    }
    assert faprep("ingest", str(folder), env=env).returncode == 0
    mould = next(p for p in rows["payments"] if "mould" in p[7])
    fid = f"undeclared_assist:{mould[0]}"
    added = faprep("timeline", "add", "2025-03-03", "Entrance-Conference", "FA entrance conference", env=env)
    assert added.returncode == 0 and "entrance conference" in added.stdout, added.stderr
    raised = faprep("timeline", "add", "2025-04-01", "cf-28", "Tooling costs", "--finding", fid, env=env)
    assert raised.returncode == 0, raised.stderr
    view = json.loads(faprep("timeline", "--json", env=env).stdout)
    assert [e["kind"] for e in view["events"]] == ["entrance conference", "request for information"]
    assert view["findings"][fid] == [view["events"][1]["id"]]
    future = faprep("timeline", "add", "2099-01-01", "other", "x", env=env)
    assert future.returncode == 2 and "future" in future.stderr and "Traceback" not in future.stderr

    out = faprep("draft", "disclosure", "--finding", fid, "--json", "-o", str(tmp_path / "d.docx"), env=env)
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["knowledge"][0]["raised_by_cbp"] and "2025-04-01" in d["knowledge"][0]["contact"]
    assert d["loss"]["duty"] == round(sum(e["loss"] for e in d["entries"]), 2)
    assert (tmp_path / "d.docx").stat().st_size > 0
    human = faprep("draft", "disclosure", "--finding", fid, env=env)
    assert "presumptively unavailable" in " ".join(human.stdout.split())
    unknown = faprep("draft", "disclosure", "--finding", "royalty_omission:XX-1", env=env)
    assert unknown.returncode == 2 and "XX-1" in unknown.stderr and "Traceback" not in unknown.stderr


def test_law_shelf_commands(tmp_path):
    env = {**os.environ, "FAPREP_HOME": str(tmp_path / "home")}
    shelf = json.loads(faprep("law", "--json", env=env).stdout)
    parts = {(t["source"], t["part"]) for t in shelf["texts"]}
    assert ("19 CFR", "163") in parts and ("19 CFR", "162") in parts and len(shelf["texts"]) >= 18
    assert all(t["sha256"] and t["sections"] > 0 for t in shelf["texts"])
    folder = tmp_path / "not-law"
    folder.mkdir()
    (folder / "memo.txt").write_text("A memo about the holiday party. Nothing regulatory here.")
    refused = faprep("law", "update", str(folder), env=env)
    assert "memo.txt" in refused.stderr and "not regulation text" in refused.stderr
    assert "Traceback" not in refused.stderr
    missing = faprep("law", "update", str(tmp_path / "nowhere"), env=env)
    assert missing.returncode == 2 and "nowhere" in missing.stderr and "Traceback" not in missing.stderr
