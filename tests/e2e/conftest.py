"""A live `faprep serve` on loopback over a copy of the ingested sample case, and the browser tests'
Chromium: a test marked ``browser`` is skipped where Debian's Chromium is missing, saying how to
install it, except under CI (``CI`` set and not ``false``, ``0`` or ``no``), where a skipped browser
test fails the run."""

from __future__ import annotations

import os
import shutil

import pytest

from evaluation.bench.common import start_server, stop_server
from tests.support.browser import CHROMIUM
from tests.support.live import KEY
from tests.support.workspace import make_settings

MISSING = (
    f"Debian's chromium is not installed ({CHROMIUM}): `make browser` installs it as root or with passwordless "
    "sudo, or install it with your package manager (sudo apt-get install chromium)"
)


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and not CHROMIUM.exists():
        pytest.skip(MISSING)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a browser test that was skipped, for whatever reason, fails the run instead."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and under_ci() and item.get_closest_marker("browser"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI is set: a browser test may not be skipped ({reason.removeprefix('Skipped: ')})"


@pytest.fixture(scope="module")
def live(ingested, tmp_path_factory):
    """(base url, settings of the copy, case folder); the server requires the API key ``KEY``."""
    settings, _, folder, _ = ingested
    home = tmp_path_factory.mktemp("live")
    # the same workspace name: the Chroma collection is named after it
    shutil.copytree(settings.workspace_dir, home / settings.workspace, ignore=shutil.ignore_patterns("write.lock"))
    copy = make_settings(home, settings.workspace, as_of=settings.as_of)
    proc, base = start_server(
        home,
        settings.workspace,
        {"FAPREP_API_KEY": KEY, "FAPREP_AS_OF": str(settings.as_of), "FAPREP_MAX_REQUEST_MB": "5"},
        log=home / "serve.log",
    )
    yield base, copy, folder
    stop_server(proc)
