"""A small PDF writer for the fourth case (fpdf2, text layer, core fonts, Letter size): styled blocks, simple
ruled tables, an optional running header and page footer, and a fixed creation date so that every build writes
the same bytes.

Blocks are ``(style, payload)``:

- ``title``, ``h1``, ``h2``, ``h3``, ``p``, ``small``, ``mono``: text;
- ``bullet``: text set after a dash, indented;
- ``kv``: ``(label, value)`` printed as a two-column row;
- ``table``: ``(widths_mm, rows)``, first row bold;
- ``rule``: a horizontal line; ``gap``: vertical space in mm; ``page``: a new page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

FONTS = {
    "title": ("Times", "B", 18, 9.0),
    "h1": ("Times", "B", 13, 7.0),
    "h2": ("Helvetica", "B", 10.5, 5.8),
    "h3": ("Helvetica", "BI", 9.5, 5.2),
    "p": ("Helvetica", "", 9.5, 4.9),
    "small": ("Helvetica", "", 7.5, 3.8),
    "mono": ("Courier", "", 8, 4.1),
    "bullet": ("Helvetica", "", 9.5, 4.9),
}


def _latin1(text: str) -> str:
    """Core fonts are Latin-1: replace the few typographic characters a writer might type."""
    table = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2026": "..."}
    for a, b in table.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def write_pdf(
    path: Path,
    blocks: Sequence[tuple[str, object]],
    *,
    title: str,
    created: dt.date,
    author: str = "",
    header: str = "",
    footer: str = "",
) -> None:
    from fpdf import FPDF

    class Doc(FPDF):
        def header(self):  # noqa: D401 - fpdf hook
            if header:
                self.set_font("Helvetica", "I", 7.5)
                self.set_text_color(90, 90, 90)
                self.cell(0, 4, _latin1(header), new_x="LMARGIN", new_y="NEXT", align="R")
                self.set_draw_color(150, 150, 150)
                self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
                self.ln(3)
                self.set_text_color(0, 0, 0)

        def footer(self):  # noqa: D401 - fpdf hook
            if footer:
                self.set_y(-12)
                self.set_font("Helvetica", "", 7.5)
                self.set_text_color(90, 90, 90)
                self.cell(0, 4, _latin1(f"{footer}  |  page {self.page_no()}"), align="C")
                self.set_text_color(0, 0, 0)

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = Doc(format="letter")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(_latin1(title))
    if author:
        pdf.set_author(_latin1(author))
    pdf.set_creator("RFC document services")
    pdf.set_creation_date(dt.datetime.combine(created, dt.time(8, 30), tzinfo=dt.UTC))
    pdf.add_page()
    for style, payload in blocks:
        if style == "page":
            pdf.add_page()
        elif style == "gap":
            pdf.ln(float(payload))  # type: ignore[arg-type]
        elif style == "rule":
            y = pdf.get_y() + 1
            pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
            pdf.ln(3)
        elif style == "kv":
            label, value = payload  # type: ignore[misc]
            pdf.set_font("Helvetica", "B", 9)
            pdf.cell(52, 4.8, _latin1(str(label)))
            pdf.set_font("Helvetica", "", 9)
            pdf.multi_cell(0, 4.8, _latin1(str(value)), new_x="LMARGIN", new_y="NEXT")
        elif style == "table":
            widths, rows = payload  # type: ignore[misc]
            _table(pdf, widths, rows)
        elif style == "bullet":
            family, weight, size, height = FONTS["bullet"]
            pdf.set_font(family, weight, size)
            pdf.set_x(pdf.l_margin + 5)
            pdf.multi_cell(0, height, _latin1(f"- {payload}"), new_x="LMARGIN", new_y="NEXT")
        else:
            family, weight, size, height = FONTS[style]
            pdf.set_font(family, weight, size)
            if style in ("h1", "title"):
                pdf.ln(2)
            pdf.multi_cell(0, height, _latin1(str(payload)), new_x="LMARGIN", new_y="NEXT")
            if style not in ("mono",):
                pdf.ln(1.2)
    pdf.output(str(path))


def _table(pdf, widths: Sequence[float], rows: Sequence[Sequence[str]]) -> None:
    """Rows of cells; a cell too long for its width is wrapped with the row height following the tallest."""
    for i, row in enumerate(rows):
        pdf.set_font("Helvetica", "B" if i == 0 else "", 8)
        texts = [_latin1(str(c)) for c in row]
        heights = []
        for w, t in zip(widths, texts):
            lines = pdf.multi_cell(w, 4.2, t, dry_run=True, output="LINES")
            heights.append(max(1, len(lines)) * 4.2)
        h = max(heights) + 1
        if pdf.get_y() + h > pdf.h - pdf.b_margin:
            pdf.add_page()
        x0, y0 = pdf.get_x(), pdf.get_y()
        x = x0
        for w, t in zip(widths, texts):
            pdf.rect(x, y0, w, h)
            pdf.set_xy(x + 0.8, y0 + 0.5)
            pdf.multi_cell(w - 1.6, 4.2, t)
            x += w
        pdf.set_xy(x0, y0 + h)
    pdf.ln(2)
