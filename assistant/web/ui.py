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
from assistant.web.access import Actor, Gatekeeper
from assistant.web.server import REPORT_SUFFIXES, UPLOAD_SUFFIXES, Server, Servers, file_chunks, safe_upload_name
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


def servable(path: Path) -> str:
    """A copy of an output file where Gradio serves downloads from (its temporary folder), so the UI
    never has to open the workspaces' folders to the file route."""
    import shutil
    import tempfile

    folder = Path(tempfile.gettempdir()) / "faprep-ui" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    return str(shutil.copy2(path, folder / path.name))


class Access:
    """Who a UI session is and which workspace it works in: the user signed in (Gradio's login or a
    trusted proxy's header), checked against the same rules as the API (``assistant.web.access``)
    for every action, and the workspace picked in this browser session."""

    def __init__(self, servers: Servers, keeper: Gatekeeper):
        self.servers, self.keeper = servers, keeper
        self.picked: dict[str, str] = {}  # session hash -> workspace

    def actor(self, request: gr.Request | None) -> Actor:
        name = getattr(request, "username", None) if request is not None else None
        cookies = getattr(request, "cookies", None) or {}
        tokens = [v for k, v in cookies.items() if k.startswith("access-token-")]
        actor = self.keeper.by_name(name, tokens) if name else None
        if actor is None:
            if self.keeper.open:
                return self.keeper.local()
            raise gr.Error("Not signed in, or your key was changed or removed since: sign in again.")
        return actor

    def workspaces(self, actor: Actor) -> list[str]:
        return [w for w in self.servers.names() if actor.sees(w)]

    def server(self, request: gr.Request | None, route: str) -> Server:
        """The server of the session's workspace, for one action (``"METHOD /path"`` as in RULES)."""
        actor = self.actor(request)
        lacking = actor.lacks(*route.split(" ", 1))
        if lacking:
            raise gr.Error(f"{actor.name} ({actor.role}) may not do this: it needs the {lacking} role.")
        session = getattr(request, "session_hash", None) or ""
        visible = self.workspaces(actor)
        name = self.picked.get(session) or (self.servers.default if self.servers.default in visible else None)
        name = name or (visible[0] if visible else None)
        if name is None or not actor.sees(name):
            raise gr.Error(f"{actor.name} has no workspace granted; ask an admin (faprep users add ... --workspace).")
        return self.servers.get(name)

    def record(self, request: gr.Request | None, server: Server, action: str, inputs: dict, **extra) -> None:
        self.servers.record(
            self.actor(request),
            server.settings.workspace,
            action,
            inputs,
            getattr(getattr(request, "client", None), "host", None),
            via_prefix="ui/",
            **extra,
        )


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
        link = f"/api/w/{quote(server.settings.workspace)}/sources/{quote(c.source)}?t={server.source_token(c.source)}"
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


def _chat(access: Access):
    def respond(question: str, history: list, session_id: str | None, request: gr.Request):
        history = list(history or [])
        question = (question or "").strip()
        if not question:
            yield history, "", session_id, gr.skip()
            return
        history.append({"role": "user", "content": question})
        history.append({"role": "assistant", "content": "Searching the records…"})
        yield history, "", session_id, gr.skip()
        try:
            server = access.server(request, "POST /ask")
            result = server.ask(question, session_id=session_id)
            access.record(
                request,
                server,
                "ask",
                {"question": question, "session_id": session_id},
                result={"mode": result.mode, "citations": [c.source for c in result.citations]},
            )
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


def _documents(access: Access):
    def status(request: gr.Request):
        return _status_tables(access.server(request, "GET /status"))

    @shown
    def ingest(files, request: gr.Request, progress=gr.Progress()):
        server = access.server(request, "POST /ingest")
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
            access.record(
                request, server, "ingest", {"files": job.files, "refused": [r["file"] for r in refused]}, job=job.id
            )
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
    refresh.click(shown(status), None, [summary, files, rejected])
    return shown(status), [summary, files, rejected]


# --- findings --------------------------------------------------------------------------------------


PAGE_ROWS = 100  # rows of the findings table shown at once


