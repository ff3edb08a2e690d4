"""The HTTP API with FastAPI's TestClient over the real stores (model, Chroma, bm25s, DuckDB)."""

from __future__ import annotations

import io
import json
import time

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from assistant.stores.records import Records
from assistant.web.app import create_app
from tests.support.workspace import CORPUS, make_settings, page_texts

KEY = "s3cret-key"
REPORT_KEY = "documents/CBP_FA_Draft_Report.pdf"


@pytest.fixture(scope="module")
def client(ingested):
    settings = ingested[0].model_copy(update={"api_key": SecretStr(KEY)})
    with TestClient(create_app(settings, ui=False)) as c:
        c.headers["Authorization"] = f"Bearer {KEY}"
        yield c


def test_every_api_route_needs_the_key(client):
    for method, url in [
        ("get", "/api/status"),
        ("post", "/api/ask"),
        ("get", "/api/findings"),
        ("post", "/api/audit"),
        ("post", "/api/ingest"),
        ("get", "/api/jobs/abc"),
        ("post", "/api/drafts/survey"),
        ("get", "/api/downloads/x.docx"),
        ("get", "/api/sources/" + REPORT_KEY),
    ]:
        for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"}):
            r = getattr(client, method)(url, headers=headers)
            assert r.status_code == 401, (method, url, headers, r.text)
            assert "key" in r.json()["error"] and r.headers["www-authenticate"] == "Bearer"
    assert client.get("/health", headers={"Authorization": ""}).json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert {
        "/api/ask",
        "/api/ask/stream",
        "/api/ingest",
        "/api/jobs/{job_id}",
        "/api/findings",
        "/api/audit",
        "/api/drafts/survey",
        "/api/drafts/rebuttal",
        "/api/downloads/{name}",
    } <= set(spec["paths"])


