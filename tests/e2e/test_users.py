"""Users, roles and workspaces on a live `faprep serve`: the whole role x route matrix, keys that are
rotated or removed, a workspace not granted, and the activity log of who did what."""

from __future__ import annotations

import json
import shutil

import httpx
import pytest

from evaluation.bench.common import start_server, stop_server
from tests.support.browser import run_viewer_flow
from tests.support.cli import faprep
from tests.support.live import ARTIFACTS

# what a request needs to get past the guard without doing the route's work: a body that fails
# validation (422) or names nothing (404) when the role is allowed
PARAMS = {
    "workspace": "sample",
    "name": "nothing.docx",
    "job_id": "000000000000",
    "path": "nothing.pdf",
    "event_id": "00000000",
}
BODIES = {
    "/ask": {"json": {}},
    "/ask/stream": {"json": {}},
    "/audit": {"json": {}},
    "/ingest": {"files": [("files", ("bad.exe", b"x"))]},
    "/drafts/survey": {"files": [("questionnaire", ("bad.exe", b"x"))]},
    "/drafts/rebuttal": {"files": [("report", ("bad.exe", b"x"))]},
    "/drafts/disclosure": {"json": {}},
    "/timeline": {"json": {}},
}


@pytest.fixture(scope="module")
def people(ingested, tmp_path_factory):
    """A server over two workspaces (``sample``, ingested, and ``other``) with a viewer and a
    preparer granted ``sample`` only, and an admin; no shared key."""
    from assistant.stores.records import Records

    settings, _, folder, _ = ingested
    home = tmp_path_factory.mktemp("people")
    shutil.copytree(settings.workspace_dir, home / "sample", ignore=shutil.ignore_patterns("write.lock"))
    Records(home / "other" / "records.duckdb").close()
    keys = {}
    for name, role, grants in (("vera", "viewer", ["sample"]), ("pat", "preparer", ["sample"]), ("ada", "admin", [])):
        done = faprep(
            "users",
            "add",
            name,
            "--role",
            role,
            *[a for w in grants for a in ("--workspace", w)],
            home=home,
            workspace="sample",
        )
        assert done.returncode == 0, done.stderr
        keys[role] = done.stdout.strip().splitlines()[-1]
    listed = faprep("users", "list", "--json", home=home, workspace="sample")
    assert {u["name"] for u in json.loads(listed.stdout)["users"]} == {"vera", "pat", "ada"}
    assert not any(k in (home / "users.json").read_text() for k in keys.values())
    env = {"FAPREP_AS_OF": str(settings.as_of), "FAPREP_LOGIN_ATTEMPTS": "4", "FAPREP_LOGIN_DELAY_S": "0.05"}
    proc, base = start_server(home, "sample", env, log=home / "serve.log")
    yield base, home, keys, folder
    stop_server(proc)


def _call(base, method, path, key, **kw):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.request(method, base + path, headers=headers, timeout=120, **kw)


def test_every_route_for_every_role(people):
    from assistant.stores.users import rank
    from assistant.web.access import rule_for

    base, _, keys, _ = people
    spec = httpx.get(base + "/openapi.json").json()
    routes = [(m.upper(), p) for p, ops in spec["paths"].items() if p.startswith("/api") for m in ops]
    assert len(routes) >= 27  # every workspace route twice, and the server's own
    for method, template in routes:
        rule = rule_for(method, template.replace("{path}", "{path:path}"))
        assert rule, f"{method} {template} has no rule"  # a new route without a rule fails here
        url = template.format(**PARAMS)
        bare = template.removeprefix("/api").removeprefix("/w/{workspace}")
        assert _call(base, method, url, None, **BODIES.get(bare, {})).status_code == 401, url
        assert _call(base, method, url, "fp_000000000000.wrong", **BODIES.get(bare, {})).status_code == 401, url
        for role, key in keys.items():
            r = _call(base, method, url, key, **BODIES.get(bare, {}))
            if rank(role) >= rank(rule):
                assert r.status_code not in (401, 403), (role, method, url, r.status_code, r.text[:300])
            else:
                assert r.status_code == 403, (role, method, url, r.status_code, r.text[:300])
                assert role in r.json()["error"] and rule in r.json()["error"]


def test_viewer_asks_but_cannot_upload_preparer_can(people):
    base, _, keys, folder = people
    r = _call(base, "POST", "/api/ask", keys["viewer"], json={"question": "How long must entry records be kept?"})
    assert r.status_code == 200 and r.json()["citations"]
    note = folder / "manuals" / "extra-note.txt"
    upload = {
        "files": [("files", ("extra-note.txt", b"Broker reviews are logged weekly by the analyst.", "text/plain"))]
    }
    assert _call(base, "POST", "/api/w/sample/ingest", keys["viewer"], **upload).status_code == 403
    r = _call(base, "POST", "/api/w/sample/ingest", keys["preparer"], **upload)
    assert r.status_code == 202 and r.json()["url"].startswith("/api/w/sample/jobs/")
    assert not note.exists()


