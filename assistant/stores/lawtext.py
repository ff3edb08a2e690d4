"""Regulation and statute texts (the law shelf's files) read by their structure: part → section → paragraph.

Two layouts are read, as the sources serve them:

* **eCFR Markdown** (19 CFR): a ``PART 163—RECORDKEEPING`` line, ``### Part 163``, then each section as
  an indented ``§ 163.4   Record retention period.`` line, a ``#### § § 163.4`` heading and indented
  paragraphs ``(a)``, ``(1)``, ``(i)``, ``(A)``; several labels may open one line (``(a) —(1)``,
  ``(a)  (1)``); amendment notes (``> [T.D. ...]``) close a section.
* **US Code Markdown or text** (19 USC): ``#### § 1592. Penalties for ...``, subsections as
  ``##### (a) Prohibition`` headings, then ``(1) General rule`` lines (a label and a short heading) or
  labelled text.

Labels nest differently in each: 19 CFR runs (a) → (1) → (i) → (A) → (*1*); 19 USC runs (a) → (1) →
(A) → (i) → (I). A label that could belong to two levels (``(i)``: the letter after (h), or the first
roman numeral) is read as the level where it continues or starts a sequence, the deeper one when both
could. Every paragraph keeps its path (``(c)(3)(ii)``), its own text, and where it lies in its
section's text, so a citation reads ``19 CFR 163.11(c)(3)`` and quotes the stored text verbatim.

A file that holds no section in either layout is not regulation text (``LawTextError``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import BadInput

CFR, USC = "19 CFR", "19 USC"
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_CFR_SECTION = re.compile(r"^\s*§\s*(\d+\.\d+[a-z]?)\s+(.*?)\s*$")
_CFR_HEADING = re.compile(r"^####\s*§\s*§\s*(\d+\.\d+[a-z]?)\s*$")
_CFR_PART = re.compile(r"^\s*PART\s+(\d+)\s*[—-]\s*(.+?)\s*$")
_USC_SECTION = re.compile(r"^#{1,4}\s*§\s*(\d+[a-z]?)\.\s*(.*?)\s*$")
_USC_SUBSECTION = re.compile(r"^#{5,}\s*(.*?)\s*$")
_LABELS = re.compile(r"^((?:\((?:[a-z]{1,4}|\d{1,3}|[A-Z]{1,4})\)(?:\s*[—–-]\s*|\s+|(?=\()|$))+)")
_LABEL = re.compile(r"\(([a-zA-Z]{1,4}|\d{1,3})\)")
_FR_DATE = re.compile(r"FR \d+,\s+([A-Z][a-z]{2})[a-z]*\.?\s+(\d{1,2}),\s+(\d{4})")
_ROMAN = re.compile(r"^(?=[ivxl]+$)l?x{0,3}(ix|iv|v?i{0,3})$")
_UPPER_ROMAN = re.compile(r"^(?=[IVXL]+$)L?X{0,3}(IX|IV|V?I{0,3})$")

# the kinds of label at each level, by source
_LEVELS = {CFR: ("lower", "digit", "roman", "upper", "digit"), USC: ("lower", "digit", "upper", "roman", "uroman")}


class LawTextError(BadInput):
    """A file offered as regulation text that is not: no section could be read from it."""


@dataclass
class Paragraph:
    path: str  # "(c)(3)(ii)"; "" for a section's text before its first labelled paragraph
    text: str  # this paragraph's own text, verbatim as stored in its section's text
    start: int  # where it begins in the section's text
    end: int
    heading: str = ""  # a USC paragraph's short heading ("General rule"), kept in its text as the source has it

    @property
    def heading_only(self) -> bool:
        """A USC paragraph whose own text is its label and heading ("(a) Prohibition"): its words are below."""
        return bool(self.heading) and self.text.rstrip().endswith(self.heading) and "\n" not in self.text


@dataclass
class Section:
    source: str  # "19 CFR" | "19 USC"
    number: str  # "163.4" | "1592"
    title: str  # "Record retention period."
    part: str  # "163" | "1592"
    text: str = ""  # the section's paragraphs, one per line pair, each stripped of its layout indent
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def cite(self) -> str:
        return f"{self.source} {self.number}"

    def paragraph(self, path: str) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.path == path), None)

    def subtree(self, path: str) -> tuple[int, int] | None:
        """Where the paragraph ``path`` and every paragraph under it lie in the section's text."""
        inside = [p for p in self.paragraphs if p.path == path or (path and p.path.startswith(path))]
        if not inside:
            return None
        return min(p.start for p in inside), max(p.end for p in inside)