def test_ask_answers_with_verbatim_citations_and_keeps_the_session(client, ingested):
    r = client.post("/api/ask", json={"question": "How long are entry records kept?"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "five years" in body["answer"] and body["citations"]
    pages = page_texts(ingested[0])
    for c in body["citations"]:
        if c["kind"] == "law":  # the law beside the manual's rule: quoted from the law shelf
            assert c["cite"].startswith(c["source"]) and c["quote"]
            continue
        assert pages[(c["source"], c["page"])][c["char_start"] : c["char_end"]] == c["quote"]
    follow = client.post("/api/ask", json={"question": "Who tests them?", "session_id": body["session_id"]}).json()
    assert follow["session_id"] == body["session_id"]


def test_a_fact_from_the_records_comes_with_a_record_citation(client, ingested):
    with Records(ingested[0].workspace_dir / "records.duckdb", read_only=True) as rec:
        part, hts, row = rec.con.execute(
            "SELECT part_number, hts, source_row FROM products ORDER BY part_number LIMIT 1"
        ).fetchone()
    body = client.post(
        "/api/ask", json={"question": f"What HTS number is {part} classified under in our product master?"}
    )
    assert body.status_code == 200, body.text
    first = body.json()["citations"][0]
    assert set(first) == {"n", "kind", "source", "rows", "table", "fields", "value", "how"}
    assert first["kind"] == "record" and first["rows"] == [row] and first["value"] == hts
    assert body.json()["answer"].startswith(f"{part} is classified under {hts} in the product master [1]")
    with client.stream(
        "POST", "/api/ask/stream", json={"question": f"What HTS number is {part} classified under?"}
    ) as r:
        events = "".join(r.iter_text())
    assert '"kind": "record"' in events


def test_ask_streams_server_sent_events(client):
    with client.stream("POST", "/api/ask/stream", json={"question": "How long are entry records kept?"}) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        raw = "".join(r.iter_text())
    events = []
    for block in raw.strip().split("\n\n"):
        name, data = block.split("\n", 1)
        events.append((name.removeprefix("event: "), json.loads(data.removeprefix("data: "))))
    names = [n for n, _ in events]
    assert names[0] == "status" and names[-1] == "done" and "delta" in names and "citation" in names
    done = events[-1][1]
    assert "".join(d["text"] for n, d in events if n == "delta") == done["answer"]
    assert [d["n"] for n, d in events if n == "citation"] == [c["n"] for c in done["citations"]]


def test_a_refused_question_ends_the_stream_with_the_same_error_as_the_json_route(client):
    question = {"question": "What is due?", "entry": "nonsense"}
    with client.stream("POST", "/api/ask/stream", json=question) as r:
        blocks = "".join(r.iter_text()).strip().split("\n\n")
    name, data = blocks[-1].split("\n", 1)
    assert [b.split("\n", 1)[0] for b in blocks] == ["event: status", "event: error"]
    error = json.loads(data.removeprefix("data: "))
    plain = client.post("/api/ask", json=question)
    assert error == {"status": plain.status_code, **plain.json()} and error["status"] == 422
    assert error["fields"][0]["field"] == "entry"


def test_bad_requests_are_json_errors_naming_the_field(client):
    r = client.post("/api/ask", content=b"{bad json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "body" and "JSON" in r.json()["error"]
    r = client.post("/api/ask", json={"question": ""})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "question"
    r = client.post("/api/ask", json={"question": "x" * 2001})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "question"
    r = client.post("/api/ask", json={"question": "What is due?", "entry": "nonsense"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "entry"
    r = client.post("/api/ask", json={"question": "What?", "session_id": "../../etc"})
    assert r.status_code == 422 and "session_id" in r.json()["error"]
    r = client.get("/api/findings", params={"severity": "urgent"})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "query.severity"
    r = client.get("/api/findings", params={"check": "no_such_check"})
    assert r.status_code == 422 and "unknown check" in r.json()["error"] and r.json()["fields"][0]["field"] == "check"
    r = client.post("/api/audit", json={"sample": 1})
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "sample"
    for r in (
        client.get("/api/jobs/000000000000"),
        client.get("/api/downloads/nothing.docx"),
        client.get("/api/downloads/..%2F..%2Frecords.duckdb"),
        client.get("/api/nowhere"),
    ):
        assert r.status_code == 404 and "error" in r.json()
        assert "Traceback" not in r.text


def test_findings_and_audit(client, ingested):
    truth = ingested[3]
    body = client.get("/api/findings").json()
    checks = {f["check"] for f in body["findings"]}
    assert {"hts_inconsistency", "undeclared_assist"} <= checks
    assert all(f["evidence"] for f in body["findings"])
    high = client.get("/api/findings", params={"severity": "high"}).json()["findings"]
    assert high and all(f["severity"] == "high" for f in high)
    only = client.get("/api/findings", params=[("check", "hts_inconsistency")]).json()["findings"]
    assert {f["check"] for f in only} == {"hts_inconsistency"}
    assert len(only) == len([e for e in truth["expected_findings"] if e["check"] == "hts_inconsistency"])
    r = client.get("/api/findings/export", params={"format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK" and "spreadsheetml" in r.headers["content-type"]
    audit = client.post("/api/audit", json={"sample": 30, "seed": 3}).json()
    assert audit["sample_size"] == 30 and 0 <= audit["compliance_rate"] <= 1
    assert audit == client.post("/api/audit", json={"sample": 30, "seed": 3}).json()


def test_drafts_and_their_downloads(client):
    r = client.post("/api/drafts/survey")
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["draft"]["answers"]) == 22 and set(body["downloads"]) == {"docx", "md", "json"}
    docx = client.get(body["downloads"]["docx"])
    assert docx.status_code == 200 and docx.content[:2] == b"PK" and "wordprocessingml" in docx.headers["content-type"]
    md = client.get(body["downloads"]["md"]).text
    assert "19 USC 1641" in md or "licensed customs broker" in md
    r = client.post("/api/drafts/rebuttal", data={"document": REPORT_KEY})
    assert r.status_code == 200, r.text
    positions = [x["position"] for x in r.json()["draft"]["responses"]]
    assert positions and set(positions) <= {"agree", "disagree", "partial"}
    r = client.post("/api/drafts/rebuttal")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "report"
    r = client.post("/api/drafts/rebuttal", data={"document": "documents/none.pdf"})
    assert r.status_code == 404
    r = client.post("/api/drafts/rebuttal", files={"report": ("report.exe", b"MZ", "application/octet-stream")})
    assert r.status_code == 422 and "type not accepted" in r.json()["error"]


def test_source_links_open_only_their_file(client, ingested):
    from assistant.services.runtime import WorkspaceRuntime

    server = WorkspaceRuntime(client.app.state.runtime.settings)
    url = "/api/sources/" + REPORT_KEY
    r = client.get(url)
    assert r.status_code == 200 and r.content[:5] == b"%PDF-" and r.headers["content-type"] == "application/pdf"
    token = server.source_token(REPORT_KEY)
    assert client.get(url, params={"t": token}, headers={"Authorization": ""}).status_code == 200
    other = server.source_token("documents/Trade_Compliance_Manual_2025.pdf")
    assert client.get(url, params={"t": other}, headers={"Authorization": ""}).status_code == 401
    assert client.get("/api/sources/documents/none.pdf").status_code == 404


@pytest.fixture
def fresh_client(tmp_path):
    settings = make_settings(tmp_path / "home", "uploads", max_upload_mb=0.05)
    with TestClient(create_app(settings, ui=False)) as c:
        yield c, settings


def _wait(client, job_id: str) -> dict:
    deadline = time.time() + 300
    while time.time() < deadline:
        body = client.get(f"/api/jobs/{job_id}").json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.2)
    raise AssertionError("ingest job did not finish")


def test_upload_ingests_in_the_background_and_reports_rejects(fresh_client, tmp_path):
    client, settings = fresh_client
    ruling = sorted((CORPUS / "rulings").glob("*.txt"))[0]
    bad_csv = b"part_number,hts_number\nKM-1,abc\n"
    r = client.post(
        "/api/ingest",
        files=[
            ("files", (ruling.name, ruling.read_bytes(), "text/plain")),
            ("files", ("products.csv", bad_csv, "text/csv")),
        ],
    )
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["job_id"])
    assert job["status"] == "done" and job["files_total"] == 2 and job["progress"] == 1.0
    by_path = {f["path"]: f for f in job["report"]["files"]}
    assert by_path[ruling.name]["status"] == "ingested" and by_path[ruling.name]["chunks"] > 0
    assert by_path["products.csv"]["status"] in ("rejected", "partial") and by_path["products.csv"]["reason"]
    assert (settings.workspace_dir / "uploads" / ruling.name).is_file()
    status = client.get("/api/status").json()
    assert status["tables"]["chunks"] == by_path[ruling.name]["chunks"]
    # the stores are reopened after the ingest: the new ruling answers questions
    number = ruling.stem
    answer = client.post("/api/ask", json={"question": f"What does ruling {number} say?"}).json()
    assert any(c["source"] == ruling.name for c in answer["citations"])


def test_uploads_refuse_traversal_types_and_size(fresh_client, tmp_path):
    client, settings = fresh_client
    for name in ("../escape.txt", "..\\escape.txt", "/etc/escape.txt", "sub/escape.txt", ".hidden.txt", "a\x00b.txt"):
        r = client.post("/api/ingest", files=[("files", (name, b"text", "text/plain"))])
        assert r.status_code == 422 and "plain file name" in r.json()["error"], (name, r.text)
    assert not (settings.home / "escape.txt").exists() and not (settings.workspace_dir / "escape.txt").exists()
    assert not list(tmp_path.rglob("escape.txt"))
    r = client.post("/api/ingest", files=[("files", ("tool.exe", b"MZ", "application/octet-stream"))])
    assert r.status_code == 422 and "type not accepted" in r.json()["error"]
    big = io.BytesIO(b"x" * int(0.2 * 1024 * 1024))
    r = client.post("/api/ingest", files=[("files", ("big.txt", big, "text/plain"))])
    assert r.status_code == 413 and "limit" in r.json()["error"]
    assert (
        not list((settings.workspace_dir / "uploads").glob("big.txt*"))
        if (settings.workspace_dir / "uploads").exists()
        else True
    )
    r = client.post("/api/ingest")
    assert r.status_code == 422 and r.json()["fields"][0]["field"] == "files"
    # one bad file never loses the others
    good = b"Trade Compliance keeps entry records for five years.\n"
    r = client.post(
        "/api/ingest",
        files=[
            ("files", ("../bad.txt", b"x", "text/plain")),
            ("files", ("notes.txt", good, "text/plain")),
            ("files", ("huge.txt", big.getvalue(), "text/plain")),
        ],
    )
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["files"] == ["notes.txt"]
    assert [(x["file"], x["status"]) for x in body["refused"]] == [("../bad.txt", 422), ("huge.txt", 413)]
    job = _wait(client, body["job_id"])
    assert job["status"] == "done" and job["refused"] == body["refused"]
    assert job["report"]["files"][0]["path"] == "notes.txt" and job["report"]["files"][0]["status"] == "ingested"


def test_questions_before_any_ingest_are_a_clear_conflict(fresh_client):
    client, _ = fresh_client
    r = client.post("/api/ask", json={"question": "How long are records kept?"})
    assert r.status_code == 409 and "faprep ingest" in r.json()["error"]
    assert client.get("/api/findings").status_code == 409


def test_request_bodies_over_the_limit_are_refused_before_parsing(tmp_path):
    settings = make_settings(tmp_path / "home", "limits", max_request_mb=0.1)
    body = b"x" * int(0.3 * 1024 * 1024)
    with TestClient(create_app(settings, ui=False)) as client:
        r = client.post("/api/ingest", files=[("files", ("big.txt", body, "text/plain"))])
        assert r.status_code == 413 and "FAPREP_MAX_REQUEST_MB" in r.json()["error"]

        def chunked():  # no Content-Length: counted as it arrives
            for i in range(0, len(body), 16384):
                yield body[i : i + 16384]

        r = client.post("/api/ask", content=chunked(), headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and "FAPREP_MAX_REQUEST_MB" in r.json()["error"]
        assert "content-length" not in {k.lower() for k in r.request.headers}
        assert client.post("/api/ask", json={"question": "small"}).status_code == 409  # under the limit: served
    assert not (settings.workspace_dir / "uploads").exists()
