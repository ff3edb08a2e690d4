"""The documents tab: upload a case's files and watch their ingest; what the workspace holds; the
files refused and why."""

from __future__ import annotations

import time

import gradio as gr
import pandas as pd

from assistant.services import ingesting
from assistant.services.runtime import WorkspaceRuntime
from assistant.services.uploads import UPLOAD_SUFFIXES, opened_files
from assistant.web.access import UIAccess
from assistant.web.ui.common import shown


def status_tables(runtime: WorkspaceRuntime):
    st = ingesting.status(runtime)
    files = pd.DataFrame(st.get("files_by_kind", []), columns=["category", "kind", "status", "files"])
    rejected = pd.DataFrame(st.get("rejected_files", []), columns=["path", "reason"])
    tables = st.get("tables", {})
    summary = (
        f"Workspace `{st['workspace']}`: " + ", ".join(f"{k} {v:,}" for k, v in tables.items())
        if tables
        else f"Workspace `{st['workspace']}` is empty: upload a case's files."
    )
    return summary, files, rejected


def report_markdown(job) -> str:
    if job.status == "failed":
        return f"**Ingest failed:** {job.error}"
    r = job.report or {}
    t = r.get("totals", {})
    lines = [
        f"**Ingest {job.id}: {job.status}** — {t.get('files', 0)} file(s): {t.get('ingested', 0)} ingested, "
        f"{t.get('skipped', 0)} unchanged, {t.get('rejected', 0)} rejected; {t.get('rows', 0):,} rows "
        f"({t.get('rejected_rows', 0):,} rejected), {t.get('chunks', 0):,} chunks."
    ]
    for f in r.get("files", []):
        if f["status"] in ("rejected", "partial"):
            lines.append(f"- `{f['path']}` **{f['status']}**: {f['reason']}")
            for rr in f.get("row_rejects", [])[:10]:
                lines.append(f"  - row {rr.get('row')}, {rr.get('field')}: {rr.get('reason')}")
    return "\n".join(lines)


def build(access: UIAccess):
    """The tab; returns the status callback (run when the page loads) and the components it fills."""

    def status(request: gr.Request):
        return status_tables(access.runtime(request, "GET /status"))

    @shown
    def ingest(files, request: gr.Request, progress=gr.Progress()):
        runtime = access.runtime(request, "POST /ingest")
        if not files:
            return ("Choose files first.",) + status_tables(runtime)
        paths = [f if isinstance(f, str) else f.name for f in files]
        job, refused = ingesting.ingest_uploads(runtime, access.caller(request), opened_files(paths))
        text = "".join(f"- refused: {r['reason']}\n" for r in refused)
        if job is not None:
            while job.running:
                done = job.files_done / job.files_total if job.files_total else 0.0
                progress(done, desc=f"{job.phase or job.status}: {job.files_done}/{job.files_total or '?'} files")
                time.sleep(0.25)
            text = report_markdown(job) + ("\n" + text if text else "")
        return (text,) + status_tables(runtime)

    with gr.Row():
        upload = gr.File(
            label="Case files (PDF, DOCX, TXT, MD, CSV, XLSX)",
            file_count="multiple",
            file_types=list(UPLOAD_SUFFIXES),
            elem_id="upload",
        )
        with gr.Column():
            go = gr.Button("Ingest", variant="primary", elem_id="ingest")
            refresh = gr.Button("Refresh", size="sm")
    report = gr.Markdown(elem_id="ingest-report")
    summary = gr.Markdown()
    files = gr.Dataframe(label="Ingested, by kind", interactive=False)
    rejected = gr.Dataframe(label="Rejected files and reasons", interactive=False)
    go.click(ingest, upload, [report, summary, files, rejected])
    refresh.click(shown(status), None, [summary, files, rejected])
    return shown(status), [summary, files, rejected]
