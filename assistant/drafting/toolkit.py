"""What every draft shares: its base type, reading the file a draft command is given, the language
model's rewrite, and the writers.

- ``Draft``: the workspace, the date, the mode (``extractive``, or ``llm`` when the prose was rewritten
  by the language model, then checked) and the legal note; ``public()`` is its ``--json``.
- ``document_text``: the text of a PDF, DOCX or text file given to a draft command (a questionnaire, a
  draft report), or the draft's own error naming the file and why not.
- ``rewrite_all``: with a language model, each item's prose rewritten and checked; when the model
  fails, the extractive draft is kept and a flag says why. ``finding_ids_in`` names the check findings
  the prose cites, which the rewrite must keep.
- Sources and flags: ``renumber`` numbers a draft's citations once each, in order;
  ``docx_flags_and_sources`` writes an answer's flags to review, then its sources with their quotes.
- Writers: ``write_draft`` by the output's suffix (``OUTPUT_SUFFIXES``): ``.docx`` (editable, through
  python-docx), ``.md`` (a prompt template), ``.json`` (``public()``); ``markdown_docx`` turns an
  edited Markdown draft into an editable DOCX, nothing dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel

from assistant.answering import answer as ans
from assistant.config import Settings


class Draft(BaseModel):
    """What both drafts share; ``public()`` is their ``--json`` (docs/data-formats.md section 5, with extra fields)."""

    workspace: str
    as_of: dt.date
    mode: str = "extractive"  # or "llm": the prose rewritten by the language model, then checked
    note: str = ans.LEGAL_NOTE

    def public(self) -> dict:
        return self.model_dump(mode="json")


def importer_name(settings: Settings, draft: Draft) -> str:
    """The importer a draft is written for: FAPREP_IMPORTER_NAME, else its workspace."""
    return settings.importer_name or f"workspace {draft.workspace}"


# --- the file a draft command is given -----------------------------------------------------------


def document_text(path: Path, error: type[Exception]) -> str:
    """The text of a PDF, DOCX or text file given to a draft command; ``error`` names the file and why not."""
    from assistant.errors import DocumentError
    from ingest.documents import load_document

    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: no such file")
    try:
        return "\n".join(p.text for p in load_document(path))
    except DocumentError as exc:
        raise error(f"{path}: {exc}") from exc


# --- the language model's rewrite ----------------------------------------------------------------


def rewrite_all(model, document: str, items, finding_ids_of) -> None:
    """With a language model: each item's ``answer`` rewritten and checked (``llm.rewrite``), its
    citations renumbered and the checks' flags added; when the model fails, the extractive draft is kept
    and a flag says why. ``items`` have ``answer``, ``citations``, ``flags``."""
    from assistant.answering import llm

    for item in items:
        try:
            text, citations, flags = llm.rewrite(model, document, item.answer, item.citations, finding_ids_of(item))
        except Exception as exc:  # a remote model can fail in many ways; the draft stands
            item.flags.append(
                f"the language model did not rewrite this answer ({type(exc).__name__}: "
                f"{str(exc)[:160]}); the extractive draft is kept"
            )
            continue
        item.answer, item.citations = text, citations
        item.flags += flags


def finding_ids_in(text: str) -> set[str]:
    return set(re.findall(r"\[([a-z_]+:[^\]\s]+)\]", text))


# --- sources and flags ---------------------------------------------------------------------------


def renumber(citations: list[ans.Citation]) -> list[ans.Citation]:
    """Each source once (by file, page and offset), numbered in order from 1."""
    out, seen = [], set()
    for c in citations:
        key = (c.source, c.page, c.char_start)
        if key not in seen:
            seen.add(key)
            out.append(c.model_copy(update={"n": len(out) + 1}))
    return out


def docx_flags_and_sources(doc, flags: list[str], citations: list[ans.Citation]) -> None:
    """An answer's flags to review, then its sources with their quotes (shared by both drafts)."""
    from docx.shared import Pt

    for flag in flags:
        doc.add_paragraph().add_run("Review: " + flag).italic = True
    if citations:
        doc.add_paragraph("Sources").runs[0].bold = True
        for c in citations:
            page = f", page {c.page}" if c.page is not None else ""
            p = doc.add_paragraph(f"[{c.n}] {c.source}{page} ({c.kind}): “{' '.join(c.quote.split())}”")
            for r in p.runs:
                r.font.size = Pt(9)


def docx_table(doc, header: list[str], rows: list[list[str]], blank: str = "") -> None:
    """A table with a header row; an empty cell gets ``blank``, highlighted, for the importer to fill."""
    from docx.enum.text import WD_COLOR_INDEX

    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values):
            run = cell.paragraphs[0].add_run(text or blank)
            if not text and blank:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


# --- writers -------------------------------------------------------------------------------------


OUTPUT_SUFFIXES = (".docx", ".md", ".json")


def write_draft(path: Path, draft, to_docx, to_markdown) -> None:
    """``draft`` (a Survey or a Rebuttal) to ``path``: .docx by ``to_docx(path)``, .md by ``to_markdown()``,
    .json by its ``public()``."""
    import json

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".docx":
        to_docx(path)
    elif suffix == ".md":
        path.write_text(to_markdown(), encoding="utf-8")
    elif suffix == ".json":
        path.write_text(json.dumps(draft.public(), indent=1), encoding="utf-8")
    else:
        raise ValueError(f"{path}: the output must end in .docx, .md or .json")


def markdown_docx(text: str, path: Path, title: str = "") -> None:
    """An edited draft (the Markdown faprep wrote, changed by the user) as an editable DOCX:
    ``#`` headings, ``-``/``*`` bullets, ``**bold**`` runs, and paragraphs; nothing is dropped."""
    from docx import Document

    doc = Document()
    if title:
        doc.core_properties.title = title
    para: list[str] = []

    def flush() -> None:
        if para:
            _bold_runs(doc.add_paragraph(), " ".join(para))
            para.clear()

    for line in text.splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        bullet = re.match(r"^[-*]\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            doc.add_heading(heading.group(2).replace("**", ""), level=min(len(heading.group(1)), 4))
        elif bullet:
            flush()
            _bold_runs(doc.add_paragraph(style="List Bullet"), bullet.group(1))
        elif stripped.startswith(">"):
            flush()
            _bold_runs(doc.add_paragraph(style="Quote"), stripped.lstrip("> "))
        else:
            para.append(stripped)
    flush()
    doc.save(str(path))


def _bold_runs(paragraph, text: str) -> None:
    for i, piece in enumerate(text.split("**")):
        if piece:
            paragraph.add_run(piece).bold = i % 2 == 1
