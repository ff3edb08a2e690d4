"""Templates: recommendations, report skeletons, system prompts, survey questions and draft skeletons.

Text users read lives here, not in code, so counsel can review and change the wording.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from assistant.formats import day, money

DIR = Path(__file__).resolve().parent

# The one wording of the legal boundary (19 USC 1641), in prompts/legal_note.md: answers, drafts,
# reports, the UI and the API all show this text.
LEGAL_NOTE = " ".join((DIR / "legal_note.md").read_text().split())


@lru_cache(maxsize=1)
def env() -> Environment:
    e = Environment(
        loader=FileSystemLoader(DIR),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    e.filters["money"] = money
    e.filters["day"] = day
    e.globals["legal_note"] = LEGAL_NOTE
    return e


def render(name: str, **context) -> str:
    return env().get_template(name).render(**context)


def phrase(name: str, **context) -> str:
    """One macro of ``draft_phrases.j2`` (the wording of the drafts), its whitespace collapsed."""
    macro = getattr(env().get_template("draft_phrases.j2").module, name)
    return " ".join(str(macro(**context)).split())


@lru_cache(maxsize=1)
def thesaurus() -> list[list[str]]:
    """The groups of words that mean one customs idea (prompts/thesaurus.txt), each entry lower case."""
    groups = []
    for line in (DIR / "thesaurus.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            groups.append([e.strip().lower() for e in line.split("|") if e.strip()])
    return groups


@lru_cache(maxsize=1)
def check_questions() -> dict[str, list[str]]:
    """{check id: questions it answers in people's words} (prompts/check_questions.txt)."""
    out: dict[str, list[str]] = {}
    for n, line in enumerate((DIR / "check_questions.txt").read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        check, sep, question = line.partition(":")
        if not sep or not question.strip():
            raise ValueError(f"prompts/check_questions.txt line {n}: not 'check_id: question'")
        out.setdefault(check.strip(), []).append(question.strip())
    return out
