"""The web UI in a real browser: Playwright driving Debian's Chromium against a live `faprep serve`.

Screenshots are saved under test-artifacts/ (ui-*.png). `make test` installs Chromium where it can; where
/usr/bin/chromium is still missing the test is skipped and says so, and under CI it fails
(tests/e2e/conftest.py).
"""

from __future__ import annotations

import pytest

from tests.support.browser import run_flow
from tests.support.live import ARTIFACTS, KEY
from tests.support.workspace import CORPUS


@pytest.mark.browser
def test_upload_ask_cite_and_download_a_draft_in_the_browser(live):
    import docx

    base, _, folder = live
    have = {p.name for p in (folder / "rulings").glob("*.txt")}
    ruling = next(p for p in sorted((CORPUS / "rulings").glob("*.txt")) if p.name not in have)
    seen = run_flow(base, KEY, ruling, ARTIFACTS, question=f"What is ruling {ruling.stem} about?")
    assert "licensed customs broker" in seen["legal_note"]
    assert "1 ingested" in seen["ingest_report"] and "0 rejected" in seen["ingest_report"]
    # the citation comes from the file uploaded through the browser, and its link opens it
    assert seen["citation"].startswith("[1]") and ruling.name in seen["citation"]
    assert seen["citation_href"].startswith(f"/api/w/sample/sources/{ruling.name}?t=")
    assert seen["source_status"] == 200 and seen["source_type"].startswith("text/plain")
    assert "hts_inconsistency" in seen["evidence"] or "Evidence" in seen["evidence"]
    text = "\n".join(p.text for p in docx.Document(str(seen["docx"])).paragraphs)
    assert "Pre-assessment survey" in text or "survey" in text.lower()
    edited = "\n".join(p.text for p in docx.Document(str(seen["docx_edited"])).paragraphs)
    assert "Reviewed by trade counsel on the day of the test." in edited and "Q22" in edited
    assert "%" in seen["compliance_chart"]
    assert "request for information" in seen["timeline"]
    assert "Prior disclosure" in seen["disclosure"] and "PRIOR DISCLOSURE" in seen["disclosure"]
    letter = "\n".join(p.text for p in docx.Document(str(seen["disclosure_docx"])).paragraphs)
    assert "162.74(b)(2)" in letter and "[to be completed]" in letter
    assert (ARTIFACTS / "ui-chat.png").stat().st_size > 10_000
    # offline: the page loaded nothing from any other host (fonts, scripts, analytics)
    assert seen["hosts"] - {"127.0.0.1", "blob", "data"} == set(), seen["hosts"]
