"""The docs hold together: generated tables match the code, the README stays short and reaches
every topic page, and every relative link points at a file that exists."""

from __future__ import annotations

import re
from pathlib import Path

from assistant import docgen

ROOT = Path(__file__).resolve().parents[2]
TOPICS = [
    "ingestion",
    "checks",
    "asking",
    "drafting",
    "service",
    "evaluation",
    "benchmarks",
    "architecture",
    "configuration",
    "testing",
    "data-formats",
]


def test_generated_tables_match_the_code():
    stale = [rel for rel, (text, new) in docgen.render_all().items() if text != new]
    assert not stale, f"run `make docs`: {stale}"


def test_every_command_and_setting_is_in_the_generated_tables():
    commands, settings = docgen.commands_table(), docgen.settings_table()
    for name in ("ingest", "check", "audit", "ask", "draft survey", "draft rebuttal", "serve", "eval", "status"):
        assert f"`faprep {name} " in commands or f"`faprep {name}`" in commands, name
    from assistant.config import CheckSettings, Settings

    for field in Settings.model_fields:
        assert f"`FAPREP_{field.upper()}`" in settings
    for field in CheckSettings.model_fields:
        assert f"`FAPREP_CHECK_{field.upper()}`" in settings
    assert all(f.description for f in [*Settings.model_fields.values(), *CheckSettings.model_fields.values()])


def test_readme_is_short_and_reaches_every_topic():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) < 300
    for topic in TOPICS:
        assert f"docs/{topic}.md" in readme, topic


def test_relative_links_resolve():
    broken = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue
            if not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)} → {target}")
    assert not broken, broken