@dataclass
class LawText:
    """One file of the shelf: a CFR part or a USC section, with its sections."""

    name: str  # the file's name
    source: str
    part: str
    title: str
    sha256: str
    as_of: dt.date | None  # the latest amendment the text cites (CFR); None when the text gives none
    sections: list[Section]


def _kind(label: str, level_kind: str) -> bool:
    if level_kind == "lower":
        return label.isalpha() and label.islower()
    if level_kind == "digit":
        return label.isdigit()
    if level_kind == "roman":
        return bool(_ROMAN.match(label))
    if level_kind == "upper":
        return label.isalpha() and label.isupper()
    return bool(_UPPER_ROMAN.match(label))  # uroman


def _ordinal(label: str, level_kind: str) -> int:
    """1 for the first label of its kind ((a), (1), (i), (A), (I)); 0 when it is not of that kind."""
    if not _kind(label, level_kind):
        return 0
    if level_kind == "digit":
        return int(label)
    if level_kind in ("roman", "uroman"):
        values = {"i": 1, "v": 5, "x": 10, "l": 50}
        s = label.lower()
        return sum(-values[c] if values[c] < values.get(s[i + 1 : i + 2], 0) else values[c] for i, c in enumerate(s))
    # letters: a..z, then aa, bb ... as eCFR writes them
    return (ord(label[0].lower()) - 96) + 26 * (len(label) - 1)


class _Nesting:
    """Where the next label goes: the labels open at each level, by the source's order of kinds."""

    def __init__(self, source: str):
        self.kinds = _LEVELS[source]
        self.open: list[str] = []

    def place(self, label: str) -> str:
        """Put ``label`` at its level and return the paragraph path it opens."""
        candidates = []
        for level, kind in enumerate(self.kinds[: len(self.open) + 1]):
            n = _ordinal(label, kind)
            if not n:
                continue
            if level == len(self.open):
                fits = n == 1  # a deeper level starts at its first label
            else:
                fits = n == _ordinal(self.open[level], kind) + 1  # the next label of an open level
            if fits:
                candidates.append(level)
        if not candidates:  # out of sequence (a reserved or misnumbered paragraph): nearest level of its kind
            kinds = [lv for lv, k in enumerate(self.kinds[: len(self.open) + 1]) if _ordinal(label, k)]
            candidates = kinds[-1:] or [0]
        level = max(candidates)
        self.open = self.open[:level] + [label]
        return "".join(f"({x})" for x in self.open)


def _cfr_as_of(text: str) -> dt.date | None:
    dates = []
    for month, day, year in _FR_DATE.findall(text):
        try:
            dates.append(dt.date(int(year), _MONTHS[month.lower()], int(day)))
        except (KeyError, ValueError):
            continue
    return max(dates) if dates else None


