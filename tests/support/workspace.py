"""Settings for a test workspace, the shipped corpus, and what an answer's citations are checked against."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from evaluation.datasets.sample_case import CORPUS  # the corpus shipped with the project

__all__ = ["AS_OF", "CORPUS", "assert_law_quote", "assert_verbatim", "make_settings", "page_texts"]

AS_OF = dt.date.today()  # the sample case's dates are relative to the day it is built


def make_settings(home: Path, workspace: str = "test", **kw):
    from assistant.config import Settings

    return Settings(home=home, workspace=workspace, **kw)


def page_texts(settings) -> dict[tuple[str, int | None], str]:
    """(path, page) -> the page's extracted text, as stored at ingest."""
    from assistant.stores.records import Records

    with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
        return {(p, n): t for p, n, t in rec.con.execute("SELECT path, page, text FROM pages").fetchall()}


def assert_verbatim(result, settings) -> None:
    """Every citation of ``result`` is marked in its answer; a passage's quote is the page's text at its
    offsets, a record's fields are the stored rows' (as ingested), a law quote the section's text on the
    law shelf at its offsets."""
    from assistant.stores.records import Records

    texts = page_texts(settings)
    for c in result.citations:
        assert f"[{c.n}]" in result.answer
        if c.kind == "record":
            with Records(settings.workspace_dir / "records.duckdb", read_only=True) as rec:
                for row in c.rows:
                    raw = json.loads(
                        rec.con.execute(
                            f"SELECT raw FROM {c.table} WHERE source_file = ? AND source_row = ?", [c.source, row]
                        ).fetchone()[0]
                    )
                    assert all(raw[k] == v for k, v in c.fields.items())
            continue
        if c.kind == "law":
            assert_law_quote(c, settings)
            continue
        assert texts[(c.source, c.page)][c.char_start : c.char_end] == c.quote


def assert_law_quote(c, settings) -> None:
    """A law citation quotes its section on the shelf verbatim, at its offsets, to the paragraph named."""
    from assistant.stores.lawshelf import LawShelf

    section = LawShelf(settings.home).sections()[c.source]
    assert section.text[c.char_start : c.char_end] == c.quote
    assert c.paragraph == "" or section.paragraph(c.paragraph) is not None
