"""The findings table as people page through it: one row per finding, or per cause that many findings
share (:meth:`CheckRun.clusters`), sorted by severity, shown a page at a time, with the evidence of
the row selected. The UI's findings tab and the checks benchmark both use it."""

from __future__ import annotations

import pandas as pd

from assistant.formats import money

PAGE_ROWS = 100  # rows of the findings table shown at once
SEVERITIES = ("high", "medium", "low")
FINDING_COLUMNS = ["severity", "check", "title", "duty at stake", "id"]


def findings_view(result) -> dict:
    """What the findings table keeps of a check run: one row per finding or per shared cause, and the
    findings by id, for paging and the evidence panel."""
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
    return {"rows": rows, "groups": groups, "findings": {f.id: f for f in result.findings}, "law": result.law}


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
    """The evidence panel (Markdown): one finding's evidence, or a shared cause with the findings under it."""
    view = view or {}
    if key in view.get("groups", {}):
        return _group_detail(view, view["groups"][key])
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
    out += [f'**{q["cite"]}** {q["title"]}: "{q["quote"]}"' for q in view.get("law", {}).get(f.check, [])]
    if f.recommendation:
        out += [f"**Recommendation:** {f.recommendation}"]
    return "\n\n".join(out)


def _group_detail(view: dict, g) -> str:
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


def counts_by_check(result) -> pd.DataFrame:
    """Findings and duty at stake per check, for the charts."""
    counts: dict[str, list] = {}
    for f in result.findings:
        c = counts.setdefault(f.check, [0, 0.0])
        c[0] += 1
        c[1] += f.amount_at_risk or 0
    return pd.DataFrame(
        [{"check": c, "findings": n, "duty at stake": a} for c, (n, a) in sorted(counts.items())],
        columns=["check", "findings", "duty at stake"],
    )
