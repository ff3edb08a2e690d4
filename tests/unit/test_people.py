"""Users, keys and the hash-chained activity log, on real files."""

from __future__ import annotations

import json

import pytest

from assistant.errors import BadInput
from assistant.stores.activity import ActivityLog
from assistant.stores.users import Users, split_key


def test_keys_are_shown_once_and_stored_only_as_salted_hashes(tmp_path):
    users = Users(tmp_path)
    dana, key = users.add("dana", "preparer", ["acme", "globex"], "2026-12-01T10:00:00+00:00")
    assert split_key(key) and dana.role == "preparer" and dana.workspaces == ["acme", "globex"]
    stored = (tmp_path / "users.json").read_text()
    assert key not in stored and split_key(key)[1] not in stored and "scrypt$" in stored
    assert (tmp_path / "users.json").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert users.by_key(key).name == "dana"
    # a second key of the same shape, or a changed secret, is nobody's
    key_id, secret = split_key(key)
    assert users.by_key(f"fp_{key_id}.{secret[:-1]}x") is None and users.by_key("fp_nope.nope") is None
    assert users.by_key("not a key") is None and users.by_key(None) is None
    # the same secret twice gets two different hashes (salted)
    _, other = users.add("eli", "viewer", [], "2026-12-01T10:00:00+00:00")
    hashes = [u["key_hash"] for u in json.loads((tmp_path / "users.json").read_text())["users"]]
    assert len(set(hashes)) == 2 and users.by_key(other).name == "eli"


def test_rotating_or_removing_stops_the_old_key_at_once_even_in_another_process_view(tmp_path):
    users, elsewhere = Users(tmp_path), Users(tmp_path)  # the server's view and the CLI's
    _, old = users.add("dana", "viewer", ["acme"], "t")
    assert elsewhere.by_key(old).name == "dana"  # verified and cached there
    new = users.rotate("dana", "t2")
    assert elsewhere.by_key(old) is None and elsewhere.by_key(new).name == "dana"
    users.remove("dana")
    assert elsewhere.by_key(new) is None and elsewhere.get("dana") is None


@pytest.mark.parametrize(
    "name, role, why",
    [("dana", "owner", "unknown role"), ("../x", "viewer", "user name"), ("", "viewer", "user name")],
)
def test_bad_users_are_refused_by_field(tmp_path, name, role, why):
    with pytest.raises(BadInput, match=why):
        Users(tmp_path).add(name, role, [], "t")


def test_a_user_added_twice_or_unknown_is_a_clear_message(tmp_path):
    users = Users(tmp_path)
    users.add("dana", "viewer", [], "t")
    with pytest.raises(BadInput, match="already exists"):
        users.add("dana", "admin", [], "t")
    with pytest.raises(BadInput, match="no user 'bo'"):
        users.rotate("bo", "t")


def _log(tmp_path, n=5) -> ActivityLog:
    log = ActivityLog(tmp_path / "activity.jsonl")
    for i in range(n):
        log.append(f"user{i % 2}", "acme", "ask", {"question": f"question {i}?"})
    return log


def test_an_untouched_chain_verifies(tmp_path):
    log = _log(tmp_path)
    checked, last, problem = log.verify()
    assert checked == 5 and problem is None and last == log.entries()[-1]["hash"]
    assert [e["seq"] for e in log.entries()] == [1, 2, 3, 4, 5]
    assert all(e["prev"] == p["hash"] for p, e in zip(log.entries(), log.entries()[1:]))


@pytest.mark.parametrize("line", [1, 3, 5])
def test_any_single_edited_line_is_named(tmp_path, line):
    log = _log(tmp_path)
    lines = log.path.read_text().splitlines()
    lines[line - 1] = lines[line - 1].replace("question", "QUESTION")
    log.path.write_text("\n".join(lines) + "\n")
    _, _, problem = log.verify()
    assert problem is not None and problem.line == line and "changed" in problem.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_line(tmp_path):
    from assistant.stores.activity import _digest

    log = _log(tmp_path)
    entries = log.entries()
    body = {k: v for k, v in entries[1].items() if k != "hash"} | {"user": "someone else"}
    entries[1] = body | {"hash": _digest(body["prev"], body)}
    log.path.write_text("".join(json.dumps(e) + "\n" for e in entries))
    assert log.verify()[2].line == 3


def test_removed_and_reordered_lines_are_named(tmp_path):
    log = _log(tmp_path)
    lines = log.path.read_text().splitlines()
    log.path.write_text("\n".join(lines[:2] + lines[3:]) + "\n")
    assert log.verify()[2].line == 3
    log.path.write_text("\n".join([lines[0], lines[2], lines[1], *lines[3:]]) + "\n")
    assert log.verify()[2].line == 2
    log.path.write_text("\n".join(lines[:2] + ["not json"] + lines[3:]) + "\n")
    assert log.verify()[2].line == 3


def test_concurrent_appends_keep_one_chain(tmp_path):
    import threading

    log = ActivityLog(tmp_path / "activity.jsonl")
    threads = [
        threading.Thread(target=lambda n=n: [log.append(f"u{n}", "w", "ask", {"i": i}) for i in range(25)])
        for n in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    checked, _, problem = log.verify()
    assert checked == 200 and problem is None


def test_a_cut_off_tail_is_caught_only_with_an_anchor_kept_elsewhere(tmp_path):
    import os
    import subprocess
    import sys

    log = _log(tmp_path)
    _, anchor, _ = log.verify()
    log.append("user0", "acme", "ask", {"question": "after the anchor?"})
    assert log.seq_of(anchor) == 5 and log.seq_of(anchor[:16]) == 5 and log.seq_of(anchor[:8]) is None
    env = {**os.environ, "FAPREP_HOME": str(tmp_path)}

    def verify(*args):
        return subprocess.run(
            [sys.executable, "-m", "assistant", "log", "verify", *args], env=env, capture_output=True, text=True
        )

    ok = verify("--anchor", anchor)
    assert ok.returncode == 0 and "entry 5 is still there" in ok.stdout
    lines = log.path.read_text().splitlines()
    log.path.write_text("\n".join(lines[:3]) + "\n")  # the last three entries cut off together
    assert log.verify()[2] is None  # the chain alone cannot tell
    cut = verify("--anchor", anchor)
    assert cut.returncode == 1 and "cut off" in cut.stderr
