"""Valuation checks: assists and royalties paid outside the invoice price, unit values far below usual.

How a payment is read (payments.csv, one row per payment):

* Its GL account and memo are read against word lists **by the statute's categories** (each list a
  setting, ``FAPREP_CHECK_<LIST>``): a **royalty** for royalties and licence fees (``royalty_words``,
  19 USC 1401a(b)(1)(D)) or proceeds of a resale (``proceeds_words``, (b)(1)(E)); otherwise an
  **assist** (19 USC 1401a(h)(1)(A)) for materials, components and parts supplied free or at reduced
  cost (``assist_materials_words``: "supplied free of charge", "FOC", "consigned", ...; (i)), tools,
  dies and molds (``assist_tooling_words``; (ii)), merchandise consumed in production
  (``assist_consumed_words``; (iii)) or engineering, development, artwork, design work, plans and
  sketches (``assist_engineering_words``; (iv)). Words match whole words, case-insensitively, in the
  GL account's name as in the memo. A payment that also names something that is not part of the
  price of the goods (``not_dutiable_words``: freight, buying commissions, software and ERP
  licences, insurance, ...) is not read as either, and is listed in the notes; so is design work
  bought from a vendor in the United States, which is not an assist ((iv) covers work undertaken
  elsewhere). Payments marked ``Included In Invoice Price = Y`` are already in the price and are never
  findings.
* It is **linked to entry lines** by its part number when it gives one, otherwise by its
  manufacturer ID (MID). Lines are dated by their entry summary date, the day the value (additions
  included) is declared. An assist is linked to that part's or manufacturer's lines whose entry
  summary was filed on or after the payment date (an assist is supplied before the goods made with it
  are declared); a royalty to those within ``royalty_window_days`` before or after it. A royalty-like payment that names no
  part or MID found on the entry lines (e.g. an ERP software licence) is not related to imported
  goods: it is listed in the report notes, not flagged.
* **Additions declared** (``Line Additions Amount``) on linked lines are credited to the payments
  first in, first out: each line's additions go to the earliest linked payment with a balance left,
  and are used once. What is left of a payment after crediting is undeclared.

Duty at stake = undeclared amount x the linked lines' effective duty rate (all duty on the lines,
Chapter 99 included, / their entered value), i.e. the duty the addition would have borne had it been
apportioned over those lines (19 CFR 152.103(d)).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.checks.base import (
    EVIDENCE_TEXT_LIMIT,
    LINE_COLUMNS,
    CheckContext,
    Finding,
    LineLoss,
    cap,
    check,
    finding_id,
    line_columns,
    line_row,
    line_text,
    money,
    qty,
    severity_for,
    temp_table,
)

ASSIST_BASIS = ["19 USC 1401a(b)(1)(C)", "19 USC 1401a(h)(1)", "19 CFR 152.103(d)", "19 USC 1484(a)(1)"]
ROYALTY_BASIS = ["19 USC 1401a(b)(1)(D)", "19 CFR 152.103", "19 USC 1484(a)(1)"]


def _words(words: list[str]) -> re.Pattern:
    """Whole words or phrases, case-insensitive; punctuation inside a word is kept ("f.o.c.", "buyer-furnished")."""
    return re.compile(r"(?<![a-z0-9])(" + "|".join(re.escape(w.lower()) for w in words) + r")(?![a-z0-9])")


# (category, kind, the setting with its words, what the statute calls it, the provision)
CATEGORIES = [
    ("royalty", "royalty", "royalty_words", "royalties and licence fees", "19 USC 1401a(b)(1)(D)"),
    ("proceeds", "royalty", "proceeds_words", "proceeds of a subsequent resale", "19 USC 1401a(b)(1)(E)"),
    (
        "materials",
        "assist",
        "assist_materials_words",
        "materials, components, parts and similar items incorporated in the goods",
        "19 USC 1401a(h)(1)(A)(i)",
    ),
    (
        "tooling",
        "assist",
        "assist_tooling_words",
        "tools, dies, molds and similar items used in production",
        "19 USC 1401a(h)(1)(A)(ii)",
    ),
    ("consumed", "assist", "assist_consumed_words", "merchandise consumed in production", "19 USC 1401a(h)(1)(A)(iii)"),
    (
        "engineering",
        "assist",
        "assist_engineering_words",
        "engineering, development, artwork, design work, plans and sketches",
        "19 USC 1401a(h)(1)(A)(iv)",
    ),
]
CATEGORY = {c[0]: c for c in CATEGORIES}


def read_payment(row: dict, params) -> tuple[str, str, str] | None:
    """How a payment reads: (kind, category, word matched); ("excluded", reason, word) for a payment that
    names something not part of the price, or domestic design work; None when nothing matches."""
    text = f"{row.get('gl_account') or ''} {row.get('memo') or ''}".lower()
    for category, kind, setting, _label, _law in CATEGORIES:
        m = _words(getattr(params, setting)).search(text)
        if not m:
            continue
        veto = _words(params.not_dutiable_words).search(text)
        if veto:
            return "excluded", f"also names '{veto.group(1)}', which is not part of the price of the goods", m.group(1)
        if category == "engineering" and (row.get("vendor_country") or "").upper() == "US":
            return "excluded", "design or engineering work bought in the United States is not an assist", m.group(1)
        return kind, category, m.group(1)
    return None


@dataclass
class Dutiable:
    """A payment that may have to be added to the price, and the lines it is linked to."""

    row: dict
    kind: str  # assist | royalty
    key: str  # part_number | mid
    matched_word: str
    category: str = ""  # materials | tooling | consumed | engineering | royalty | proceeds
    # the linked lines, summed in SQL; only those with additions (for crediting) and the first ones
    # (for the evidence text) are read here, the others when a report needs every row (``_fill_lines``)
    n_lines: int = 0
    value: float = 0.0
    duty: float = 0.0
    entries: list[str] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)  # linked lines with additions
    first: list[dict] = field(default_factory=list)  # the first linked lines, in order
    credited: list[tuple[dict, float]] = field(default_factory=list)
    key_on_lines: bool = False

    @property
    def amount(self) -> float:
        return float(self.row["amount"] or 0)

    @property
    def balance(self) -> float:
        return round(self.amount - sum(c for _, c in self.credited), 2)


def dutiable_payments(ctx: CheckContext) -> list[Dutiable]:
    """Classify, link and credit every payment not included in the price (the rules in the module doc)."""
    p = ctx.params
    out: list[Dutiable] = []
    for row in ctx.rows(
        "SELECT * EXCLUDE (raw) FROM payments WHERE payment_id IS NOT NULL ORDER BY payment_date, payment_id"
    ):
        read = read_payment(row, p)
        if read is None or row.get("included_in_price"):
            continue
        if read[0] == "excluded":
            ctx.note(
                f"{row['payment_id']} ({money(row['amount'])}, '{row.get('memo') or row.get('gl_account')}') says "
                f"'{read[2]}' but {read[1]}: not tested [{row['source_file']} row {row['source_row']}]"
            )
            continue
        kind, category, word = read
        if row["payment_date"] is None:
            ctx.note(
                f"{row['payment_id']}: no payment date; cannot be matched to entry lines [{row['source_file']} row {row['source_row']}]"
            )
            continue
        key = "part_number" if row.get("part_number") else "mid" if row.get("mid") else None
        if key is None:
            ctx.note(
                f"{row['payment_id']} ({money(row['amount'])}, '{row.get('memo') or row.get('gl_account')}') looks like a "
                f"{kind} but names no part or manufacturer: not related to imported goods, not tested"
            )
            continue
        out.append(Dutiable(row, kind, key, word, category))
    _link(ctx, out)
    linked = []
    for d in out:
        if d.kind == "royalty" and not d.key_on_lines:
            ctx.note(
                f"{d.row['payment_id']}: {d.key.replace('_', ' ')} {d.row[d.key]} appears on no entry line; "
                "royalty not related to imported goods in these records"
            )
            continue
        linked.append(d)
    _credit_additions(linked, p.royalty_window_days)
    return linked


# A payment's eligible lines: an assist's from its payment date on, a royalty's within the window.
_LINKED = """linked_payments p JOIN lines l ON {line_col} = p.k
    WHERE ((p.kind = 'assist' AND l.entry_summary_date >= CAST(p.paid AS DATE))
       OR (p.kind = 'royalty' AND abs(date_diff('day', CAST(p.paid AS DATE), l.entry_summary_date)) <= ?))"""
_LINK_KEYS = (("part_number", "l.part_number"), ("mid", "upper(l.mid)"))


def _linked_payments(con, payments: list[Dutiable], key: str) -> None:
    """The temporary table ``linked_payments`` of the payments linked by ``key``."""
    ds = [d for d in payments if d.key == key]
    columns = {
        "payment_id": [d.row["payment_id"] for d in ds],
        "k": [d.row[key].strip().upper() if key == "mid" else d.row[key] for d in ds],
        "kind": [d.kind for d in ds],
        "paid": [str(d.row["payment_date"]) for d in ds],
    }
    temp_table(con, "linked_payments", columns)


def _link(ctx: CheckContext, payments: list[Dutiable]) -> None:
    """Each payment's eligible lines, in one join per link key (part number, MID): counted and summed
    in SQL; the lines with additions and the first lines of each payment read."""
    by_id = {d.row["payment_id"]: d for d in payments}
    window = [ctx.params.royalty_window_days]
    shown = EVIDENCE_TEXT_LIMIT + 1
    for key, line_col in _LINK_KEYS:
        _linked_payments(ctx.con, payments, key)
        linked = _LINKED.format(line_col=line_col)
        present = {
            r[0]
            for r in ctx.con.execute(
                f"SELECT DISTINCT p.payment_id FROM linked_payments p JOIN lines l ON {line_col} = p.k"
            ).fetchall()
        }
        for pid in present:
            by_id[pid].key_on_lines = True
        for pid, n, value, duty, entries in ctx.con.execute(
            f"""SELECT p.payment_id, count(*), sum(coalesce(l.value, 0))::DOUBLE, sum(coalesce(l.total_duty, 0))::DOUBLE,
                       list(DISTINCT l.entry_number ORDER BY l.entry_number)
                FROM {linked} GROUP BY p.payment_id""",
            window,
        ).fetchall():
            d = by_id[pid]
            d.n_lines, d.value, d.duty, d.entries = n, value, duty, list(entries)
        order = "ORDER BY p.payment_id, l.entry_summary_date, l.entry_number, l.line_number"
        for r in ctx.rows(
            f"SELECT p.payment_id, {line_columns('l')} FROM {linked} AND l.additions > 0 {order}", window
        ):
            by_id[r.pop("payment_id")].lines.append(r)
        # enough first lines to show EVIDENCE_TEXT_LIMIT of them besides any credited ones
        most = shown + max((len(d.lines) for d in by_id.values()), default=0)
        for r in ctx.rows(
            f"""SELECT p.payment_id, {line_columns("l")} FROM {linked}
                QUALIFY row_number() OVER (PARTITION BY p.payment_id
                                           ORDER BY l.entry_summary_date, l.entry_number, l.line_number) <= ?
                {order}""",
            [*window, most],
        ):
            by_id[r.pop("payment_id")].first.append(r)


def _fill_lines(con, params, pending: list[tuple[Finding, Dutiable]]) -> None:
    """Every linked line of these payments' findings: an evidence row each (after the payment's row)
    and the duty at stake apportioned to it by value. Run when a report needs them."""
    payments = [d for _, d in pending]
    by_id = {d.row["payment_id"]: (f, d) for f, d in pending}
    rows: dict[str, list[dict]] = {pid: [] for pid in by_id}
    for key, line_col in _LINK_KEYS:
        if not any(d.key == key for d in payments):
            continue
        _linked_payments(con, payments, key)
        cur = con.execute(
            f"""SELECT p.payment_id, {line_columns("l")} FROM {_LINKED.format(line_col=line_col)}
                ORDER BY p.payment_id, l.entry_summary_date, l.entry_number, l.line_number""",
            [params.royalty_window_days],
        )
        cols = [c[0] for c in cur.description]
        for r in cur.fetchall():
            rows[r[0]].append(dict(zip(cols[1:], r[1:])))
    for pid, (f, d) in by_id.items():
        credited = {(ln["entry_number"], ln["line_number"]): c for ln, c in d.credited}
        f.evidence_rows += [
            line_row(ln) | {"payment_id": pid, "credited": credited.get((ln["entry_number"], ln["line_number"]), 0.0)}
            for ln in rows[pid]
        ]
        if f.amount_at_risk is not None and d.value > 0:
            f.lines = [
                LineLoss(
                    ln["entry_number"],
                    ln["line_number"],
                    round(f.amount_at_risk * float(ln["value"] or 0) / d.value, 2),
                )
                for ln in rows[pid]
            ]


def _credit_additions(payments: list[Dutiable], window: int) -> None:
    """First in, first out: each line's additions go to its earliest linked payments with a balance."""
    lines: dict[tuple, dict] = {}
    linked: dict[tuple, list[Dutiable]] = {}
    for d in payments:
        for ln in d.lines:
            k = (ln["entry_number"], ln["line_number"])
            if float(ln.get("additions") or 0) > 0:
                lines[k] = ln
                linked.setdefault(k, []).append(d)
    for k in sorted(lines, key=lambda k: (lines[k]["entry_summary_date"], k)):
        left = float(lines[k]["additions"])
        for d in sorted(linked[k], key=lambda d: (d.row["payment_date"], d.row["payment_id"])):
            if left <= 0:
                break
            take = min(left, d.balance)
            if take > 0:
                d.credited.append((lines[k], take))
                left = round(left - take, 2)


