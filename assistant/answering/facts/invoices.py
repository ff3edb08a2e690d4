"""Fact kinds about a part on the commercial invoices: the invoice line that names it (quoted as the
invoice prints it), its quantity, amount and price a piece, tied out to the value the entry line of
that invoice's entry declared for the part.

An invoice is a document of kind ``commercial_invoice`` (ingest/documents.py); its entry is the one the
document names or is filed under (``document_entries``). The line is read for a quantity with its unit
("3,000 pcs", "quantity 400 NO"), a unit price ("unit price $6.37", "@ 4.15") and the line's amount (the
last sum of money on it); a price a piece the invoice does not print is computed from the other two and
said to be computed. A difference between the invoice amount and the entered value is stated, not
judged: assists, royalties, freight or a discount can explain it, and the checks test those.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from assistant.answering.facts.question import Named
from assistant.answering.facts.registry import FactContext, fact_kind
from assistant.answering.facts.types import Fact, cite, markers
from assistant.formats import day, money
from ingest.identifiers import names

LISTED_INVOICES = 5  # invoices shown for a part, the latest first; the rest are counted
_QTY = re.compile(
    r"(?:\bquantity\W{0,3}|\bqty\W{0,3})?\b(\d[\d,]*(?:\.\d+)?)\s*"
    r"(pcs|pc|pieces?|units?|no|nos|ea|each|sets?|prs|pairs?|dozens?|doz|dz|cartons?|ctns?|kgs?|m)\b",
    re.I,
)
_UNIT_PRICE = re.compile(
    r"(?:\bunit price|\bprice(?: per| a| each)?(?: piece| unit)?|@)\W{0,3}(?:USD|US\$|\$)?\s*(\d[\d,]*(?:\.\d+)?)", re.I
)
_NUMBER = re.compile(r"\binvoice\s*(?:no\.?|number|#)\s*:?\s*([A-Z0-9][\w/-]*\d[\w/-]*)", re.I)
_MONEY = re.compile(r"(?:USD|US\$|\$)\s*(\d[\d,]*\.\d{2})\b|\b(\d{1,3}(?:,\d{3})+\.\d{2})\b")


def _dec(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None


def read_line(line: str) -> dict:
    """The quantity (with its unit), the unit price and the amount an invoice line states (None: not stated)."""
    qty = _QTY.search(line)
    price = _UNIT_PRICE.search(line)
    amounts = [_dec(m.group(1) or m.group(2)) for m in _MONEY.finditer(line)]
    amounts = [a for a in amounts if a is not None]
    quantity = _dec(qty.group(1)) if qty else None
    unit_price = _dec(price.group(1)) if price else None
    amount = amounts[-1] if amounts else None
    if unit_price is not None and amount is not None and unit_price == amount and len(amounts) == 1:
        amount = None  # the only sum on the line is its price a piece
    return {"quantity": quantity, "unit": qty.group(2) if qty else "", "unit_price": unit_price, "amount": amount}


@fact_kind(
    "part_invoice",
    thing="part",
    descriptions=[
        "What does the invoice show for the part: quantity, unit price and amount?",
        "How many of the part were on the invoice?",
        "What price a piece did the invoice give for the part?",
        "Does the invoice value tie to the entered value on the entry summary?",
    ],
    needs=r"\binvoices?\b|\bci\b",
)
def part_invoice(ctx: FactContext, named: Named) -> list[Fact]:
    out = []
    for part in named.parts:
        found = _invoice_lines(ctx, part, named)
        if not found:
            out.append(Fact("part_invoice", f"No ingested commercial invoice names {part}.", []))
            continue
        for path, line, entry, number in found[:LISTED_INVOICES]:
            out += _tie_out(ctx, part, path, line, entry, number)
        if len(found) > LISTED_INVOICES:
            out.append(
                Fact(
                    "part_invoice",
                    f"{len(found) - LISTED_INVOICES} more invoice(s) name {part}; these are the latest "
                    f"{LISTED_INVOICES}.",
                    [],
                )
            )
    return out


def _invoice_lines(ctx: FactContext, part: str, named: Named) -> list[tuple[str, str, str | None, str]]:
    """(invoice path, the line naming the part, the invoice's entry, its number) for each invoice that
    names it, the
    latest entry first; within ``named.period`` when the question gives one."""
    rows = ctx.look.rows(
        "SELECT p.path, p.text, any_value(de.entry_number) AS entry_number, "
        "min(e.entry_summary_date) AS summary_date "
        "FROM documents d JOIN pages p USING (path) "
        "LEFT JOIN document_entries de ON de.path = d.path "
        "LEFT JOIN entry_lines e ON e.entry_number = de.entry_number "
        "WHERE d.kind = 'commercial_invoice' AND strpos(lower(p.text), lower(?)) > 0 "
        "GROUP BY p.path, p.page, p.text ORDER BY summary_date DESC NULLS LAST, p.path",
        [part],
    )
    out = []
    for r in rows:
        when = r.get("summary_date")
        if named.period is not None and (when is None or not named.period.start <= when <= named.period.end):
            continue
        text = r["text"] or ""
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if names(line, part):
                if read_line(line)["amount"] is None and i + 1 < len(lines):  # a line the PDF wrapped
                    line = f"{line}\n{lines[i + 1]}"
                number = _NUMBER.search(text)
                out.append((r["path"], line.strip(), r.get("entry_number"), number.group(1) if number else ""))
                break
    return out


def _tie_out(ctx: FactContext, part: str, path: str, line: str, entry: str | None, number: str) -> list[Fact]:
    """The invoice's line (quoted) and what its entry declared for the part (cited), tied out."""
    read = read_line(line)
    said = []
    if read["quantity"] is not None:
        said.append(f"quantity {read['quantity']:,} {read['unit']}".strip())
    if read["unit_price"] is not None:
        said.append(f"unit price {money(read['unit_price'])}")
    elif read["quantity"] and read["amount"] is not None:
        per = (read["amount"] / read["quantity"]).quantize(Decimal("0.0001")).normalize()
        said.append(f"{money(per) if per == per.quantize(Decimal('0.01')) else '$' + str(per)} a piece (computed)")
    if read["amount"] is not None:
        said.append(f"amount {money(read['amount'])}")
    invoice = f"Invoice {number}" if number else f"The invoice {path.rsplit('/', 1)[-1]}"
    escaped = re.escape(line).replace(r"\n", r"\s*")
    listed = Fact(
        "part_invoice",
        f"{invoice} lists {part}" + (f": {', '.join(said)}" if said else "") + ".",
        [],
        documents=[(path, escaped)],
    )
    text, sources = "", []
    if entry:
        lines = ctx.look.rows(
            "SELECT * FROM entry_lines WHERE entry_number = ? AND part_number = ? AND coalesce(tariff_ordinal, 1) = 1",
            [entry, part],
        )
        if lines:
            value = sum((Decimal(str(r["value"] or 0)) for r in lines), Decimal(0))
            src = cite(
                "entry_lines",
                lines,
                ["entry_number", "part_number", "value"],
                money(value),
                f"the entered value of {part} on entry {entry}",
            )
            sources = src
            tie = ""
            if read["amount"] is not None:
                gap = value - read["amount"]
                tie = (
                    " It ties to the invoice amount." if gap == 0 else f" It differs from the invoice by {money(gap)}."
                )
            text = (
                f"Entry {entry} ({day(lines[0]['entry_summary_date'])}) declared {money(value)} for {part} "
                f"{markers(src)}.{tie}"
            )
        else:
            text = f"Entry {entry} declares no line for {part}."
    return [listed] + ([Fact("part_invoice", text, sources)] if text else [])


@fact_kind(
    "invoice_parts",
    thing="invoice",
    descriptions=[
        "Which parts does the invoice list? Does the invoice show every part the entry declares?",
        "Does the invoice match the entry lines filed under it?",
        "What is on the invoice?",
    ],
)
def invoice_parts(ctx: FactContext, named: Named) -> list[Fact]:
    """The parts the entry lines declare under an invoice number, each said to be on the invoice document
    or not: a line the invoice does not support is a recordkeeping and valuation question."""
    out = []
    for inv in named.invoices:
        lines = ctx.look.rows(
            "SELECT * FROM entry_lines WHERE invoice_number = ? AND coalesce(tariff_ordinal, 1) = 1 "
            "ORDER BY entry_number, line_number",
            [inv],
        )
        docs = ctx.look.rows(
            "SELECT p.path, p.text FROM documents d JOIN pages p USING (path) "
            "WHERE d.kind = 'commercial_invoice' AND strpos(p.text, ?) > 0 ORDER BY p.path, p.page",
            [inv],
        )
        if not docs:
            out.append(Fact("invoice_parts", f"No ingested commercial invoice document is numbered {inv}.", []))
            continue
        text = "\n".join(d["text"] or "" for d in docs)
        path = docs[0]["path"]
        parts = list(dict.fromkeys(r["part_number"] for r in lines if r.get("part_number")))
        shown = [p for p in parts if names(text, p)]
        missing = [p for p in parts if p not in shown]
        if not lines:
            out.append(Fact("invoice_parts", f"No entry line gives Commercial Invoice Number {inv}.", []))
            continue
        src = cite(
            "entry_lines",
            lines,
            ["invoice_number", "entry_number", "line_number", "part_number"],
            ", ".join(parts),
            f"the main-ordinal entry lines filed under invoice {inv}",
        )
        said = (
            f"The entry lines filed under invoice {inv} declare {', '.join(parts) or 'no part number'} {markers(src)}."
        )
        if shown:
            said += f" The invoice document lists {', '.join(shown)}."
        if missing:
            where = "; ".join(
                f"{p} on {r['entry_number']} line {r['line_number']}"
                for p in missing
                for r in lines
                if r.get("part_number") == p
            )
            said += f" It does not list {', '.join(missing)} ({where})."
        quote = [(path, rf"[^\n]*{re.escape(shown[0])}[^\n]*")] if shown else [(path, rf"[^\n]*{re.escape(inv)}[^\n]*")]
        out.append(Fact("invoice_parts", said, src, documents=quote))
    return out
