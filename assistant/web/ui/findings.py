"""The findings tab: run the checks, page through the findings (one row per finding or shared cause),
see a finding's evidence, charts by check, report exports, and the mock transaction test."""

from __future__ import annotations

import gradio as gr
import pandas as pd

from assistant.checks.paging import (
    FINDING_COLUMNS,
    SEVERITIES,
    counts_by_check,
    finding_detail,
    findings_page,
    findings_view,
)
from assistant.formats import money
from assistant.services import checking
from assistant.services.checking import AuditInput, CheckInput
from assistant.services.inputs import made
from assistant.web.access import UIAccess
from assistant.web.ui.common import servable, shown


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


def audit_summary(r) -> tuple[str, str, pd.DataFrame]:
    """The mock audit as the tab shows it: the sentence, the interval chart and the strata."""
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


def _controls(access: UIAccess) -> None:
    """Run the checks, the table with its pages and evidence panel, the charts, the exports."""

    @shown
    def run(severity: str, request: gr.Request):
        runtime = access.runtime(request, "GET /findings")
        given = made(CheckInput, severity=None if severity == "all" else severity)
        result = checking.check(runtime, access.caller(request), given)
        by_check = counts_by_check(result)
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
    def export(fmt: str, request: gr.Request):
        runtime = access.runtime(request, "GET /findings/export")
        return servable(checking.export_findings(runtime, access.caller(request), fmt, CheckInput()))

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


def _mock_audit(access: UIAccess) -> None:
    @shown
    def audit(sample: float, seed: float, request: gr.Request):
        runtime = access.runtime(request, "POST /audit")
        given = made(AuditInput, sample=int(sample), seed=int(seed))
        return audit_summary(checking.mock_audit(runtime, access.caller(request), given))

    gr.Markdown("### Mock transaction test")
    with gr.Row():
        sample = gr.Number(value=60, minimum=2, precision=0, label="Entry lines to sample")
        seed = gr.Number(value=1, precision=0, label="Seed")
        go_audit = gr.Button("Run mock audit")
    audit_text = gr.Markdown()
    audit_chart = gr.HTML(elem_id="compliance-chart")
    audit_table = gr.Dataframe(label="Strata (by entered value)", interactive=False)
    go_audit.click(audit, [sample, seed], [audit_text, audit_chart, audit_table])


def build(access: UIAccess) -> None:
    _controls(access)
    _mock_audit(access)