def _finding(ctx: CheckContext, d: Dutiable, check_id: str, basis_laws: list[str]) -> Finding | None:
    row = d.row
    undeclared = d.balance
    if undeclared < 0.01:
        return None
    value, duty = d.value, d.duty
    key_text = f"{d.key.replace('_', ' ')} {row[d.key]}"
    if value > 0:
        rate = duty / value
        amount = round(undeclared * rate, 2)
        basis = (
            f"undeclared {money(undeclared)} x {rate:.2%}, the effective duty rate (all duty / entered value) of the "
            f"{d.n_lines} linked line(s) of {key_text}"
        )
    else:
        amount = None
        basis = f"not computed: no entry line of {key_text} " + (
            "on or after the payment date yet; declare it on the first entries of goods made with it"
            if d.kind == "assist"
            else f"within {ctx.params.royalty_window_days} days of the payment"
        )
    declared = sum(c for _, c in d.credited)
    subject = {"payment_id": row["payment_id"]}
    what = "Assist" if d.kind == "assist" else "Royalty"
    title = f"{what} {row['payment_id']} {money(d.amount)} to {row.get('vendor_name') or 'n/a'} for {key_text}: " + (
        f"{money(undeclared)} not declared" + (f" ({money(declared)} declared as additions)" if declared else "")
    )
    evidence = [
        f"Payment {row['payment_id']} {row['payment_date']}: {money(d.amount)} to {row.get('vendor_name')} ({row.get('vendor_country') or 'n/a'}), "
        f"GL '{row.get('gl_account') or ''}', memo '{row.get('memo') or ''}', MID {row.get('mid') or 'n/a'}, included in price: "
        f"{'Y' if row.get('included_in_price') else 'N'} [{row['source_file']} row {row['source_row']}]",
        f"Read as {d.kind}: the GL account or memo says '{d.matched_word}' ({CATEGORY[d.category][3]}, "
        f"{CATEGORY[d.category][4]})",
        f"Linked entry lines ({'entry summary on or after the payment' if d.kind == 'assist' else f'within {ctx.params.royalty_window_days} days'}): "
        f"{d.n_lines} line(s) on {len(d.entries)} entries, value {money(value)}",
    ]
    if d.credited:
        evidence += [line_text(ln, f"additions {money(c)} credited to {row['payment_id']}") for ln, c in d.credited]
    else:
        evidence.append("No Line Additions Amount on any linked line")
    credited_keys = {(ln["entry_number"], ln["line_number"]) for ln, _ in d.credited}
    others = [ln for ln in d.first if (ln["entry_number"], ln["line_number"]) not in credited_keys]
    evidence += cap(
        [line_text(ln) for ln in others[: EVIDENCE_TEXT_LIMIT + 1]], d.n_lines - len(credited_keys), "linked lines"
    )
    rows = [
        {
            "payment_id": row["payment_id"],
            "payment_date": str(row["payment_date"]),
            "amount": d.amount,
            "vendor": row.get("vendor_name"),
            "gl_account": row.get("gl_account"),
            "memo": row.get("memo"),
            "part_number": row.get("part_number"),
            "mid": row.get("mid"),
            "source": f"{row['source_file']} row {row['source_row']}",
            "declared": declared,
            "undeclared": undeclared,
        }
    ]
    finding = Finding.of(
        id=finding_id(check_id, subject),
        check=check_id,
        severity=severity_for("high", amount, ctx.params),
        title=title,
        subject=subject,
        entries=list(d.entries),
        amount_at_risk=amount,
        amount_basis=basis,
        evidence=evidence,
        legal_basis=basis_laws,
        evidence_rows=rows,
        lines=[],
    )
    return finding


