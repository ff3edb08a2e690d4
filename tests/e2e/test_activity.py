"""One action, one activity entry, whatever the interface: the same question, check run and mock audit
made through the CLI, the API and the UI (driven through Gradio's own client, as the browser does)
leave entries that differ only in who made them, how and when."""

from __future__ import annotations

import httpx
from gradio_client import Client

from assistant.stores.activity import ActivityLog
from tests.support.cli import faprep
from tests.support.live import KEY

QUESTION = "How much duty did we pay in 2024?"
WHO = {"seq", "time", "user", "via", "source", "prev", "hash"}  # what tells the interfaces apart


def _entries(home, start: int) -> list[dict]:
    return ActivityLog(home / "activity.jsonl").entries()[start:]


def test_each_action_is_logged_alike_by_the_cli_the_api_and_the_ui(live):
    base, settings, _ = live
    home = settings.home
    before = len(ActivityLog(home / "activity.jsonl").entries())

    env = {"FAPREP_AS_OF": str(settings.as_of)}
    for args in (("ask", QUESTION), ("check", "--severity", "high"), ("audit", "--sample", "10", "--seed", "2")):
        done = faprep(*args, home=home, workspace=settings.workspace, env={**_env(), **env})
        assert done.returncode == 0, done.stderr
    cli = _entries(home, before)

    auth = {"Authorization": f"Bearer {KEY}"}
    assert httpx.post(base + "/api/ask", headers=auth, json={"question": QUESTION}, timeout=120).status_code == 200
    assert httpx.get(base + "/api/findings", headers=auth, params={"severity": "high"}, timeout=120).is_success
    assert httpx.post(base + "/api/audit", headers=auth, json={"sample": 10, "seed": 2}, timeout=120).is_success
    api = _entries(home, before + len(cli))

    ui = Client(base + "/", auth=("tester", KEY), verbose=False)
    ui.predict(QUESTION, [], None, api_name="/respond")
    ui.predict("high", api_name="/run")
    ui.predict(10, 2, api_name="/audit")
    web = _entries(home, before + len(cli) + len(api))

    assert [e["action"] for e in cli] == [e["action"] for e in api] == [e["action"] for e in web]
    assert [e["action"] for e in cli] == ["ask", "check", "mock audit"]
    for c, a, w in zip(cli, api, web):
        same = [{k: v for k, v in e.items() if k not in WHO} for e in (c, a, w)]
        assert same[0] == same[1] == same[2], same
        assert c["user"].startswith("cli:") and "via" not in c
        assert a["user"] == "admin" and a["via"] == "admin-key"
        assert w["user"] == "tester" and w["via"] == "ui/admin-key"
    ask = cli[0]
    assert ask["inputs"] == {"question": QUESTION} and ask["result"]["citations"]
    assert cli[1]["inputs"] == {"severity": "high"} and cli[1]["findings"] > 0
    assert cli[2]["inputs"] == {"sample": 10, "seed": 2, "strata": 3}


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("FAPREP_")}
