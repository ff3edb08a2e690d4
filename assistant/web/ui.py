"""The web UI (Gradio), mounted on the API's app at ``/``: chat, documents, findings, drafts.

Callbacks call the same ``Server`` the API routes call; there is no logic here beyond layout and
turning results into tables, charts and HTML.
"""

from __future__ import annotations

import functools
import html
import logging
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import gradio as gr
import pandas as pd

import prompts
from assistant.errors import FaprepError
from assistant.formats import money
from assistant.web.server import REPORT_SUFFIXES, UPLOAD_SUFFIXES, Server, file_chunks, safe_upload_name
from assistant.web.stream import sentences

LEGAL_NOTE = prompts.LEGAL_NOTE + " Drafts are drafts: review them before they reach CBP."
log = logging.getLogger(__name__)
SEVERITIES = ("high", "medium", "low")


def error_text(exc: BaseException) -> str:
    """What the UI shows for a failure: a ``FaprepError``'s message; for anything else a reference to
    the server log (where the details are), never a traceback. The UI's one error renderer."""
    if isinstance(exc, FaprepError):
        return exc.message
    ref = uuid.uuid4().hex[:8]
    log.error("unexpected error %s in the UI", ref, exc_info=exc)
    return f"internal error (reference {ref}; the server log has the details)"


