"""The browser flow of the UI test (Playwright on Debian's Chromium), kept apart so it can be run by hand:
``python -m tests.support.browser URL KEY UPLOAD_FILE OUT_DIR``."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _download(page, selector: str, target: Path) -> Path:
    """Click the first link under ``selector`` once it appears and save what it downloads."""
    link = page.locator(selector).first
    link.wait_for(timeout=60_000)
    with page.expect_download() as info:
        link.click()
    info.value.save_as(str(target))
    return target


def run_viewer_flow(base: str, name: str, key: str, out: Path, rotate=None) -> dict:
    """Sign in as ``name``, read the session bar and the workspaces offered, run the checks (allowed to
    a viewer), try an export (not allowed), have ``rotate()`` change the key and try the checks again
    (refused), and sign out. Returns what was seen."""
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    seen: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(base + "/")
            page.get_by_label("username").fill(name)
            page.get_by_label("password").fill(key)
            page.get_by_role("button", name="Login").click()
            expect(page.locator("#signed-in")).to_contain_text(name, timeout=60_000)
            seen["signed_in"] = page.locator("#signed-in").inner_text()
            expect(page.locator("#workspace input")).to_have_value(re.compile(".+"), timeout=60_000)
            page.locator("#workspace input").click()
            page.get_by_role("option").first.wait_for(timeout=30_000)
            seen["workspaces"] = [o.inner_text().replace("✓", "").strip() for o in page.get_by_role("option").all()]
            page.keyboard.press("Escape")
            page.get_by_role("tab", name="Findings").click()
            page.locator("#run-checks").click()
            expect(page.locator("#findings")).to_contain_text("hts_inconsistency", timeout=120_000)
            seen["caption"] = page.locator("#findings-caption").inner_text()
            page.get_by_role("button", name="Export XLSX").click()
            toast = page.get_by_text(re.compile("needs the preparer role"))
            toast.first.wait_for(timeout=60_000)
            seen["refused"] = toast.first.inner_text()
            page.screenshot(path=str(out / "ui-viewer.png"), full_page=True)
            if rotate is not None:
                rotate()
                page.locator("#run-checks").click()
                ended = page.get_by_text(re.compile("sign in again"))
                ended.first.wait_for(timeout=60_000)
                seen["after_rotation"] = ended.first.inner_text()
            page.locator("#sign-out").click()
            page.get_by_label("username").wait_for(timeout=60_000)
            seen["signed_out"] = True
        finally:
            browser.close()
    return seen


def run_flow(base: str, key: str, upload: Path, out: Path, question: str) -> dict:
    """Log in, upload ``upload`` and wait for its ingest report, ask ``question`` and open a citation's
    link, draft the survey and download its DOCX, add a contact to the FA timeline and draft a prior
    disclosure of the largest finding. Screenshots go to ``out``; returns what was seen."""
    from playwright.sync_api import expect, sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    seen: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
            hosts: set[str] = set()
            seen["hosts"] = hosts
            page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or request.url.split(":")[0]))
            page.goto(base + "/")
            page.get_by_label("username").fill("analyst")
            page.get_by_label("password").fill(key)
            page.get_by_role("button", name="Login").click()
            expect(page.locator("#legal-note")).to_contain_text("licensed customs broker", timeout=60_000)
            seen["legal_note"] = page.locator("#legal-note").inner_text()

            page.get_by_role("tab", name="Documents").click()
            page.locator("#upload input[type=file]").set_input_files(str(upload))
            page.wait_for_timeout(1000)
            page.locator("#ingest").click()
            report = page.locator("#ingest-report")
            expect(report).to_contain_text("done", timeout=180_000)
            seen["ingest_report"] = report.inner_text()
            page.screenshot(path=str(out / "ui-documents.png"), full_page=True)

            page.get_by_role("tab", name="Chat").click()
            page.locator("#question textarea").fill(question)
            page.locator("#ask").click()
            first = page.locator("#citations li.citation").first
            first.wait_for(timeout=120_000)
            seen["answer"] = page.locator("#chat").inner_text()
            seen["citation"] = first.inner_text()
            href = first.locator("a").get_attribute("href")
            seen["citation_href"] = href
            source = page.request.get(base + href.split("#")[0])
            seen["source_status"], seen["source_type"] = source.status, source.headers.get("content-type", "")
            page.screenshot(path=str(out / "ui-chat.png"), full_page=True)

            page.get_by_role("tab", name="Findings").click()
            page.locator("#run-checks").click()
            table = page.locator("#findings")
            expect(table).to_contain_text("hts_inconsistency", timeout=120_000)
            table.get_by_text("hts_inconsistency").first.click()
            expect(page.locator("#evidence")).to_contain_text("Evidence", timeout=60_000)
            seen["evidence"] = page.locator("#evidence").inner_text()
            page.get_by_role("button", name="Run mock audit").click()
            expect(page.locator("#compliance-chart")).to_contain_text("95% interval", timeout=120_000)
            seen["compliance_chart"] = page.locator("#compliance-chart").inner_text()
            page.screenshot(path=str(out / "ui-findings.png"), full_page=True)

            page.get_by_role("tab", name="Drafts").click()
            page.locator("#draft-survey").click()
            expect(page.locator("#survey-text textarea")).to_have_value(
                re.compile("licensed customs broker|19 USC 1641"), timeout=300_000
            )
            seen["docx"] = _download(page, "#survey-docx a", out / "survey.docx")
            box = page.locator("#survey-text textarea")
            box.fill(box.input_value() + "\n\nReviewed by trade counsel on the day of the test.")
            page.locator("#save-survey").click()
            seen["docx_edited"] = _download(page, "#survey-docx-edited a", out / "survey-edited.docx")
            page.screenshot(path=str(out / "ui-drafts.png"), full_page=True)

            page.get_by_role("tab", name="Prior disclosure and FA timeline").click()
            page.locator("#timeline-date textarea, #timeline-date input").first.fill("2025-01-06")
            page.locator("#timeline-text textarea, #timeline-text input").first.fill("CF-28 on the tooling payments")
            page.locator("#timeline-add").click()
            expect(page.locator("#timeline-events")).to_contain_text("tooling payments", timeout=60_000)
            expect(page.locator("#timeline-clocks")).to_contain_text("163.11", timeout=60_000)
            seen["timeline"] = page.locator("#timeline-events").inner_text()
            page.locator("#disclosure-refresh").click()
            page.wait_for_timeout(1500)
            page.locator("#disclose-pick input").click()
            page.get_by_role("option").first.click(timeout=120_000)
            page.keyboard.press("Escape")
            page.locator("#draft-disclosure").click()
            expect(page.locator("#disclosure-text textarea")).to_have_value(
                re.compile(r"162\.74\(b\)\(4\)"), timeout=300_000
            )
            seen["disclosure"] = page.locator("#disclosure-text textarea").input_value()
            seen["disclosure_docx"] = _download(page, "#disclosure-docx a", out / "disclosure.docx")
            page.screenshot(path=str(out / "ui-disclosure.png"), full_page=True)
        except Exception:
            page.screenshot(path=str(out / "ui-failure.png"), full_page=True)
            raise
        finally:
            browser.close()
    return seen


if __name__ == "__main__":  # pragma: no cover
    print(run_flow(sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), "How long are entry records kept?"))