def test_a_workspace_not_granted_is_not_there(people):
    base, _, keys, _ = people
    for role in ("viewer", "preparer"):
        for method, path in (("GET", "/api/w/other/status"), ("GET", "/api/w/other/findings")):
            r = _call(base, method, path, keys[role])
            assert r.status_code == 404 and "tables" not in r.text, (role, path)
        seen = _call(base, "GET", "/api/workspaces", keys[role]).json()
        assert seen["workspaces"] == ["sample"]
    assert _call(base, "GET", "/api/w/other/status", keys["admin"]).status_code == 200
    assert set(_call(base, "GET", "/api/workspaces", keys["admin"]).json()["workspaces"]) == {"sample", "other"}
    assert _call(base, "GET", "/api/w/nosuch/status", keys["admin"]).status_code == 404


def test_rotated_and_removed_keys_get_401_at_once(people):
    base, home, _, _ = people
    done = faprep("users", "add", "temp", "--role", "viewer", "--workspace", "sample", home=home, workspace="sample")
    key = done.stdout.strip().splitlines()[-1]
    assert _call(base, "GET", "/api/status", key).status_code == 200
    rotated = faprep("users", "key", "temp", home=home, workspace="sample")
    new = rotated.stdout.strip().splitlines()[-1]
    assert _call(base, "GET", "/api/status", key).status_code == 401
    assert _call(base, "GET", "/api/status", new).status_code == 200
    assert faprep("users", "remove", "temp", home=home, workspace="sample").returncode == 0
    assert _call(base, "GET", "/api/status", new).status_code == 401
    assert (
        faprep("users", "remove", "temp", home=home, workspace="sample").returncode == 2
    )  # a clear message, no traceback


def test_who_did_what_is_logged_and_the_chain_verifies(people):
    base, home, keys, _ = people
    question = "Which parts have inconsistent classifications?"
    assert _call(base, "POST", "/api/ask", keys["viewer"], json={"question": question}).status_code == 200
    assert (
        _call(base, "GET", "/api/w/sample/findings/export", keys["preparer"], params={"format": "md"}).status_code
        == 200
    )
    lines = faprep("log", "--user", "vera", "--json", home=home, workspace="sample").stdout.splitlines()
    asks = [json.loads(x) for x in lines if json.loads(x)["action"] == "ask"]
    assert asks and asks[-1]["inputs"]["question"] == question and asks[-1]["workspace"] == "sample"
    assert asks[-1]["result"]["tools"] or asks[-1]["result"]["citations"]
    exports = [
        json.loads(x)
        for x in faprep("log", "--user", "pat", "--json", home=home, workspace="sample").stdout.splitlines()
    ]
    assert any(e["action"] == "export findings" for e in exports)
    # the CLI's own actions are in the same chain, under the operating-system user
    added = [
        e
        for e in map(json.loads, faprep("log", "--json", home=home, workspace="sample").stdout.splitlines())
        if e["action"] == "users add"
    ]
    assert added and all(e["workspace"] is None for e in added)  # users belong to the home, not a workspace
    ok = faprep("log", "verify", home=home, workspace="sample")
    assert ok.returncode == 0 and "intact" in ok.stdout
    admin_view = _call(base, "GET", "/api/log", keys["admin"], params={"user": "vera"}).json()
    assert admin_view["chain"]["intact"] and all(e["user"] == "vera" for e in admin_view["entries"])
    assert _call(base, "GET", "/api/log", keys["viewer"]).status_code == 403
    # edit one line: verify fails and names it
    path = home / "activity.jsonl"
    original = path.read_text()
    lines = original.splitlines()
    lines[1] = lines[1].replace('"sample"', '"elsewhere"', 1) if '"sample"' in lines[1] else lines[1] + " "
    path.write_text("\n".join(lines) + "\n")
    bad = faprep("log", "verify", home=home, workspace="sample")
    assert bad.returncode == 1 and "line 2" in bad.stderr
    path.write_text(original)


@pytest.mark.browser
def test_a_viewer_signs_in_sees_only_granted_workspaces_and_cannot_export_until_the_key_changes(people):
    base, home, _, _ = people
    added = faprep("users", "add", "vic", "--role", "viewer", "--workspace", "sample", home=home, workspace="sample")
    assert added.returncode == 0, added.stderr

    def rotate():
        assert faprep("users", "key", "vic", home=home, workspace="sample").returncode == 0

    seen = run_viewer_flow(base, "vic", added.stdout.strip().splitlines()[-1], ARTIFACTS, rotate=rotate)
    assert "vic" in seen["signed_in"] and "viewer" in seen["signed_in"]
    assert seen["workspaces"] == ["sample"]
    assert "page 1 of" in seen["caption"]
    assert "vic (viewer)" in seen["refused"]
    assert "key was changed" in seen["after_rotation"]  # the session signed in with the old key ended
    assert seen["signed_out"]


def test_failed_sign_ins_are_slowed_then_refused_per_address(people):
    base, _, keys, _ = people
    with httpx.Client(base_url=base, timeout=30) as client:
        codes = [client.post("/login", data={"username": "vera", "password": "wrong"}).status_code for _ in range(4)]
        assert set(codes) == {400}
        refused = client.post("/login", data={"username": "vera", "password": keys["viewer"]})
        assert refused.status_code == 429 and "try again" in refused.json()["error"]
        assert int(refused.headers["retry-after"]) > 0
