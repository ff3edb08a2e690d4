"""The API of a live `faprep serve` on loopback, and the CLI beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx

from tests.support.live import KEY

AUTH = {"Authorization": f"Bearer {KEY}"}


def test_live_server_auth_ask_and_stream(live):
    base, _, _ = live
    assert httpx.get(base + "/api/status").status_code == 401
    assert httpx.get(base + "/api/status", headers={"Authorization": "Bearer nope"}).status_code == 401
    status = httpx.get(base + "/api/status", headers=AUTH).json()
    assert status["tables"]["chunks"] > 100
    r = httpx.post(base + "/api/ask", headers=AUTH, json={"question": "How long are entry records kept?"}, timeout=120)
    assert r.status_code == 200 and r.json()["citations"]
    events = []
    with httpx.stream(
        "POST",
        base + "/api/ask/stream",
        headers=AUTH,
        timeout=120,
        json={"question": "Which parts have inconsistent classifications?"},
    ) as s:
        for line in s.iter_lines():
            if line.startswith("event: "):
                events.append(line.removeprefix("event: "))
            elif line.startswith("data: ") and events[-1] == "done":
                done = json.loads(line.removeprefix("data: "))
    assert events[0] == "status" and events[-1] == "done" and "tool" in events
    assert "hts_inconsistency" in " ".join(done["tools_called"])


def test_live_server_refuses_bad_uploads_and_bad_json(live):
    base, copy, _ = live
    r = httpx.post(base + "/api/ingest", headers=AUTH, files={"files": ("../../outside.txt", b"x", "text/plain")})
    assert r.status_code == 422 and "plain file name" in r.json()["error"]
    assert not (copy.home / "outside.txt").exists() and not (copy.workspace_dir.parent.parent / "outside.txt").exists()
    big = b"x" * (6 * 1024 * 1024)
    r = httpx.post(base + "/api/ingest", headers=AUTH, files={"files": ("big.txt", big, "text/plain")}, timeout=60)
    assert r.status_code == 413 and "limit" in r.json()["error"]
    r = httpx.post(
        base + "/api/ask",
        headers={**AUTH, "Content-Type": "application/json"},
        timeout=60,
        content=(big[i : i + 65536] for i in range(0, len(big), 65536)),
    )  # chunked, no Content-Length
    assert r.status_code == 413 and "limit" in r.json()["error"]
    assert not (copy.workspace_dir / "uploads" / "big.txt").exists()
    r = httpx.post(base + "/api/ask", headers={**AUTH, "Content-Type": "application/json"}, content=b'{"question": ')
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body"
    assert "Traceback" not in r.text


def test_cli_ingest_while_the_server_holds_the_stores_is_refused_clearly(live):
    base, copy, folder = live
    before = httpx.get(base + "/api/status", headers=AUTH).json()["tables"]
    httpx.post(base + "/api/ask", headers=AUTH, json={"question": "What is ruling N361443 about?"}, timeout=120)
    env = {**os.environ, "FAPREP_HOME": str(copy.home), "FAPREP_WORKSPACE": copy.workspace}
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ingest", str(folder / "rulings")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    message = " ".join(proc.stderr.split())
    assert "in use by another faprep process" in message and "Traceback" not in proc.stderr
    after = httpx.get(base + "/api/status", headers=AUTH).json()["tables"]
    assert after == before
    r = httpx.post(base + "/api/ask", headers=AUTH, json={"question": "How long are entry records kept?"}, timeout=120)
    assert r.status_code == 200 and r.json()["citations"]


def test_load_benchmark_smoke(live):
    from evaluation.bench.load_bench import run_load

    base, copy, _ = live
    result = run_load(base, copy.workspace_dir / "audit" / "answers.jsonl", askers=4, seconds=3, key=KEY)
    assert result["errors"] == 0, result["error_samples"]
    assert result["answered"] >= 4 and result["audit_entries_lost"] == 0
    assert result["p95_ms"] >= result["p50_ms"] > 0
