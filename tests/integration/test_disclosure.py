"""The prior disclosure draft (19 CFR 162.74) and the FA timeline, over the API, on an importer faprep has
not seen (tests/support/other_case.py). The amounts expected are computed here from the rows the case
wrote, not read back from the checks."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from docx import Document
from fastapi.testclient import TestClient

from ingest.pipeline import ingest_paths

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def northwind(copy_other_case):
    folder, rows, settings = copy_other_case("northwind-disclosure")
    report = ingest_paths(settings, [folder])
    assert report.ok, [(f.path, f.message) for f in report.files if f.message]
    from assistant.web.app import create_app

    with TestClient(create_app(settings, ui=False)) as client:
        yield client, rows, settings


def _entry_rows(rows: dict) -> list[dict]:
    return rows["entries"]


def _findings(client) -> dict[str, dict]:
    r = client.get("/api/findings")
    assert r.status_code == 200, r.text
    return {f["id"]: f for f in r.json()["findings"]}


def _payment(rows: dict, memo_word: str) -> tuple:
    return next(p for p in rows["payments"] if memo_word in p[7])


def _assist_expectation(rows: dict, payment: tuple) -> tuple[dict[str, float], float]:
    """Every line of the payment's part summarized on or after the payment: the assist apportioned to each
    entry by line value, and the duty at stake (assist x all duty / value of those lines)."""
    pid, day, *_rest = payment
    part, amount = payment[8], payment[5]
    lines = [r for r in _entry_rows(rows) if r["part"] == part and r["date"] >= day]
    value = sum(r["value"] for r in lines if r["ordinal"] == 1)
    duty = sum(r["duty"] for r in lines)
    per_entry: dict[str, float] = defaultdict(float)
    for r in lines:
        if r["ordinal"] == 1:
            per_entry[r["entry"]] += amount * r["value"] / value
    return dict(per_entry), round(amount * duty / value, 2)


def test_an_assist_is_disclosed_on_every_entry_it_affects_and_the_loss_adds_up(northwind):
    client, rows, _settings = northwind
    mould = _payment(rows, "mould")
    fid = f"undeclared_assist:{mould[0]}"
    found = _findings(client)
    assert fid in found, sorted(found)
    added, duty_at_stake = _assist_expectation(rows, mould)

    r = client.post("/api/drafts/disclosure", json={"findings": [fid]})
    assert r.status_code == 200, r.text
    d = r.json()["draft"]
    assert d["findings"] == [fid]
    entries = {e["entry"]: e for e in d["entries"]}
    assert set(entries) == set(added), "every entry of the part after the payment, not a sample"
    for entry, value in added.items():
        assert entries[entry]["added_value"] == pytest.approx(value, abs=0.02), entry
        assert entries[entry]["date"] and entries[entry]["lines"]
    assert sum(e["added_value"] for e in d["entries"]) == pytest.approx(mould[5], abs=0.001)
    assert d["loss"]["duty"] == pytest.approx(duty_at_stake, abs=0.01)
    assert d["loss"]["duty"] == pytest.approx(found[fid]["amount_at_risk"], abs=0.001)
    assert d["loss"]["duty"] == pytest.approx(sum(e["loss"] for e in d["entries"]), abs=0.001)
    assert d["loss"]["total"] == pytest.approx(d["loss"]["duty"] + d["loss"]["fees"], abs=0.001)
    assert d["loss"]["fees"] > 0  # the merchandise processing fee on the value added
    # this importer's ES-003 export has no port column: (b)(2) is then not wholly from the records, a blank says so
    assert all(d["elements"][f"162.74(b)({i})"] for i in (1, 3, 4)), d["elements"]
    assert d["elements"]["162.74(b)(2)"] is False
    assert any("port of entry" in b and str(len(entries)) in b for b in d["blanks"]), d["blanks"]
    assert mould[8] in d["merchandise"]
    assert {c["cite"] for c in d["citations"]} >= {"19 CFR 162.74(b)", "19 CFR 162.74(c)", "19 CFR 162.74(e)(1)"}
    for url in r.json()["downloads"].values():
        assert client.get(url).status_code == 200


def test_a_royalty_and_an_assist_together_add_up_per_entry(northwind):
    client, rows, _settings = northwind
    found = _findings(client)
    royalties = [f for f in found.values() if f["check"] == "royalty_omission" and f["amount_at_risk"]]
    assert royalties, "the case's brand royalties are found"
    mould = f"undeclared_assist:{_payment(rows, 'mould')[0]}"
    ids = [mould, *(f["id"] for f in royalties)]
    d = client.post("/api/drafts/disclosure", json={"findings": ids}).json()["draft"]
    assert d["loss"]["duty"] == pytest.approx(sum(found[i]["amount_at_risk"] for i in ids), abs=0.001)
    assert d["loss"]["duty"] == pytest.approx(sum(e["loss"] for e in d["entries"]), abs=0.001)
    for f in royalties:
        mine = [e for e in d["entries"] if f["id"] in e["findings"]]
        assert {e["entry"] for e in mine} == set(f["entries"])
        payment = next(p for p in f["evidence_rows"] if "payment_id" in p)
        line = next(t for t in d["true_information"] if t.startswith(f["title"]))
        assert "apportioned" in line and f"${payment['amount']:,.2f}" in line
    assert [v["finding"] for v in d["violations"]] == ids
    assert all(v["how_and_when"] for v in d["violations"])


def test_a_finding_cbp_raised_on_the_timeline_gets_the_warning(northwind):
    client, rows, settings = northwind
    mould = _payment(rows, "mould")
    fid = f"undeclared_assist:{mould[0]}"
    royalty = next(
        f["id"] for f in _findings(client).values() if f["check"] == "royalty_omission" and f["amount_at_risk"]
    )
    before = (settings.today - dt.timedelta(days=30)).isoformat()
    r = client.post(
        "/api/timeline",
        json={"date": before, "kind": "CF-28", "text": f"Request for the production costs of part {mould[8]}"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["added"]["kind"] == "request for information"
    closing = (settings.today - dt.timedelta(days=10)).isoformat()
    client.post("/api/timeline", json={"date": closing, "kind": "Closing Conference", "text": "Preliminary results"})
    view = client.get("/api/timeline").json()
    report = next(c for c in view["clocks"] if c["rule"].endswith("163.11(a)(5)"))
    assert report["due"] == (dt.date.fromisoformat(closing) + dt.timedelta(days=90)).isoformat()

    r = client.post("/api/drafts/disclosure", json={"findings": [fid, royalty]})
    assert r.status_code == 200, r.text
    d = r.json()["draft"]
    known = {k["finding"]: k for k in d["knowledge"]}
    assert known[fid]["raised_by_cbp"] is True and before in known[fid]["contact"]
    assert "162.74(i)" in known[fid]["why"]
    assert known[royalty]["raised_by_cbp"] is False and known[royalty]["contact"] is None
    md = client.get(client.post("/api/drafts/disclosure", json={"findings": [fid]}).json()["downloads"]["md"]).text
    assert "Warning" in md and "presumptively unavailable" in md


def test_the_letter_has_each_element_and_highlights_the_blanks(northwind):
    client, rows, _settings = northwind
    fid = f"undeclared_assist:{_payment(rows, 'mould')[0]}"
    downloads = client.post("/api/drafts/disclosure", json={"findings": [fid]}).json()["downloads"]
    md = client.get(downloads["md"]).text
    for heading in ("162.74(b)(1)", "162.74(b)(2)", "162.74(b)(3)", "162.74(b)(4)", "162.74(c)", "162.74(i)"):
        assert heading in md, heading
    assert "PRIOR DISCLOSURE" in md and "within 30 days" in md and "19 USC 1641" in md
    doc = Document(io.BytesIO(client.get(downloads["docx"]).content))
    highlighted = [r.text for p in doc.paragraphs for r in p.runs if r.font.highlight_color]
    assert highlighted and all(t == "[to be completed]" for t in highlighted)


def test_bad_input_names_the_finding_or_the_date(northwind):
    client, _rows, settings = northwind
    found = _findings(client)
    no_duty = next(f["id"] for f in found.values() if f["amount_at_risk"] is None)
    for body, word in [
        ({"findings": ["undeclared_assist:NOPE-1"]}, "NOPE-1"),
        ({"findings": ["no_such_check:1"]}, "no_such_check"),
        ({"findings": [no_duty]}, "no duty effect"),
        ({"findings": []}, "finding"),
    ]:
        r = client.post("/api/drafts/disclosure", json=body)
        assert r.status_code in (400, 404, 422), (body, r.text)
        assert word in r.json()["error"], (body, r.text)
    tomorrow = (settings.today + dt.timedelta(days=1)).isoformat()
    for body, word in [
        ({"date": tomorrow, "kind": "other", "text": "x"}, "future"),
        ({"date": "2025-02-30", "kind": "other", "text": "x"}, "not a date"),
        ({"date": "2025-02-03", "kind": "meeting", "text": "x"}, "kind"),
        ({"date": "2025-02-03", "kind": "other", "text": "x", "findings": ["nope"]}, "nope"),
    ]:
        r = client.post("/api/timeline", json=body)
        assert r.status_code in (400, 422), (body, r.text)
        assert word in r.json()["error"], (body, r.text)


def test_entries_older_than_five_years_are_left_out_and_said(northwind):
    from assistant.drafting.disclosure import draft_disclosure

    client, rows, settings = northwind
    mould = _payment(rows, "mould")
    fid = f"undeclared_assist:{mould[0]}"
    later = settings.model_copy(update={"as_of": dt.date(2029, 3, 1)})  # five years back: 2024-03-01
    d = draft_disclosure(later, [fid])
    old = {r["entry"] for r in _entry_rows(rows) if r["part"] == mould[8] and mould[1] <= r["date"] < "2024-03-01"}
    assert old, "the case has an entry of the part in the first months after the payment"
    assert not old & {e.entry for e in d.entries}
    assert any("19 USC 1621" in f and all(e in f for e in old) for f in d.flags), d.flags
    assert d.loss["duty"] == pytest.approx(sum(e.loss for e in d.entries), abs=0.001)