def shown(fn):
    """A UI callback whose failures reach the user as ``error_text`` in Gradio's error toast."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except gr.Error:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure is shown, the unexpected ones logged
            raise gr.Error(error_text(exc)) from None

    return run


_CSS = """
#legal-note {border-left: 4px solid #d97706; padding: .4rem .8rem; background: #fffbeb; color: #78350f}
#citations mark {background: #fde68a; padding: 0 .1rem}
#citations li {margin-bottom: .7rem}
#citations table.record-fields {font-size: .85rem; margin-top: .2rem}
#citations table.record-fields th {text-align: left; padding-right: .6rem; font-weight: 600}
"""


# --- chat ------------------------------------------------------------------------------------------


def record_html(c) -> str:
    """A record citation as a small table: the stored fields of its rows, the value stated and how."""
    rows = ", ".join(map(str, c.rows[:20])) + (" ..." if len(c.rows) > 20 else "")
    count = f" ({c.row_count} rows)" if c.row_count > 1 else ""
    cells = "".join(
        f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in c.fields.items()
    )
    return (
        f'<li class="citation record" data-n="{c.n}"><strong>[{c.n}]</strong> {html.escape(c.source)}, '
        f"row(s) {html.escape(rows)}{count} (record)"
        f'<table class="record-fields">{cells}'
        f"<tr><th>value</th><td><mark>{html.escape(c.value)}</mark></td></tr>"
        f"<tr><th>how</th><td>{html.escape(c.how)}</td></tr></table></li>"
    )


def citations_html(server: Server, result) -> str:
    if not result.citations:
        return "<p><em>No sources cited.</em></p>"
    items = []
    for c in result.citations:
        if c.is_record:
            items.append(record_html(c))
            continue
        link = f"/api/sources/{quote(c.source)}"
        if server.key:
            link += f"?t={server.source_token(c.source)}"
        if c.page is not None:
            link += f"#page={c.page}"
        where = html.escape(c.source) + (f", page {c.page}" if c.page is not None else "")
        ruling = f", {html.escape(c.ruling_number)}" if c.ruling_number else ""
        if c.ocr_confidence is not None:
            ruling += f", OCR, confidence {c.ocr_confidence:.2f}"
        items.append(
            f'<li class="citation" data-n="{c.n}"><strong>[{c.n}]</strong> '
            f'<a href="{link}" target="_blank" rel="noopener">{where}</a> ({html.escape(c.kind)}{ruling})'
            f"<br><mark>{html.escape(' '.join(c.quote.split()))}</mark></li>"
        )
    flags = "".join(f"<li>{html.escape(f)}</li>" for f in result.flags)
    return (
        "<h3>Sources</h3><ol class='citations'>"
        + "".join(items)
        + "</ol>"
        + (f"<h4>Flags</h4><ul>{flags}</ul>" if flags else "")
    )


def _chat(server: Server):
    def respond(question: str, history: list, session_id: str | None):
        history = list(history or [])
        question = (question or "").strip()
        if not question:
            yield history, "", session_id, gr.skip()
            return
        history.append({"role": "user", "content": question})
        history.append({"role": "assistant", "content": "Searching the records…"})
        yield history, "", session_id, gr.skip()
        try:
            result = server.ask(question, session_id=session_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user as the answer
            history[-1] = {"role": "assistant", "content": f"Error: {error_text(exc)}"}
            yield history, "", session_id, ""
            return
        history.pop()
        if result.tools_called:
            history.append(
                {
                    "role": "assistant",
                    "content": "Ran: " + ", ".join(result.tools_called),
                    "metadata": {"title": "Tools called: " + ", ".join(result.tools_called)},
                }
            )
        history.append({"role": "assistant", "content": ""})
        cites = citations_html(server, result)
        for piece in sentences(result.answer):
            history[-1] = {"role": "assistant", "content": history[-1]["content"] + piece}
            yield history, "", result.session_id, gr.skip()
        yield history, "", result.session_id, cites

    with gr.Row():
        with gr.Column(scale=3):
            chat = gr.Chatbot(
                label="Assistant",
                height=480,
                elem_id="chat",
                feedback_options=None,
                placeholder="Ask about your rulings, manuals, entries or findings.",
            )
            with gr.Row():
                box = gr.Textbox(
                    show_label=False,
                    placeholder="e.g. How long must entry records be kept?",
                    elem_id="question",
                    scale=5,
                )
                send = gr.Button("Ask", variant="primary", elem_id="ask", scale=1)
            new = gr.Button("New conversation", size="sm")
        with gr.Column(scale=2):
            cites = gr.HTML("<p><em>Sources appear here.</em></p>", elem_id="citations")
    session = gr.State(None)
    for trigger in (send.click, box.submit):
        trigger(respond, [box, chat, session], [chat, box, session, cites])
    new.click(lambda: ([], None, "<p><em>Sources appear here.</em></p>"), None, [chat, session, cites])


# --- documents -------------------------------------------------------------------------------------


def _status_tables(server: Server):
    st = server.status()
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


def _documents(server: Server):

    @shown
    def ingest(files, progress=gr.Progress()):
        if not files:
            return ("Choose files first.",) + _status_tables(server)

        def opened():  # each file open while the server stores it
            for f in files:
                path = Path(f if isinstance(f, str) else f.name)
                with path.open("rb") as fh:
                    yield path.name, file_chunks(fh)

        stored, refused = server.receive_uploads(opened())
        text = "".join(f"- refused: {r['reason']}\n" for r in refused)
        if stored:
            job = server.start_ingest(stored, refused)
            while job.status in ("queued", "running"):
                done = job.files_done / job.files_total if job.files_total else 0.0
                progress(done, desc=f"{job.phase or job.status}: {job.files_done}/{job.files_total or '?'} files")
                time.sleep(0.25)
            text = report_markdown(job) + ("\n" + text if text else "")
        return (text,) + _status_tables(server)

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
    refresh.click(lambda: _status_tables(server), None, [summary, files, rejected])
    return (lambda: _status_tables(server)), [summary, files, rejected]


# --- findings --------------------------------------------------------------------------------------


def _findings(server: Server):
    columns = ["severity", "check", "title", "duty at stake", "id"]

    @shown
    def run(severity: str):
        result = server.checks(severity=None if severity == "all" else severity)
        rows = [
            [f.severity, f.check, f.title, money(f.amount_at_risk), f.id]
            for sev in SEVERITIES
            for f in result.by_severity().get(sev, [])
        ]
        table = pd.DataFrame(rows, columns=columns)
        by_check = pd.DataFrame(
            [
                {
                    "check": c,
                    "findings": sum(1 for f in result.findings if f.check == c),
                    "duty at stake": sum(f.amount_at_risk or 0 for f in result.findings if f.check == c),
                }
                for c in sorted({f.check for f in result.findings})
            ],
            columns=["check", "findings", "duty at stake"],
        )
        head = (
            f"**{len(result.findings)} finding(s)**, duty at stake {money(result.amount_at_risk)} where computable "
            f"(as of {result.as_of}). " + " ".join(result.notes)
        )
        store = {f.id: f.model_dump(mode="json") for f in result.findings}
        return head, table, by_check, by_check, store

    def evidence(store: dict, evt: gr.SelectData):
        row = evt.row_value if evt is not None else None
        f = (store or {}).get(row[-1]) if row else None
        if not f:
            return "Select a finding to see its evidence."
        out = [
            f"### {f['title']}",
            f"*{f['severity']}* · `{f['check']}` · duty at stake {money(f['amount_at_risk'])}"
            + (f" ({f['amount_basis']})" if f.get("amount_basis") else ""),
        ]
        out += ["**Evidence**", "\n".join(f"- {e}" for e in f["evidence"])]
        if f.get("legal_basis"):
            out += ["**Legal basis:** " + "; ".join(f["legal_basis"])]
        if f.get("recommendation"):
            out += [f"**Recommendation:** {f['recommendation']}"]
        return "\n\n".join(out)

    @shown
    def audit(sample: float, seed: float):
        r = server.audit(sample=int(sample), seed=int(seed))
        if not r.population_lines:
            return "No entry lines with a value in the review period.", "", pd.DataFrame()
        lo, hi = r.compliance_ci95
        plo, phi = r.projected_loss_ci95
        text = (
            f"**Compliance rate {r.compliance_rate:.1%}** (95% interval {lo:.1%} – {hi:.1%}); "
            f"{len(r.errors)} of {r.sample_size} sampled lines in error. Projected loss of revenue "
            f"**{money(r.projected_loss)}** (95% interval {money(plo)} – {money(phi)}). "
            f"Entry lines {r.period_start} to {r.period_end}, seed {r.seed}."
        )
        strata = pd.DataFrame(
            [
                {
                    "stratum": s.stratum,
                    "value range": f"{money(s.value_from)} – {money(s.value_to)}",
                    "lines": s.population_lines,
                    "sampled": s.sample_lines,
                    "errors": s.errors,
                    "loss found": money(s.sample_loss),
                }
                for s in r.strata
            ]
        )
        return text, interval_html(r.compliance_rate, lo, hi), strata

    @shown
    def export(fmt: str):
        return str(server.export_findings(fmt))

    with gr.Row():
        severity = gr.Dropdown(["all", *SEVERITIES], value="all", label="Severity", scale=1)
        go = gr.Button("Run checks", variant="primary", elem_id="run-checks", scale=1)
        xlsx = gr.Button("Export XLSX", scale=1)
        md = gr.Button("Export Markdown", scale=1)
    exported = gr.File(label="Report", interactive=False)
    head = gr.Markdown()
    table = gr.Dataframe(
        headers=columns,
        label="Findings by severity (select one for its evidence)",
        interactive=False,
        elem_id="findings",
    )
    detail = gr.Markdown("Select a finding to see its evidence.", elem_id="evidence")
    with gr.Row():
        count_plot = gr.BarPlot(
            x="check", y="findings", title="Findings by check", y_lim=[0, None], x_label_angle=-40, height=360
        )
        amount_plot = gr.BarPlot(
            x="check",
            y="duty at stake",
            title="Duty at stake by check (USD, where computable)",
            y_lim=[0, None],
            x_label_angle=-40,
            height=360,
        )
    store = gr.State({})
    go.click(run, severity, [head, table, count_plot, amount_plot, store])
    table.select(evidence, store, detail)
    xlsx.click(lambda: export("xlsx"), None, exported)
    md.click(lambda: export("md"), None, exported)
    gr.Markdown("### Mock transaction test")
    with gr.Row():
        sample = gr.Number(value=60, minimum=2, precision=0, label="Entry lines to sample")
        seed = gr.Number(value=1, precision=0, label="Seed")
        go_audit = gr.Button("Run mock audit")
    audit_text = gr.Markdown()
    audit_chart = gr.HTML(elem_id="compliance-chart")
    audit_table = gr.Dataframe(label="Strata (by entered value)", interactive=False)
    go_audit.click(audit, [sample, seed], [audit_text, audit_chart, audit_table])


def interval_html(rate: float, lo: float, hi: float) -> str:
    """The compliance rate on a 0–100% scale, its 95% interval shaded (no chart library needed)."""
    pct = lambda x: f"{max(0.0, min(1.0, x)) * 100:.1f}%"  # noqa: E731
    return (
        f'<div class="ci-chart" title="compliance rate {rate:.1%}, 95% interval {lo:.1%} – {hi:.1%}">'
        '<div style="font-size:.85rem;margin-bottom:.2rem">Compliance rate and its 95% interval</div>'
        '<div style="position:relative;height:22px;background:#e5e7eb;border-radius:3px">'
        f'<div class="ci-band" style="position:absolute;left:{pct(lo)};width:{(min(hi, 1) - max(lo, 0)) * 100:.1f}%;'
        'height:100%;background:#93c5fd"></div>'
        f'<div class="ci-mark" style="position:absolute;left:{pct(rate)};width:3px;margin-left:-1px;height:100%;'
        'background:#1e3a8a"></div></div>'
        '<div style="display:flex;justify-content:space-between;font-size:.75rem"><span>0%</span>'
        f"<span>{lo:.1%} – <b>{rate:.1%}</b> – {hi:.1%}</span><span>100%</span></div></div>"
    )


# --- drafts ----------------------------------------------------------------------------------------


def _drafts(server: Server):
    from assistant.drafting.rebuttal import rebuttal_markdown, write_rebuttal
    from assistant.drafting.survey import markdown_docx, survey_markdown, write_survey

    def _docx(draft, write, stem):
        return str(server.save_draft(draft, write, stem, suffixes=(".docx",))["docx"])

    @shown
    def survey(questionnaire):
        q = Path(questionnaire) if questionnaire else None
        if q is not None:
            safe_upload_name(q.name, REPORT_SUFFIXES)
        draft = server.draft_survey(q)
        return survey_markdown(draft, server.settings), _docx(draft, write_survey, "survey")

    @shown
    def rebuttal(upload, document):
        if upload:
            safe_upload_name(Path(upload).name, REPORT_SUFFIXES)
            path = Path(upload)
        elif document:
            path = server.source_file(document)
            if path is None:
                raise gr.Error(f"{document}: the file is no longer on disk")
        else:
            raise gr.Error("Upload the FA draft report, or choose an ingested one.")
        draft = server.draft_rebuttal(path)
        return rebuttal_markdown(draft, server.settings), _docx(draft, write_rebuttal, "rebuttal")

    @shown
    def edited(text: str, stem: str):
        if not (text or "").strip():
            raise gr.Error("Nothing to save: draft first.")
        path = server.output_path(f"{stem}-edited", ".docx")
        markdown_docx(text, path, title=f"faprep {stem} (edited)")
        return str(path)

    def reports():
        found = server.documents("fa_draft_report")
        return gr.update(choices=found, value=found[0] if found else None)

    gr.Markdown(LEGAL_NOTE)
    with gr.Tab("Pre-assessment survey"):
        questionnaire = gr.File(
            label="Your own questionnaire (optional; the 22 built-in questions otherwise)",
            file_types=list(REPORT_SUFFIXES),
        )
        go = gr.Button("Draft survey answers", variant="primary", elem_id="draft-survey")
        text = gr.Textbox(label="Draft (editable Markdown)", lines=22, max_lines=60, elem_id="survey-text")
        with gr.Row():
            docx = gr.File(label="DOCX as drafted", interactive=False, elem_id="survey-docx")
            save = gr.Button("Save my edits as DOCX", elem_id="save-survey")
            docx_edited = gr.File(label="DOCX with your edits", interactive=False, elem_id="survey-docx-edited")
        go.click(survey, questionnaire, [text, docx])
        save.click(lambda t: edited(t, "survey"), text, docx_edited)
    with gr.Tab("Response to the draft report"):
        with gr.Row():
            report = gr.File(label="FA draft report (PDF, DOCX, TXT, MD)", file_types=list(REPORT_SUFFIXES))
            document = gr.Dropdown(label="…or an ingested draft report", choices=[], allow_custom_value=False)
        go_r = gr.Button("Draft the response", variant="primary", elem_id="draft-rebuttal")
        text_r = gr.Textbox(label="Draft (editable Markdown)", lines=22, max_lines=60)
        with gr.Row():
            docx_r = gr.File(label="DOCX as drafted", interactive=False)
            save_r = gr.Button("Save my edits as DOCX")
            docx_r_edited = gr.File(label="DOCX with your edits", interactive=False)
        go_r.click(rebuttal, [report, document], [text_r, docx_r])
        save_r.click(lambda t: edited(t, "rebuttal"), text_r, docx_r_edited)
    return reports, document


def build(server: Server):
    with gr.Blocks(title="faprep") as ui:
        gr.Markdown("# faprep — Focused Assessment preparation")
        gr.Markdown(LEGAL_NOTE, elem_id="legal-note")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                _chat(server)
            with gr.Tab("Documents", id="documents"):
                load_status, status_outputs = _documents(server)
            with gr.Tab("Findings", id="findings"):
                _findings(server)
            with gr.Tab("Drafts", id="drafts"):
                load_reports, reports_dropdown = _drafts(server)
        ui.load(load_status, None, status_outputs)
        ui.load(load_reports, None, reports_dropdown)
    # Gradio queues each event one at a time by default; let as many run as the server has askers.
    ui.queue(default_concurrency_limit=server.settings.serve_askers)
    return ui


def mount(app, server: Server) -> None:
    auth = None
    if server.key:
        auth = lambda _user, password: server.key_ok(password)  # noqa: E731
    gr.mount_gradio_app(
        app,
        build(server),
        path="/",
        auth=auth,
        auth_message="Enter any user name, and the API key (FAPREP_API_KEY) as the password." if auth else None,
        max_file_size=server.upload_limit,
        css=_CSS,
        footer_links=["api"],
        allowed_paths=[str(server.outputs)],
    )