class _SectionBuilder:
    """Collects a section's paragraphs line by line: a labelled line opens a paragraph, other lines
    continue the one open (or the section's lead text)."""

    def __init__(self, section: Section):
        self.section = section
        self.nesting = _Nesting(section.source)
        self.pieces: list[tuple[str, str, str]] = []  # (path, heading, text)

    def labelled(self, line: str, heading: str = "") -> None:
        m = _LABELS.match(line)
        assert m is not None
        path = ""
        for label in _LABEL.findall(m.group(1)):
            path = self.nesting.place(label)
        rest = line[m.end() :].strip()
        if heading == "" and self.section.source == USC and rest and _is_heading(rest):
            heading = rest
        self.pieces.append((path, heading, line.strip()))

    def line(self, stripped: str) -> None:
        """A line of the section: a labelled one opens a paragraph, any other continues the one open."""
        if _LABELS.match(stripped):
            self.labelled(stripped)
        else:
            self.text(stripped)

    def text(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if self.pieces:  # the text under a paragraph (or a USC paragraph's heading line) is its own
            path, heading, text = self.pieces[-1]
            self.pieces[-1] = (path, heading, text + "\n\n" + line)
        else:
            self.pieces.append(("", "", line))

    def finish(self) -> Section:
        parts, offset = [], 0
        for path, heading, body in self.pieces:
            if not body:
                continue
            start = offset
            parts.append(body)
            offset += len(body)
            self.section.paragraphs.append(Paragraph(path, body, start, offset, heading))
            offset += 2
        self.section.text = "\n\n".join(parts)
        return self.section


def _is_heading(rest: str) -> bool:
    """A USC label followed by a short heading ("General rule", "In general") and nothing else."""
    return (
        len(rest) <= 80
        and not rest.endswith((".", ";", ",", ":", "—"))
        and rest[:1].isupper()
        and len(rest.split()) <= 10
    )


def parse_cfr(text: str) -> tuple[str, str, list[Section]]:
    part, title, sections, builder = "", "", [], None
    titles: dict[str, str] = {}
    for line in text.splitlines():
        if not part and (m := _CFR_PART.match(line)):
            part, title = m.group(1), m.group(2)
            continue
        if m := _CFR_HEADING.match(line):
            if builder:
                sections.append(builder.finish())
            number = m.group(1)
            builder = _SectionBuilder(Section(CFR, number, titles.get(number, ""), number.split(".")[0]))
            continue
        if (m := _CFR_SECTION.match(line)) and not line.startswith("#"):
            titles[m.group(1)] = m.group(2)
            if builder:
                sections.append(builder.finish())
                builder = None
            continue
        if builder is None or line.startswith((">", "#", "**")):
            if line.startswith(">") and builder:  # the amendment note ends the section
                sections.append(builder.finish())
                builder = None
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if line.startswith("    ") and stripped.startswith(("Subpart", "Appendix")) and "—" in stripped[:40]:
            continue  # a subpart heading between sections
        builder.line(stripped)
    if builder:
        sections.append(builder.finish())
    return part, title, [s for s in sections if s.paragraphs]


def parse_usc(text: str) -> tuple[str, str, list[Section]]:
    sections, builder = [], None
    for line in text.splitlines():
        if m := _USC_SECTION.match(line):
            if builder:
                sections.append(builder.finish())
            builder = _SectionBuilder(Section(USC, m.group(1), m.group(2), m.group(1)))
            continue
        if builder is None:
            continue
        stripped = line.strip()
        if m := _USC_SUBSECTION.match(stripped):
            stripped = m.group(1)
            if labels := _LABELS.match(stripped):
                label_end = labels.end()
                builder.labelled(stripped, heading=stripped[label_end:].strip())
            continue
        if not stripped or stripped.startswith("#"):
            continue
        builder.line(stripped)
    if builder:
        sections.append(builder.finish())
    sections = [s for s in sections if s.paragraphs]
    first = sections[0] if sections else None
    return (first.number if first else ""), (first.title if first else ""), sections


def read_law(path: Path) -> LawText:
    """One file of regulation or statute text, parsed; ``LawTextError`` naming it when it is neither."""
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LawTextError(f"{path.name}: not readable as UTF-8 text ({exc})", field="path") from None
    digest = hashlib.sha256(raw).hexdigest()
    if _CFR_HEADING.search(text) or re.search(r"^####\s*§\s*§", text, re.M):
        part, title, sections = parse_cfr(text)
        source, as_of = CFR, _cfr_as_of(text)
    else:
        part, title, sections = parse_usc(text)
        source, as_of = USC, None
    if not sections:
        raise LawTextError(
            f"{path.name}: not regulation text: no section read (19 CFR needs '#### § § N.n' headings with "
            "indented '(a)' paragraphs; 19 USC needs '§ NNNN. Title' headings)",
            field="path",
        )
    return LawText(path.name, source, part, title, digest, as_of, sections)
