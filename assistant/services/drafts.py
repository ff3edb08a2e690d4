"""Drafts: the survey answers, the response to a draft report, a draft edited by hand; and the files
they are written to (DOCX, Markdown, JSON), one call each for the CLI, the API and the UI."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path

from assistant.errors import BadInput, NotFound
from assistant.services.runtime import Caller, WorkspaceRuntime
from assistant.services.uploads import REPORT_SUFFIXES, safe_upload_name, store_upload

FORMATS = ("docx", "md", "json")


def receive_draft_input(runtime: WorkspaceRuntime, name: str | None, chunks: Iterable[bytes]) -> Path:
    """An uploaded questionnaire or draft report, kept for one draft (not ingested)."""
    safe = safe_upload_name(name, REPORT_SUFFIXES)
    folder = runtime.workspace.drafts_in / uuid.uuid4().hex[:8]
    return store_upload(safe, chunks, folder, runtime.upload_limit, runtime.settings.max_upload_mb)


def _outputs(runtime: WorkspaceRuntime, stem: str, out: list[Path] | None, formats: tuple[str, ...]) -> dict[str, Path]:
    """Where a draft goes: the paths given (each must end in .docx, .md or .json; refused before any
    work; none: nothing written), else (``out`` None) one file per format in the workspace's outputs.
    {format or path: path}."""
    if out is not None:
        for path in out:
            if path.suffix.lower().lstrip(".") not in FORMATS:
                raise BadInput(f"{path}: the output must end in .docx, .md or .json", field="out")
        return {str(p): p for p in out}
    return {fmt: runtime.output_path(stem, f".{fmt}") for fmt in formats}


def _write(runtime: WorkspaceRuntime, draft, write, targets: dict[str, Path]) -> dict[str, Path]:
    for path in targets.values():
        write(draft, runtime.settings, path)
    return targets


def draft_survey(
    runtime: WorkspaceRuntime,
    caller: Caller,
    questionnaire: Path | None = None,
    out: list[Path] | None = None,
    formats: tuple[str, ...] = FORMATS,
):
    """Answers to the pre-assessment survey (built-in questions, or ``questionnaire``), written to ``out``
    or the outputs: (the ``Survey``, {format or path: file}); logged as ``draft survey``."""
    from assistant.drafting import survey as drafting

    targets = _outputs(runtime, "survey", out, formats)
    with runtime.asker() as assistant:
        draft = drafting.draft_survey(runtime.settings, questionnaire, assistant=assistant)
    files = _write(runtime, draft, drafting.write_survey, targets)
    inputs = {"questionnaire": questionnaire.name if questionnaire else None}
    runtime.record(caller, "draft survey", inputs, files=[p.name for p in files.values()])
    return draft, files


def report_file(runtime: WorkspaceRuntime, report: Path | None, document: str | None) -> Path:
    """The draft report to answer: a file given, or an ingested document named by its key."""
    if report is None and document:
        report = runtime.source_file(document)
        if report is None:
            raise NotFound(f"document: no ingested document {document!r} on disk", field="document")
    if report is None:
        raise BadInput("report: upload the FA draft report, or name an ingested one in 'document'", field="report")
    return report


def draft_rebuttal(
    runtime: WorkspaceRuntime,
    caller: Caller,
    report: Path | None = None,
    document: str | None = None,
    out: list[Path] | None = None,
    formats: tuple[str, ...] = FORMATS,
):
    """A response to each finding of an FA draft report (a file, or an ingested ``document``), written to
    ``out`` or the outputs: (the ``Rebuttal``, {format or path: file}); logged as ``draft rebuttal``."""
    from assistant.drafting import rebuttal

    path = report_file(runtime, report, document)
    targets = _outputs(runtime, "rebuttal", out, formats)
    with runtime.asker() as assistant:
        draft = rebuttal.draft_rebuttal(runtime.settings, path, assistant=assistant)
    files = _write(runtime, draft, rebuttal.write_rebuttal, targets)
    inputs = {"report": path.name, "document": document}
    runtime.record(caller, "draft rebuttal", inputs, files=[p.name for p in files.values()])
    return draft, files


def draft_disclosure(
    runtime: WorkspaceRuntime,
    caller: Caller,
    findings: list[str],
    audit_sample: int | None = None,
    out: list[Path] | None = None,
    formats: tuple[str, ...] = FORMATS,
):
    """A prior disclosure draft for the findings named (19 CFR 162.74), written to ``out`` or the outputs:
    (the ``Disclosure``, {format or path: file}); logged as ``draft disclosure``."""
    from assistant.drafting import disclosure

    targets = _outputs(runtime, "disclosure", out, formats)
    with runtime.asker() as assistant:
        draft = disclosure.draft_disclosure(runtime.settings, findings, assistant=assistant, audit_sample=audit_sample)
    files = _write(runtime, draft, disclosure.write_disclosure, targets)
    inputs = {"findings": findings, "audit_sample": audit_sample}
    runtime.record(
        caller, "draft disclosure", inputs, files=[p.name for p in files.values()], total=draft.loss["total"]
    )
    return draft, files


def disclosable(runtime: WorkspaceRuntime) -> list[tuple[str, str]]:
    """The findings a prior disclosure can cover (those with a duty effect), as (label, id), the largest
    first: what the UI offers to pick. Not logged: it reads, it does not act."""
    from assistant.checks import check_workspace
    from assistant.formats import money

    found = [f for f in check_workspace(runtime.settings).findings if f.amount_at_risk]
    found.sort(key=lambda f: -(f.amount_at_risk or 0))
    return [(f"{f.id} — {money(f.amount_at_risk)} — {f.title}"[:160], f.id) for f in found]


def save_edited(runtime: WorkspaceRuntime, caller: Caller, stem: str, text: str) -> Path:
    """A draft as the user edited it (Markdown) saved as DOCX in the outputs; logged as ``draft <stem> edited``."""
    from assistant.drafting.survey import markdown_docx

    if not (text or "").strip():
        raise BadInput("Nothing to save: draft first.", field="text")
    path = runtime.output_path(f"{stem}-edited", ".docx")
    markdown_docx(text, path, title=f"faprep {stem} (edited)")
    runtime.record(caller, f"draft {stem} edited", {"characters": len(text)}, files=[path.name])
    return path


def download(runtime: WorkspaceRuntime, caller: Caller, name: str) -> Path:
    """A file faprep wrote to the outputs (a draft, a report), by name; logged as ``download``."""
    path = runtime.output_file(name)
    if path is None:
        raise NotFound(f"no output named {name!r}", field="name")
    runtime.record(caller, "download", {"name": name})
    return path


def open_source(runtime: WorkspaceRuntime, caller: Caller, path: str, via_link: bool = False) -> Path:
    """The original file of a cited document; logged as ``open source``."""
    found = runtime.source_file(path)
    if found is None:
        raise NotFound(f"no ingested document {path!r} on disk", field="path")
    runtime.record(caller, "open source", {"path": path}, via_link=via_link)
    return found