def _payment_findings(ctx: CheckContext, kind: str, check_id: str, basis: list[str]) -> list[Finding]:
    """The findings of the payments of one kind; every linked line's evidence row is read when a
    report needs it (``CheckContext.defer``), since one payment may be linked to thousands."""
    pending = [
        (f, d)
        for d in ctx.cache("dutiable", lambda: dutiable_payments(ctx))
        if d.kind == kind
        if (f := _finding(ctx, d, check_id, basis))
    ]
    if pending:
        params = ctx.params
        ctx.defer([f for f, _ in pending], lambda con: _fill_lines(con, params, pending))
    return [f for f, _ in pending]


@check(
    "undeclared_assist",
    title="Assist paid outside the price, not declared",
    legal_basis=ASSIST_BASIS,
    params=[
        "assist_materials_words",
        "assist_tooling_words",
        "assist_consumed_words",
        "assist_engineering_words",
        "not_dutiable_words",
    ],
    severity="high",
    subject=["payment_id"],
)
def undeclared_assist(ctx: CheckContext) -> list[Finding]:
    """A payment for tooling, molds, dies, engineering, design or artwork, or materials supplied to
    a foreign manufacturer (an assist), not included in the invoice price and not (fully) declared as
    Line Additions Amount on that part's or manufacturer's entry lines declared (entry summary) on or
    after the payment date.
    Additions are credited to payments first in, first out; a partly declared assist is flagged for
    the rest."""
    return _payment_findings(ctx, "assist", "undeclared_assist", ASSIST_BASIS)


