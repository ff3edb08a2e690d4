"""Answers from the checks: findings of the checks a question asks for, one finding in detail, and a
summary of where the importer stands.

* **Routed checks** (``routing``): the findings, each with its severity, duty at stake, evidence rows
  and id.
* **One finding** (a follow-up that picks or refers to a finding of the previous answer): its title,
  duty at stake, the entries it affects, its evidence and what to do.
* **A summary** ("what are our biggest risks", "where do we stand", "what should we fix first"): every
  check run, the findings grouped by cause and ranked by severity and duty at stake, the top few with
  their counts and the total, each cited by its id.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.answering import answer as ans
from assistant.answering.conversation import FrameItem
from assistant.answering.routing import Route
from assistant.checks.base import CLASSIFICATION_CHECKS, SEVERITY_ORDER
from assistant.formats import money

SUMMARY = (
    "What are our biggest compliance risks?",
    "Where do we stand overall before the audit? Summarize our exposure",
    "What should we fix first? Our top problems and priorities",
    "Give me an overview of our findings and the duty at stake",
    "Where are we most exposed? Our exposure and liability",
    "What is the status of our customs compliance? A short status report",
    "What are the risks on this product line or program?",
    "Where are we weakest? Our weak spots and gaps",
    "How ready are we for the audit? What would CBP find if it audited us today?",
    "What are the main issues management should know about?",
)
# a question for one fact (a count, a person, a date, one of a kind of thing) is no request for the picture
ONE_FACT = re.compile(
    r"^\s*(?:how (?:many|much)|who|whom|when|which (?!problems?|issues?|risks?|findings?|areas?|ones?|things?|gaps?)\w+)\b",
    re.I,
)
MIN_SUMMARY = 0.45  # with the picture's words said (assistant.answering.ask.OVERALL)
TOP_CAUSES = 5


def render_findings(runs, routed: Route) -> ans.Answer:
    """The findings of the checks run, as the answer: each with severity, amount, and evidence rows."""
    from assistant.checks import REGISTRY

    lines, findings, classification = [], [], False
    scope = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in routed.args.items())
    for check_id, run in runs:
        info = REGISTRY[check_id]
        classification |= check_id in CLASSIFICATION_CHECKS
        if not run.findings:
            if len(runs) == 1:
                lines.append(f"{info.title}: no findings{' for ' + scope if scope else ''}.")
            continue
        lines.append(f"{info.title}: {len(run.findings)} finding(s){' for ' + scope if scope else ''}.")
        for f in run.findings:
            amount = f" (duty at stake ${f.amount_at_risk:,.2f})" if f.amount_at_risk is not None else ""
            lines.append(f"- [{f.severity.upper()}] {f.title}{amount} [{f.id}]")
            lines.extend(f"    {e}" for e in f.evidence[:5])
            if len(f.evidence) > 5:
                lines.append(f"    ... {len(f.evidence) - 5} more evidence line(s): faprep check --check {check_id}")
            findings.append(f.model_dump(mode="json"))
        lines.extend(f"note: {n}" for n in run.notes)
        for q in run.law.get(check_id, [])[:1]:
            lines.append(f'The law: {q["cite"]}: "{q["quote"]}"')
    if not findings and len(runs) > 1:
        lines.append(f"No findings from the {len(runs)} checks run{' for ' + scope if scope else ''}.")
    text = "\n".join(lines)
    if classification:
        text += "\n\n" + ans.LEGAL_NOTE
    return ans.Answer(answer=text, tools_called=[c for c, _ in runs], findings=findings)


def finding_items(findings: list[dict]) -> list[FrameItem]:
    """The findings of an answer as the conversation keeps them: each with its duty at stake and the
    things it concerns, so "the biggest one" and "which entries does it affect" can be followed."""
    out = []
    for f in findings:
        things: dict[str, list[str]] = {"entry": list(f.get("entries") or [])[:50]}
        subject = f.get("subject") or {}
        for key, kind in (("part_number", "part"), ("payment_id", "payment"), ("entry", "entry")):
            if subject.get(key):
                things.setdefault(kind, [])
                if subject[key] not in things[kind]:
                    things[kind].insert(0, subject[key])
        out.append(FrameItem("finding", f["id"], f.get("amount_at_risk"), f.get("title", ""), things))
    return out


def finding_detail(finding, check_title: str) -> ans.Answer:
    """One finding in detail: what, duty at stake, the entries it affects, evidence, what to do."""
    entries = finding.entries
    parts = [
        f"{finding.title} [{finding.id}].",
        f"Duty at stake: {money(finding.amount_at_risk)}"
        + (f" ({finding.amount_basis})." if finding.amount_basis else "."),
        f"It affects {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}: {', '.join(entries[:30])}"
        + (f" and {len(entries) - 30} more" if len(entries) > 30 else "")
        + "."
        if entries
        else "It names no entry.",
        "Evidence:",
        *[f"- {e}" for e in finding.evidence[:8]],
    ]
    if finding.recommendation:
        parts.append(f"What to do: {finding.recommendation}")
    text = "\n".join(parts)
    if finding.check in CLASSIFICATION_CHECKS:
        text += "\n\n" + ans.LEGAL_NOTE
    return ans.Answer(answer=text, tools_called=[finding.check], findings=[finding.model_dump(mode="json")])


class Summaries:
    """Recognises a request for the overall picture and answers it from every check's findings."""

    def __init__(self, embedder):
        self.embedder = embedder
        self._vecs = np.asarray(embedder.embed(list(SUMMARY)), dtype=np.float32)

    def asks(self, qvec, question: str = "") -> float:
        """How close the question is to a request for the overall picture: the better of its own embedding
        and that of the question with its customs words spelled out ("a PD": a prior disclosure)."""
        from assistant.answering.routing import spelled_out

        return float(spelled_out(self._closeness, self.embedder, question, qvec))

    def _closeness(self, qvec) -> float:
        q = np.asarray(qvec, dtype=np.float32)
        sims = self._vecs @ q / (np.linalg.norm(self._vecs, axis=1) * (np.linalg.norm(q) or 1.0))
        return float(sims.max())

    @staticmethod
    def answer(run, parts: list[str] | None = None) -> ans.Answer:
        """The findings grouped by cause, ranked by severity and duty at stake, the top ones first; only
        those that concern ``parts`` (by their subject, title or entries' lines) when given."""
        from assistant.checks import REGISTRY, group_of

        scope = ""
        if parts:
            run = run.model_copy(update={"findings": [f for f in run.findings if _concerns(f, parts)]})
            scope = f" for {', '.join(parts)}"
        clusters = run.clusters()
        if not clusters:
            return ans.Answer(
                answer=f"The checks find nothing to fix{scope}: {len(run.checks)} checks ran over the records "
                f"(as of {run.as_of}).",
                tools_called=[c.id for c in run.checks],
            )
        groups = sorted(
            (group_of(c) for c in clusters),
            key=lambda g: (SEVERITY_ORDER[g.severity], -(g.amount_at_risk or 0.0), -g.count),
        )
        by_check: dict[str, list] = {}
        for g in groups:
            by_check.setdefault(g.check, []).append(g)
        ranked = sorted(
            by_check.items(),
            key=lambda kv: (SEVERITY_ORDER[kv[1][0].severity], -sum(g.amount_at_risk or 0.0 for g in kv[1])),
        )
        lines = [
            f"Where you stand{scope} (as of {run.as_of}): {len(run.findings):,} finding(s) from {len(run.checks)} checks, "
            f"duty at stake {money(run.amount_at_risk)} where computable. Most pressing first (by severity, then "
            "duty at stake):"
        ]
        cited: list[str] = []
        for i, (check, gs) in enumerate(ranked[:TOP_CAUSES], 1):
            n = sum(g.count for g in gs)
            at_stake = sum(g.amount_at_risk or 0.0 for g in gs)
            ids = [fid for g in gs for fid in g.findings][:3]
            cited += ids
            lines.append(
                f"{i}. [{gs[0].severity.upper()}] {REGISTRY[check].title}: {n} finding(s), duty at stake "
                f"{money(at_stake)}; first: {gs[0].title} [{', '.join(ids)}]"
            )
        if len(ranked) > TOP_CAUSES:
            lines.append(f"... and {len(ranked) - TOP_CAUSES} more kind(s) of finding: faprep check")
        findings = [f.model_dump(mode="json") for f in run.findings if f.id in set(cited)]
        return ans.Answer(answer="\n".join(lines), tools_called=[c.id for c in run.checks], findings=findings)


def _concerns(finding, parts: list[str]) -> bool:
    """Whether a finding concerns one of ``parts``: its subject names it, or its title does (a payment's
    finding names the part the payment was for)."""
    from ingest.identifiers import names

    said = " ".join(str(v) for v in finding.subject.values()) + " " + finding.title
    return any(names(said, p) for p in parts)
