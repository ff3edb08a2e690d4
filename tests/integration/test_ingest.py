"""Ingest for real: the embedding model, embedded Chroma, DuckDB, PDFs made here."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.stores.lexical import LexicalIndex
from assistant.stores.records import Records
from assistant.stores.vectors import VectorStore
from ingest.pipeline import ingest_paths
from tests.support.workspace import make_settings


def _counts(settings):
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        counts = rec.table_counts()
        counts["identifiers"] = rec.con.execute("SELECT count(*) FROM identifiers").fetchone()[0]
        counts["dup_chunks"] = rec.con.execute(
            "SELECT count(*) FROM (SELECT path, char_start, page FROM chunks GROUP BY ALL HAVING count(*) > 1)"
        ).fetchone()[0]
    counts["vectors"] = VectorStore(settings).count()
    counts["lexical"] = len(LexicalIndex(settings.workspace_dir / "lexical").indexed_ids())
    return counts


def test_sample_case_ingested(ingested):
    settings, report, folder, truth = ingested
    assert report.ok, [f for f in report.files if f.status != "ingested"]
    t = report.totals()
    assert t["rejected"] == 0 and t["rows"] > 600
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        con = rec.con
        assert con.execute("SELECT count(*) FROM entry_lines").fetchone()[0] == truth["counts"]["es003_rows"]
        kinds = dict(con.execute("SELECT kind, count(*) FROM documents GROUP BY kind").fetchall())
        n = truth["counts"]["entries_in_retention"]
        assert (
            kinds["commercial_invoice"] == n - 1 and kinds["packing_list"] == n - 2 and kinds["entry_summary"] == n - 1
        )
        assert kinds["compliance_manual"] == 1 and kinds["broker_instructions"] == 1 and kinds["fa_draft_report"] == 1
        assert kinds["ruling"] == len(list((folder / "rulings").glob("*.txt")))
        # every chunk fits the model and is a verbatim span of its page
        assert con.execute("SELECT max(n_tokens) FROM chunks").fetchone()[0] <= 254
        bad = con.execute(
            "SELECT count(*) FROM chunks c JOIN pages p ON p.path = c.path AND p.page IS NOT DISTINCT FROM c.page "
            "WHERE substr(p.text, c.char_start + 1, c.char_end - c.char_start) <> c.text"
        ).fetchone()[0]
        assert bad == 0
        # rulings keep number, date and tariff numbers
        assert con.execute("SELECT tariff_numbers FROM rulings WHERE ruling_number = 'N361443'").fetchone()[0] == [
            "3926.40.0090"
        ]
        # invoices are linked to their entry through the invoice number, 7501s through the entry number
        links = con.execute(
            "SELECT d.kind, count(DISTINCT de.entry_number) FROM document_entries de JOIN documents d USING (path) "
            "GROUP BY d.kind"
        ).fetchall()
        links = dict(links)
        assert links["commercial_invoice"] >= n - 1 and links["entry_summary"] == n - 1
    counts = _counts(settings)
    assert counts["vectors"] == counts["chunks"] == counts["lexical"] and counts["dup_chunks"] == 0


def test_chunk_metadata_in_chroma_carries_provenance(ingested):
    settings = ingested[0]
    got = VectorStore(settings).collection.get(where={"kind": "ruling"}, limit=500, include=["metadatas"])
    metas = [m for m in got["metadatas"] if m.get("ruling_number") == "N361443"]
    assert metas and all(m["path"] == "rulings/N361443.txt" and m["char_end"] > m["char_start"] for m in metas)
    assert any("|3926.40.0090|" in m.get("htss", "") for m in metas)


def _small_case(tmp: Path, sample: Path) -> Path:
    case = tmp / "small"
    (case / "rulings").mkdir(parents=True)
    for name in ("products.csv", "payments.csv"):
        shutil.copy(sample / name, case / name)
    for name in sorted(p.name for p in (sample / "rulings").glob("*.txt"))[:4]:
        shutil.copy(sample / "rulings" / name, case / "rulings" / name)
    shutil.copy(sample / "documents" / "Trade_Compliance_Manual_2025.pdf", case / "manual.pdf")
    return case


def test_idempotent_incremental_and_prune(sample_case, tmp_path):
    case = _small_case(tmp_path, sample_case[0])
    settings = make_settings(tmp_path / "home", "small")
    first = ingest_paths(settings, [case])
    assert first.ok and len(first.by_status("ingested")) == 7 and first.lexical == "rebuilt"
    before = _counts(settings)
    assert before["lexical"] == before["chunks"]

    t0 = time.perf_counter()
    second = ingest_paths(settings, [case])
    assert len(second.by_status("skipped")) == 7 and not second.by_status("ingested")
    assert second.lexical == "unchanged"
    assert _counts(settings) == before
    assert time.perf_counter() - t0 < max(2.0, first.seconds / 5)

    # a changed ruling replaces its chunks; a changed CSV its rows
    ruling = sorted((case / "rulings").glob("*.txt"))[0]
    ruling.write_text(ruling.read_text() + "\nAddendum: see also HL7-0101234-5.\n")
    with (case / "products.csv").open("a") as fh:
        fh.write("KM-9999,Test part,3924.90.5650,CN,,,QA,01/01/2025\n")
    third = ingest_paths(settings, [case])
    assert sorted(f.path for f in third.by_status("ingested")) == ["products.csv", f"rulings/{ruling.name}"]
    after = _counts(settings)
    assert after["products"] == before["products"] + 1
    assert after["dup_chunks"] == 0 and after["vectors"] == after["chunks"] == after["lexical"]
    # the lexical index took only the changed ruling's chunks as a new segment
    assert third.lexical == "updated"
    index = LexicalIndex(settings.workspace_dir / "lexical")
    assert index.summary()["segments"] == 2
    top = index.search("HL7-0101234-5 addendum", k=1)
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        assert (
            rec.con.execute("SELECT path FROM chunks WHERE chunk_id = ?", [top[0][0]]).fetchone()[0]
            == f"rulings/{ruling.name}"
        )
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        assert (
            rec.con.execute(
                "SELECT count(*) FROM identifiers WHERE id_kind = 'entry' AND value = 'HL7-0101234-5'"
            ).fetchone()[0]
            == 1
        )

    # a deleted file goes with --prune, rows, chunks and vectors alike
    (case / "manual.pdf").unlink()
    (case / "payments.csv").unlink()
    fourth = ingest_paths(settings, [case], prune=True)
    assert sorted(f.path for f in fourth.by_status("pruned")) == ["manual.pdf", "payments.csv"]
    final = _counts(settings)
    assert final["payments"] == 0 and final["documents"] == before["documents"] - 1
    assert final["vectors"] == final["chunks"] == final["lexical"] < after["chunks"]


def test_bad_inputs_reported_good_ones_ingested(tmp_path, pdf_writer, sample_case):
    case = tmp_path / "bad"
    case.mkdir()
    pdf_writer(case / "good.pdf", [["# COMMERCIAL INVOICE", "Invoice No.: INV-77 for part KM-1"]])
    (case / "empty.pdf").write_bytes(b"")
    (case / "random.pdf").write_bytes(os.urandom(3000))
    data = (case / "good.pdf").read_bytes()
    (case / "truncated.pdf").write_bytes(data[: len(data) // 2])
    (case / "wrong_headers.csv").write_text("name,age\nbob,3\n")
    shutil.copy(sample_case[0] / "products.csv", case / "products.csv")
    (case / "payments.csv").write_text(
        "Payment ID,Payment Date,Amount\nP1,01/02/2024,$10.00\nP2,31/02/2024,$5\nP3,01/03/2024,lots\n"
    )
    (case / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # an image is read by OCR: this one is broken
    (case / "setup.exe").write_bytes(b"MZ\x90\x00")
    env = {**os.environ, "FAPREP_HOME": str(tmp_path / "home"), "FAPREP_WORKSPACE": "bad"}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(case), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    report = {f["path"]: f for f in json.loads(proc.stdout)["files"]}
    assert report["good.pdf"]["status"] == "ingested" and report["products.csv"]["status"] == "ingested"
    assert report["empty.pdf"]["reason"] == "the file is empty"
    assert report["random.pdf"]["status"] == "rejected" and report["truncated.pdf"]["status"] == "rejected"
    assert "not recognised" in report["wrong_headers.csv"]["reason"]
    assert "not a readable image" in report["photo.jpg"]["reason"]
    assert "unsupported file type '.exe'" in report["setup.exe"]["reason"]
    pay = report["payments.csv"]
    assert pay["status"] == "partial" and pay["rows"] == 1
    assert [(r["row"], r["field"]) for r in pay["row_rejects"]] == [(2, "Payment Date"), (3, "Amount")]
    # the human-readable report names file, row and reason too
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(case)], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "payments.csv" in proc.stdout and "Payment Date" in proc.stdout and "encrypted" not in proc.stdout


def test_interrupted_ingest_finishes_on_rerun_with_exact_counts(sample_case, ingested, tmp_path):
    folder = sample_case[0]
    home = tmp_path / "home"
    env = {**os.environ, "FAPREP_HOME": str(home), "FAPREP_WORKSPACE": "kill"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "ingest", str(folder), "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    chroma = home / "kill" / "chroma"
    deadline = time.time() + 240
    # kill once vectors are being written (Chroma created its vector segment directory)
    while time.time() < deadline and proc.poll() is None:
        if chroma.exists() and any(p.is_dir() for p in chroma.iterdir()):
            break  # at once: with the fused embedding graph a second was the rest of this small case's ingest
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    settings = make_settings(home, "kill")
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        done = rec.con.execute("SELECT count(*) FROM files WHERE status = 'done'").fetchone()[0]
    total_docs = ingested[1].totals()["files"]
    assert done < total_docs  # it really was cut off mid-run

    rerun = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(folder), "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert json.loads(rerun.stdout)["totals"]["skipped"] > 0
    got, want = _counts(settings), _counts(ingested[0])
    assert got == want
