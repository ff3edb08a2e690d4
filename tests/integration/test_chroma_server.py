"""faprep against a real Chroma server (`chroma run`), as a multi-user deployment runs it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.workspace import make_settings

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    if not CHROMA.exists():
        pytest.skip("the chroma CLI is not installed in this environment")
    port = _free_port()
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start listening within 60 s")
    yield port
    proc.terminate()
    proc.wait(timeout=30)


def test_ingest_into_a_chroma_server(chroma_server, sample_case, tmp_path):
    import chromadb

    from assistant.stores.embeddings import get_embedder
    from assistant.stores.records import Records
    from assistant.stores.vectors import VectorStore
    from ingest.pipeline import ingest_paths

    folder, _ = sample_case
    case = tmp_path / "case"
    for name in ("rulings/N361443.txt", "rulings/N360066.txt", "documents/Trade_Compliance_Manual_2025.pdf"):
        (case / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / name, case / name)
    settings = make_settings(tmp_path / "home", "server", chroma_host="127.0.0.1", chroma_port=chroma_server)
    report = ingest_paths(settings, [case])
    assert report.ok and report.totals()["chunks"] > 3
    store = VectorStore(settings)
    assert store.count() == report.totals()["chunks"] and "chroma server" in store.location
    # the vectors live in the server, not in the workspace
    assert not (settings.workspace_dir / "chroma").exists()
    client = chromadb.HttpClient(host="127.0.0.1", port=chroma_server)
    assert any(c.name == store.collection.name for c in client.list_collections())
    hits = store.query(get_embedder(settings).embed_query("plastic alphabet letter charms classification"), k=3)
    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        paths = {rec.con.execute("SELECT path FROM chunks WHERE chunk_id = ?", [cid]).fetchone()[0] for cid, _ in hits}
    assert "rulings/N361443.txt" in paths
    again = ingest_paths(settings, [case])
    assert again.totals()["skipped"] == 3 and store.count() == report.totals()["chunks"]
    assert store.collection.configuration_json["hnsw"]["ef_search"] == settings.hnsw_ef_search

    # questions through the API, answered from the server's vectors
    from fastapi.testclient import TestClient

    from assistant.web.app import create_app

    with TestClient(create_app(settings, ui=False)) as api:
        body = api.post("/api/ask", json={"question": "How long are entry records kept?"}).json()
        assert "five years" in body["answer"]
        assert body["citations"][0]["source"] == "documents/Trade_Compliance_Manual_2025.pdf"
        upload = api.post(
            "/api/ingest", files={"files": ("N360066-copy.txt", (case / "rulings/N360066.txt").read_bytes())}
        )
        assert upload.status_code == 202
        deadline = time.time() + 300
        while (job := api.get(upload.json()["url"]).json())["status"] in (
            "queued",
            "running",
        ) and time.time() < deadline:
            time.sleep(0.2)
        assert job["status"] == "done" and job["report"]["totals"]["chunks"] > 0
    assert store.count() == report.totals()["chunks"] + job["report"]["totals"]["chunks"]


def test_unreachable_server_is_a_message_not_a_traceback(sample_case, tmp_path):
    folder, _ = sample_case
    env = {
        **os.environ,
        "FAPREP_HOME": str(tmp_path),
        "FAPREP_CHROMA_HOST": "127.0.0.1",
        "FAPREP_CHROMA_PORT": str(_free_port()),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(folder / "rulings" / "N361443.txt")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2 and "cannot reach the Chroma server" in proc.stderr and "Traceback" not in proc.stderr