def findings_view(result) -> dict:
    """What the findings tab keeps of a check run: one row per finding or per shared cause (see
    ``CheckRun.clusters``), and the findings by id, for paging and the evidence panel."""
    from assistant.checks import group_of

    rows, groups = [], {}
    for n, cluster in enumerate(result.clusters()):
        if len(cluster) == 1:
            f = cluster[0]
            rows.append([f.severity, f.check, f.title, money(f.amount_at_risk), f.id])
            continue
        g = group_of(cluster)
        key = f"group {n + 1}: {g.count:,} findings"
        groups[key] = g
        rows.append([g.severity, g.check, g.title, money(g.amount_at_risk), key])
    rows.sort(key=lambda r: SEVERITIES.index(r[0]))
    return {"rows": rows, "groups": groups, "findings": {f.id: f for f in result.findings}}


def findings_page(view: dict, page: int) -> tuple[pd.DataFrame, str, int]:
    """One page of the findings table, its caption and the page shown (clamped to the pages there are)."""
    rows = (view or {}).get("rows", [])
    pages = max(1, -(-len(rows) // PAGE_ROWS))
    page = min(max(1, int(page or 1)), pages)
    shown = rows[(page - 1) * PAGE_ROWS : page * PAGE_ROWS]
    first = (page - 1) * PAGE_ROWS + 1 if rows else 0
    caption = f"rows {first}–{first + len(shown) - 1 if rows else 0} of {len(rows):,} · page {page} of {pages}"
    return pd.DataFrame(shown, columns=FINDING_COLUMNS), caption, page


def finding_detail(view: dict, key: str | None) -> str:
    """The evidence panel: one finding's evidence, or a shared cause with the findings under it."""
    view = view or {}
    if key in view.get("groups", {}):
        g = view["groups"][key]
        members = [view["findings"][i] for i in g.findings]
        out = [
            f"### {g.title}",
            f"*{g.severity}* · `{g.check}` · duty at stake {money(g.amount_at_risk)} where computable",
            "**Findings** (every one, with its evidence, in the XLSX and JSON exports)",
            "\n".join(f"- {f.title} — {money(f.amount_at_risk)} `{f.id}`" for f in members[:50])
            + (f"\n- ... and {len(members) - 50:,} more" if len(members) > 50 else ""),
            "**Evidence of the first**",
            "\n".join(f"- {e}" for e in members[0].evidence),
        ]
        if members[0].recommendation:
            out += [f"**Recommendation:** {members[0].recommendation}"]
        return "\n\n".join(out)
    f = view.get("findings", {}).get(key or "")
    if not f:
        return "Select a finding to see its evidence."
    out = [
        f"### {f.title}",
        f"*{f.severity}* · `{f.check}` · duty at stake {money(f.amount_at_risk)}"
        + (f" ({f.amount_basis})" if f.amount_basis else ""),
    ]
    out += ["**Evidence**", "\n".join(f"- {e}" for e in f.evidence)]
    if f.legal_basis:
        out += ["**Legal basis:** " + "; ".join(f.legal_basis)]
    if f.recommendation:
        out += [f"**Recommendation:** {f.recommendation}"]
    return "\n\n".join(out)


FINDING_COLUMNS = ["severity", "check", "title", "duty at stake", "id"]


def _findings(access: Access):
    @shown
    def run(severity: str, request: gr.Request):
        server = access.server(request, "GET /findings")
        result = server.checks(severity=None if severity == "all" else severity)
        access.record(request, server, "check", {"severity": severity}, findings=len(result.findings))
        counts: dict[str, list] = {}
        for f in result.findings:
            c = counts.setdefault(f.check, [0, 0.0])
            c[0] += 1
            c[1] += f.amount_at_risk or 0
        by_check = pd.DataFrame(
            [{"check": c, "findings": n, "duty at stake": a} for c, (n, a) in sorted(counts.items())],
            columns=["check", "findings", "duty at stake"],
        )
        view = findings_view(result)
        head = (
            f"**{len(result.findings):,} finding(s)** in {len(view['rows']):,} row(s) (findings that share a cause "
            f"are one row), duty at stake {money(result.amount_at_risk)} where computable (as of {result.as_of}). "
            + " ".join(result.notes)
        )
        table, caption, page = findings_page(view, 1)
        return head, table, caption, page, by_check, by_check, view

    def turn(view: dict, page: float, step: int):
        return findings_page(view, int(page or 1) + step)

    def evidence(view: dict, evt: gr.SelectData):
        row = evt.row_value if evt is not None else None
        return finding_detail(view, row[-1] if row else None)

    @shown
    def audit(sample: float, seed: float, request: gr.Request):
        server = access.server(request, "POST /audit")
        r = server.audit(sample=int(sample), seed=int(seed))
        access.record(
            request, server, "mock audit", {"sample": sample, "seed": seed}, compliance_rate=r.compliance_rate
        )
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
    def export(fmt: str, request: gr.Request):
        server = access.server(request, "GET /findings/export")
        path = server.export_findings(fmt)
        access.record(request, server, "export findings", {"format": fmt}, file=path.name)
        return servable(path)

    with gr.Row():
        severity = gr.Dropdown(["all", *SEVERITIES], value="all", label="Severity", scale=1)
        go = gr.Button("Run checks", variant="primary", elem_id="run-checks", scale=1)
        xlsx = gr.Button("Export XLSX", scale=1)
        md = gr.Button("Export Markdown", scale=1)
    exported = gr.File(label="Report", interactive=False)
    head = gr.Markdown()
    table = gr.Dataframe(
        headers=FINDING_COLUMNS,
        label="Findings by severity (select one for its evidence; a row of many findings lists them)",
        interactive=False,
        elem_id="findings",
    )
    with gr.Row():
        previous = gr.Button("Previous page", scale=1, elem_id="findings-previous")
        page = gr.Number(value=1, precision=0, minimum=1, label="Page", scale=1, elem_id="findings-page")
        following = gr.Button("Next page", scale=1, elem_id="findings-next")
        caption = gr.Markdown(elem_id="findings-caption")
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
    view = gr.State({})
    go.click(run, severity, [head, table, caption, page, count_plot, amount_plot, view])
    previous.click(lambda v, p: turn(v, p, -1), [view, page], [table, caption, page])
    following.click(lambda v, p: turn(v, p, 1), [view, page], [table, caption, page])
    page.submit(lambda v, p: turn(v, p, 0), [view, page], [table, caption, page])
    table.select(evidence, view, detail)

    def export_xlsx(request: gr.Request):
        return export("xlsx", request)

    def export_md(request: gr.Request):
        return export("md", request)

    xlsx.click(export_xlsx, None, exported)
    md.click(export_md, None, exported)
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


def _drafts(access: Access):
    from assistant.drafting.rebuttal import rebuttal_markdown, write_rebuttal
    from assistant.drafting.survey import markdown_docx, survey_markdown, write_survey

    def _docx(request, server, draft, write, stem, inputs):
        path = server.save_draft(draft, write, stem, suffixes=(".docx",))["docx"]
        access.record(request, server, f"draft {stem}", inputs, files=[path.name])
        return servable(path)

    @shown
    def survey(questionnaire, request: gr.Request):
        server = access.server(request, "POST /drafts/survey")
        q = Path(questionnaire) if questionnaire else None
        if q is not None:
            safe_upload_name(q.name, REPORT_SUFFIXES)
        draft = server.draft_survey(q)
        inputs = {"questionnaire": q.name if q else None}
        return survey_markdown(draft, server.settings), _docx(request, server, draft, write_survey, "survey", inputs)

    @shown
    def rebuttal(upload, document, request: gr.Request):
        server = access.server(request, "POST /drafts/rebuttal")
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
        inputs = {"report": path.name, "document": document}
        return rebuttal_markdown(draft, server.settings), _docx(
            request, server, draft, write_rebuttal, "rebuttal", inputs
        )

    @shown
    def edited(text: str, stem: str, request: gr.Request):
        server = access.server(request, f"POST /drafts/{stem}")
        if not (text or "").strip():
            raise gr.Error("Nothing to save: draft first.")
        path = server.output_path(f"{stem}-edited", ".docx")
        markdown_docx(text, path, title=f"faprep {stem} (edited)")
        access.record(request, server, f"draft {stem} edited", {"characters": len(text)}, files=[path.name])
        return servable(path)

    def save_survey(text: str, request: gr.Request):
        return edited(text, "survey", request)

    def save_rebuttal(text: str, request: gr.Request):
        return edited(text, "rebuttal", request)

    @shown
    def reports(request: gr.Request):
        found = access.server(request, "GET /status").documents("fa_draft_report")
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
        save.click(save_survey, text, docx_edited)
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
        save_r.click(save_rebuttal, text_r, docx_r_edited)
    return reports, document


def _who(access: Access):
    """The session bar: who is signed in, the workspace picker, sign-out."""

    def load(request: gr.Request):
        actor = access.actor(request)
        visible = access.workspaces(actor)
        session = getattr(request, "session_hash", None) or ""
        picked = access.picked.get(session)
        if picked not in visible:
            picked = access.servers.default if access.servers.default in visible else (visible[0] if visible else None)
        if picked:
            access.picked[session] = picked
        how = {"open": "no sign-in configured", "sso": "single sign-on", "admin-key": "admin key"}.get(actor.via, "key")
        return (
            f"Signed in as **{actor.name}** ({actor.role}; {how})",
            gr.update(choices=visible, value=picked),
        )

    def pick(name: str, request: gr.Request):
        actor = access.actor(request)
        if name and actor.sees(name) and access.servers.exists(name):
            access.picked[getattr(request, "session_hash", None) or ""] = name
            return f"Working in workspace **{name}**."
        raise gr.Error(f"{name!r}: not a workspace granted to {actor.name}.")

    with gr.Row(equal_height=True):
        who = gr.Markdown(elem_id="signed-in")
        workspace = gr.Dropdown(label="Workspace", choices=[], elem_id="workspace", scale=1)
        picked = gr.Markdown(elem_id="workspace-picked")
        gr.Button("Sign out", link="/logout", size="sm", scale=0, elem_id="sign-out")
    workspace.input(shown(pick), workspace, picked)
    return shown(load), [who, workspace]


def build(access: Access, concurrency: int = 2):
    with gr.Blocks(title="faprep") as ui:
        gr.Markdown("# faprep — Focused Assessment preparation")
        load_who, who_outputs = _who(access)
        gr.Markdown(LEGAL_NOTE, elem_id="legal-note")
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                _chat(access)
            with gr.Tab("Documents", id="documents"):
                load_status, status_outputs = _documents(access)
            with gr.Tab("Findings", id="findings"):
                _findings(access)
            with gr.Tab("Drafts", id="drafts"):
                load_reports, reports_dropdown = _drafts(access)
        ui.load(load_who, None, who_outputs).then(load_status, None, status_outputs).then(
            load_reports, None, reports_dropdown
        )
    # Gradio queues each event one at a time by default; let as many run as the server has askers.
    ui.queue(default_concurrency_limit=concurrency)
    return ui


def mount(app, servers: Servers, keeper: Gatekeeper) -> None:
    """The UI at ``/``: sign-in by user name and key (or the admin key under any name), or single
    sign-on by a trusted proxy's header when ``trusted_proxies`` is set; nothing asked when no key
    and no user are configured."""
    access = Access(servers, keeper)
    settings = servers.settings
    auth, auth_dependency = None, None
    if settings.trusted_proxies:

        def auth_dependency(request):  # noqa: F811 - the proxy's user, or None (401)
            actor = keeper.from_proxy(request.client.host if request.client else None, request.headers)
            return actor.name if actor else None

    elif not keeper.open:

        def auth(user: str, key: str) -> bool:
            return keeper.ui_login(user, key)

    default = servers.get()
    gr.mount_gradio_app(
        app,
        build(access, settings.serve_askers),
        path="/",
        auth=auth,
        auth_dependency=auth_dependency,
        auth_message="Sign in with your user name and your key (or any name and the admin key)." if auth else None,
        max_file_size=default.upload_limit,
        css=_CSS,
        footer_links=["api"],
    )