@check(
    "royalty_omission",
    title="Royalty or licence fee not added to the price",
    legal_basis=ROYALTY_BASIS,
    params=["royalty_words", "proceeds_words", "not_dutiable_words", "royalty_window_days"],
    severity="high",
    subject=["payment_id"],
)
def royalty_omission(ctx: CheckContext) -> list[Finding]:
    """A royalty or license fee related to the imported goods (its part number or manufacturer is on
    entry lines), paid outside the invoice price and not declared as additions on the lines whose entry
    summary is within royalty_window_days of the payment. Licence fees with no link to imported goods (software,
    services) are listed in the notes, not flagged."""
    return _payment_findings(ctx, "royalty", "royalty_omission", ROYALTY_BASIS)


@check(
    "value_outlier",
    title="Unit value far below the part's usual",
    legal_basis=["19 USC 1401a(b)", "19 USC 1484(a)(1)", "19 USC 1592"],
    params=["outlier_min_lines", "outlier_robust_z", "outlier_max_ratio"],
    severity="medium",
    subject=["entry", "line"],
)
def value_outlier(ctx: CheckContext) -> list[Finding]:
    """An entry line whose unit price ((entered value - line additions) / quantity, main tariff ordinal
    only, so Chapter 99 rows never count) is far below that part's usual unit price: robust z-score
    0.6745 x (price - median) / MAD at or below -outlier_robust_z, and price at most outlier_max_ratio
    x the median. Parts with fewer than outlier_min_lines priced lines (per unit of measure) are not
    tested. When the MAD is 0 the mean absolute deviation x 1.2533 stands in for it."""
    p = ctx.params
    rows = ctx.rows(
        f"""WITH priced AS (
               SELECT {LINE_COLUMNS}, coalesce(uom, '') AS u, (value - coalesce(additions, 0)) / quantity AS unit_price FROM lines
               WHERE part_number IS NOT NULL AND quantity > 0 AND value > 0
           ), med AS (
               SELECT part_number, u, count(*) AS n, median(unit_price) AS med, mad(unit_price) AS mad
               FROM priced GROUP BY part_number, u HAVING count(*) >= ?
           ), stats AS (
               SELECT m.part_number, m.u, m.n, m.med,
                      CASE WHEN m.mad > 0 THEN m.mad ELSE 1.2533 * avg(abs(p.unit_price - m.med)) END AS spread
               FROM med m JOIN priced p USING (part_number, u) GROUP BY m.part_number, m.u, m.n, m.med, m.mad
           )
           SELECT p.*, s.n, s.med, s.spread
           FROM priced p JOIN stats s USING (part_number, u)
           WHERE s.spread > 0 AND p.unit_price <= ? * s.med AND 0.6745 * (p.unit_price - s.med) / s.spread <= -?
           ORDER BY p.part_number, p.entered, p.entry_number, p.line_number""",
        [p.outlier_min_lines, p.outlier_max_ratio, p.outlier_robust_z],
    )
    findings = []
    for r in rows:
        price, med, z = (
            float(r["unit_price"]),
            float(r["med"]),
            0.6745 * (float(r["unit_price"]) - float(r["med"])) / float(r["spread"]),
        )
        value = float(r["value"] or 0)
        rate = float(r["total_duty"] or 0) / value if value else 0.0
        shortfall = (med - price) * float(r["quantity"])
        amount = round(shortfall * rate, 2)
        subject = {"entry": r["entry_number"], "line": r["line_number"]}
        findings.append(
            Finding(
                id=finding_id("value_outlier", subject),
                check="value_outlier",
                severity=severity_for("medium", amount, p),
                title=f"{r['entry_number']} line {r['line_number']}: {r['part_number']} at {money(price)}/{r.get('uom') or 'unit'}, "
                f"{price / med:.0%} of its usual {money(med)}",
                cause=f"{r['part_number']}: unit price far below its usual {money(med)}/{r.get('uom') or 'unit'}",
                subject=subject,
                entries=[r["entry_number"]],
                amount_at_risk=amount,
                amount_basis=(
                    f"(median {money(med)} - {money(price)}) x {qty(r['quantity'])} = {money(shortfall)} possible undervaluation "
                    f"x {rate:.2%}, the line's effective duty rate"
                ),
                evidence=[
                    line_text(r, f"unit price {money(price)}"),
                    f"{r['part_number']}: {r['n']} priced line(s), median unit price {money(med)}, robust spread {float(r['spread']):.4f}, "
                    f"robust z {z:.1f} (threshold -{p.outlier_robust_z}), ratio {price / med:.2f} (threshold {p.outlier_max_ratio})",
                ],
                legal_basis=[],
                evidence_rows=[
                    line_row(r)
                    | {
                        "unit_price": round(price, 4),
                        "median_unit_price": round(med, 4),
                        "robust_z": round(z, 2),
                        "lines_of_part": r["n"],
                    }
                ],
                lines=[LineLoss(entry=r["entry_number"], line=r["line_number"], loss=amount)],
            )
        )
    return findings
