"""The test tiers, applied by folder, and the cases every tier shares: the sample case and an importer
faprep has not seen (tests/support/other_case.py), each built once and ingested once for real (model,
Chroma, DuckDB) per session.

Tiers (docs/testing.md): ``tests/unit`` is marked ``unit``, ``tests/integration`` ``integration`` and
``tests/e2e`` ``e2e``. A test with no tier (a file outside those folders) or with two (a ``pytestmark``
of another tier than its folder's) fails the collection: move the file to the folder of its tier.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

from tests.support.workspace import AS_OF, make_settings  # noqa: E402  (after the environment above)

TIERS = ("unit", "integration", "e2e")
HERE = Path(__file__).resolve().parent
OTHER_AS_OF = dt.date(2025, 10, 15)  # the unseen importer's entries run from 2024 to mid-2025


def tier_of_folder(path: Path) -> str | None:
    try:
        parts = Path(path).resolve().relative_to(HERE).parts
    except ValueError:
        return None
    return parts[0] if len(parts) > 1 and parts[0] in TIERS else None


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: a test of no tier fails even where it is not run
def pytest_collection_modifyitems(config, items):
    wrong = []
    for item in items:
        folder = tier_of_folder(item.path)
        if folder:
            item.add_marker(getattr(pytest.mark, folder))
        tiers = sorted({m.name for m in item.iter_markers() if m.name in TIERS})
        if len(tiers) != 1:
            why = f"two tiers ({', '.join(tiers)})" if tiers else "no tier"
            wrong.append(f"  {item.nodeid}: {why}")
    if wrong:
        raise pytest.UsageError(
            "every test belongs to exactly one tier, given by its folder (tests/unit, tests/integration, "
            "tests/e2e; docs/testing.md):\n" + "\n".join(wrong)
        )


def pytest_report_collectionfinish(config, start_path, items):
    counts = {tier: sum(1 for i in items if i.get_closest_marker(tier)) for tier in TIERS}
    return "tiers: " + ", ".join(f"{tier} {n}" for tier, n in counts.items())


# --- the sample case ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sample_case(tmp_path_factory) -> tuple[Path, dict]:
    """The sample case built once: (folder, ground truth). Tests that change files work on a copy."""
    from evaluation.datasets.sample_case import GROUND_TRUTH, build_sample_case

    folder = tmp_path_factory.mktemp("case") / "keystone"
    build_sample_case(folder, as_of=AS_OF)
    return folder, json.loads((folder / GROUND_TRUTH).read_text())


@pytest.fixture(scope="session")
def ingested(sample_case, tmp_path_factory):
    """The sample case ingested once into workspace ``sample``: (settings, report, folder, truth).
    Read it, never write to it: a test that ingests or uploads copies the workspace first."""
    from ingest.pipeline import ingest_paths

    folder, truth = sample_case
    settings = make_settings(tmp_path_factory.mktemp("home"), "sample", as_of=AS_OF)
    report = ingest_paths(settings, [folder])
    return settings, report, folder, truth


# --- the unseen importer (tests/support/other_case.py) ---------------------------------------------


@pytest.fixture(scope="session")
def other_case(tmp_path_factory) -> tuple[Path, dict]:
    """The unseen importer's case built once: (folder, the rows written by file). A test that adds
    files copies it first (``copy_other_case``)."""
    from tests.support.other_case import build_other_case

    folder = tmp_path_factory.mktemp("other") / "northwind"
    rows = build_other_case(folder)
    return folder, rows


@pytest.fixture(scope="session")
def other_ingested(other_case, tmp_path_factory):
    """The unseen importer ingested once into workspace ``northwind`` as of ``OTHER_AS_OF``:
    (settings, report, folder, rows). Read it, never write to it."""
    from ingest.pipeline import ingest_paths

    folder, rows = other_case
    settings = make_settings(tmp_path_factory.mktemp("home"), "northwind", as_of=OTHER_AS_OF)
    report = ingest_paths(settings, [folder])
    assert report.ok, [(f.path, f.message) for f in report.files if f.message]
    return settings, report, folder, rows


@pytest.fixture(scope="session")
def copy_other_case(other_case, tmp_path_factory):
    """``copy_other_case(name)``: a fresh copy of the unseen importer's folder, for a variant with files
    added, and the settings of a fresh workspace ``name`` for it: (folder, rows, settings)."""

    def copy(name: str):
        folder, rows = other_case
        target = tmp_path_factory.mktemp(name) / folder.name
        shutil.copytree(folder, target)
        return target, rows, make_settings(tmp_path_factory.mktemp("home"), name, as_of=OTHER_AS_OF)

    return copy


@pytest.fixture
def pdf_writer():
    from evaluation.datasets.sample_case.documents import write_pdf

    return write_pdf
