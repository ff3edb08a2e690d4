"""Conversation state: what each turn was about, and a follow-up understood in its light.

After every answer the session keeps a **frame**: the things the turn named or found (parts, entries,
vendors, payments, HTS numbers, findings, countries, payment categories), the record query it ran
(what was counted or summed, filtered how), the period, the checks it ran, and the items the answer
listed with the value each was listed with. The next question is resolved against the frame before
anything else:

* **ellipsis** ("And in 2023?", "what about BX 4410-05?"): the previous question with only what the
  follow-up names changed (a period for a period, a thing for a thing of its kind);
* **a pick** ("the biggest one", "the first", "the last one", "the second"): an item of the previous
  answer, chosen by the value it was listed with or its place in the list, becomes the thing asked about;
* **a reference** ("it", "that payment", "those entries", "them"): the frame's things are carried into
  the question (a record question keeps the previous query's filters and asks its own measure);
* a question that names new things of its own starts a new frame.

What the follow-up was understood as is shown with the answer ("Understood as: ...") and logged.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

_PERIOD_WORDS = re.compile(
    r"\b(?:in|during|for|of|over|since)\s+(?:the\s+)?(?:year\s+|fy\s*)?(?:19|20)\d{2}\b|(?<![\w./-])(?:19|20)\d{2}\b(?![./-]\d)"
    r"|\b(?:last|prior|previous) (?:year|yr|quarter|month)\b|\bthis (?:year|yr)\b|\bq[1-4]\s*(?:of\s+)?(?:19|20)\d{2}\b",
    re.I,
)
ELLIPSIS = re.compile(r"^\s*(?:and|&|also|ok(?:ay)?,?\s+and|what about|how about|same for|and for|now for)\b", re.I)
REFERENCE = re.compile(
    r"\b(it|its|it's|that|this|those|these|them|they|their|theirs|same|one|ones|him|her|which one)\b", re.I
)
_PICK = (
    (
        "max",
        re.compile(
            r"\b(biggest|largest|highest|most expensive|costliest|greatest|top one|max(?:imum)?|"
            r"bigger|larger|higher|greater|more expensive)\b",
            re.I,
        ),
    ),
    ("min", re.compile(r"\b(smallest|lowest|least|cheapest|min(?:imum)?|smaller|lower|cheaper)\b", re.I)),
    ("2", re.compile(r"\b(second|2nd)\b", re.I)),
    ("3", re.compile(r"\b(third|3rd)\b", re.I)),
    ("first", re.compile(r"\b(first|1st|earliest|oldest|earlier|older)\b", re.I)),
    (
        "last",
        re.compile(
            r"\b(last|latest|final|most recent|newest|later|newer)\b(?!\s+(?:year|yr|quarter|month|week))", re.I
        ),
    ),
)
# "its last entry" after a list of parts: a pick word before a noun of another kind than the items listed
# asks about the thing referred to, not for an item of the list
_PICK_NOUN = re.compile(
    r"\b(?:biggest|largest|highest|smallest|lowest|first|last|latest|earliest|second|third|final|most recent|"
    r"bigger|larger|higher|smaller|lower|older|newer)\s+"
    r"(entry|entries|payments?|parts?|lines?|rulings?|certificates?|certs?|invoices?|vendors?|suppliers?|findings?)\b",
    re.I,
)
_VALUES = ("hts", "country", "mid")  # items that are values of a thing, not things of their own
_OWNERS = ("part", "vendor")
_NOUN_KIND = {
    "entries": "entry",
    "certs": "certificate",
    "cert": "certificate",
    "suppliers": "vendor",
    "supplier": "vendor",
}
# a question that asks for an amount or a count keeps the previous record query's measure in mind
ASKS_MEASURE = re.compile(r"\bhow (?:much|many)\b|\b(?:total|sum|value|amount|count|number of|duty|paid|spent)\b", re.I)
_PLURAL = re.compile(r"\b(those|these|them|they|their|theirs|ones)\b", re.I)
_SINGULAR = re.compile(r"\b(it|its|it's|that|this|him|her)\b", re.I)
_ONE = re.compile(
    r"\b(one|ones|of them|of those|of these|among them|which (?:one|payment|entry|vendor|part|finding))\b", re.I
)


@dataclass
class FrameItem:
    kind: str  # vendor | payment | entry | part | hts | country | finding | year ...
    id: str
    value: float | None = None
    label: str = ""  # a date, or the finding's title
    things: dict = field(default_factory=dict)  # for a finding: the part, entry or payment it concerns


@dataclass
class Frame:
    """What one turn was about (see the module doc); kept in the session with the turn."""

    question: str = ""  # the question as it was understood
    things: dict[str, list[str]] = field(default_factory=dict)
    query: dict | None = None  # the record query's slots
    checks: list[str] = field(default_factory=list)
    period: dict | None = None  # {"start", "end", "label"}
    items: list[FrameItem] = field(default_factory=list)
    # the last list an earlier turn gave, kept while follow-ups about one of its items list nothing
    # ("the bigger one?" and then "and when was the first one paid")
    earlier: list[FrameItem] = field(default_factory=list)
    # what a turn answered from the documents or the law was about ("when do we escalate a possible PD?"),
    # for a follow-up that says no more than "who makes the call?"
    topic: str = ""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def of(cls, d: dict | None) -> Frame | None:
        if not d:
            return None
        items = [FrameItem(**i) for i in d.get("items", [])]
        earlier = [FrameItem(**i) for i in d.get("earlier", [])]
        return cls(
            d.get("question", ""),
            d.get("things", {}),
            d.get("query"),
            d.get("checks", []),
            d.get("period"),
            items,
            earlier,
            d.get("topic", ""),
        )

    def follows(self, previous: Frame | None, kind: str) -> None:
        """Keep ``previous``'s list when this turn, a follow-up of ``kind``, lists no more than one item."""
        if previous is not None and kind in ("pick", "reference") and len(self.items) <= 1:
            self.earlier = previous.items if len(previous.items) > 1 else previous.earlier


@dataclass
class Understood:
    """A question as it will be answered."""

    question: str  # what retrieval and the readers see
    kind: str = "new"
    asked: str = ""  # the follow-up as it was asked  # new | ellipsis | pick | reference
    carried: dict[str, list[str]] = field(default_factory=dict)  # things taken from the frame
    pick: FrameItem | None = None
    inherit: dict | None = None  # the previous record query, whose filters a record follow-up keeps
    shown: str = ""  # "Understood as: ..." (empty for a question understood as asked)


def picks(question: str) -> str | None:
    """Which item of the previous answer a question picks: max, min, first, last, 2, 3, or an ordinal of a
    ranking ("the second biggest": max:2); None if none."""
    found = [how for how, pattern in _PICK if pattern.search(question)]
    if found and found[0] in ("max", "min") and any(h.isdigit() for h in found):
        return f"{found[0]}:{next(h for h in found if h.isdigit())}"
    for how, pattern in _PICK:
        if pattern.search(question) and (_ONE.search(question) or len(question.split()) <= 6):
            return how
    return None


def pick(items: list[FrameItem], how: str) -> FrameItem | None:
    valued = [i for i in items if i.value is not None]
    if ":" in how:  # "the second biggest": the nth of the items ranked by their values
        way, n = how.split(":")
        ranked = sorted(valued, key=lambda i: i.value or 0.0, reverse=way == "max")
        return ranked[int(n) - 1] if len(ranked) >= int(n) else None
    if how == "max" and valued:
        return max(valued, key=lambda i: i.value or 0.0)
    if how == "min" and valued:
        return min(valued, key=lambda i: i.value or 0.0)
    if how in ("first", "last") and items:
        dated = [i for i in items if re.match(r"\d{4}-\d{2}-\d{2}", i.label or "")]
        if len(dated) == len(items):
            ordered = sorted(items, key=lambda i: i.label)
            return ordered[0] if how == "first" else ordered[-1]
        return items[0] if how == "first" else items[-1]
    if how.isdigit() and len(items) >= int(how):
        return items[int(how) - 1]
    return None


def _replace_period(previous: str, question: str) -> str | None:
    new = _PERIOD_WORDS.search(question)
    if not new:
        return None
    phrase = new.group(0)
    if re.fullmatch(r"(?:19|20)\d{2}", phrase):
        phrase = f"in {phrase}"
    if _PERIOD_WORDS.search(previous):
        return _PERIOD_WORDS.sub(phrase, previous, count=1)
    return f"{previous.rstrip('?. ')} {phrase}?"


def resolve(question: str, frame: Frame | None, names_things: bool, thing_of: dict[str, str]) -> Understood:
    """``question`` understood against the previous turn's ``frame``. ``names_things``: the question names
    things of its own (on record); ``thing_of``: {a thing it names: its kind}, to swap in an ellipsis."""
    understood = _resolve(question, frame, names_things, thing_of)
    understood.asked = question
    return understood


def _resolve(question: str, frame: Frame | None, names_things: bool, thing_of: dict[str, str]) -> Understood:
    if frame is None:
        return Understood(question)
    elliptic = bool(ELLIPSIS.search(question))
    how = picks(question)
    noun = _PICK_NOUN.search(question)
    # the list a pick chooses from: this answer's, or the last one while follow-ups were about one of its
    # items; not when the question refers to the one item of this answer ("when was its last entry?")
    listed = frame.items
    if len(frame.items) <= 1 and frame.earlier and not (frame.items and _SINGULAR.search(question)):
        listed = frame.earlier
    if noun and listed:
        kind = noun.group(1).lower()
        kind = _NOUN_KIND.get(kind, kind[:-1] if kind.endswith("s") and kind != "entries" else kind)
        if kind not in {i.kind.split()[-1] for i in listed}:  # "finding" is a report finding too
            how = None
        elif how is None:  # "on the first finding, does ...": a pick however long the question
            how = next((h for h, p in _PICK if p.search(noun.group(0))), None)
    if how and listed and not names_things:
        chosen = pick(listed, how)
        if chosen is not None:
            said = f"{chosen.kind} {chosen.id}"
            rest, n = _PICK_WORDS.subn(f" {said} ", question, count=1)  # "when does the first one end?"
            rest = " ".join(rest.split()).strip(" ?")  # -> "when does certificate X end?"
            shown = said + (f" ({chosen.label})" if chosen.label and chosen.kind == "finding" else "")
            label = _HOW.get(how) or f"{_HOW[how.split(':')[1]]} {_HOW[how.split(':')[0]]}"
            # a value of what the frame was about ("the second one" of a part's HTS numbers): with that part
            about = {k: v for k, v in frame.things.items() if k in _OWNERS} if chosen.kind in _VALUES else {}
            return Understood(
                f"{rest}?" if n else f"{rest} {said}?".strip(),
                "pick",
                carried={**about, chosen.kind: [chosen.id], **chosen.things},
                pick=chosen,
                shown=f"the {label} of the previous answer: {shown}",
            )
    if elliptic:
        swapped = _replace_period(frame.question, question)
        for thing, kind in thing_of.items():
            olds = frame.things.get(kind, [])
            base = swapped or frame.question
            if olds and any(o.lower() in base.lower() for o in olds):
                for o in olds:
                    base = re.sub(re.escape(o), thing, base, flags=re.I)
                swapped = base
            elif not swapped:
                swapped = f"{frame.question.rstrip('?. ')} for {thing}?"
        if swapped and swapped != frame.question:
            inherit = frame.query
            if inherit and {"vendor", "part", "entry", "hts"} & set(thing_of.values()):
                # "what about Yang Ming?": the payments or entries the previous answer found were the
                # previous thing's, not the new one's
                dropped = [k for k in ("payments", "entries") if _ITEM_OF[k] not in thing_of.values()]
                inherit = {**inherit, **{k: [] for k in dropped}}
                swapped = _ITEMS_SAID.sub("", swapped)
            return Understood(swapped, "ellipsis", inherit=inherit, shown=swapped)
    if frame.topic and not names_things and not frame.query and not frame.things and not frame.items:
        if REFERENCE.search(question) or elliptic or len(question.split()) <= 6:
            # "who makes the call?" after "when do we escalate a possible PD?": asked about the same topic
            text = f"{question.rstrip(' ?')} ({frame.topic.rstrip(' ?')})?"
            return Understood(text, "topic", shown=text)
    if names_things and not REFERENCE.search(question):
        return Understood(question)
    if REFERENCE.search(question) or elliptic or len(question.split()) <= 6:
        carried = {k: v for k, v in frame.things.items() if v and k not in thing_of.values()}
        if elliptic and not REFERENCE.search(question):  # "and on engineering?": what the question named, not
            said = frame.question.lower()  # the rows its answer listed
            carried = {k: kept for k, v in carried.items() if (kept := [x for x in v if x.lower() in said])}
        singular = bool(_SINGULAR.search(question)) and not _PLURAL.search(question)
        one = _one_item(frame) if singular else None
        if one is not None:  # "what was that payment for": the one item listed, or the top of a ranking
            if not ASKS_MEASURE.search(question):  # a fact about that thing, not the previous query again
                text = f"{question.rstrip(' ?')} ({one.kind} {one.id})?"
                return Understood(text, "pick", carried={one.kind: [one.id], **one.things}, pick=one, shown=text)
            carried[one.kind] = [one.id]
        elif _PLURAL.search(question) and not elliptic and (shown_list := _listed(frame)):
            carried = {
                **{k: v for k, v in carried.items() if k not in ("vendor", shown_list[0])},
                shown_list[0]: shown_list[1],
            }
        if not carried and not frame.query:
            return Understood(question)
        label = "; ".join(f"{k} {', '.join(v[:3])}" for k, v in carried.items())
        text = f"{question.rstrip(' ?')} ({label})?" if label else question
        return Understood(text, "reference", carried=carried, inherit=frame.query, shown=text)
    return Understood(question)


def _one_item(frame: Frame) -> FrameItem | None:
    """The item a singular reference means: the only one listed, or the first of a list the previous
    question asked to rank ("biggest payment in AP?" then "what was that payment for")."""
    if len(frame.items) == 1:
        return frame.items[0]
    if frame.items and picks(frame.question) in ("max", "min") and len({i.kind for i in frame.items}) == 1:
        return frame.items[0]
    return None


def _listed(frame: Frame) -> tuple[str, list[str]] | None:
    """The entries, payments or parts the previous answer listed ("total value on those?"): their kind and
    ids, when they are of one kind and few enough to name."""
    kinds = {i.kind for i in frame.items}
    if len(kinds) != 1 or not 1 < len(frame.items) <= 25:
        return None
    kind = next(iter(kinds))
    return (kind, [i.id for i in frame.items]) if kind in ("entry", "payment", "part") else None


_PICK_WORDS = re.compile(
    r"\b(the\s+)?(biggest|largest|highest|most expensive|costliest|greatest|top|smallest|lowest|least|cheapest|"
    r"bigger|larger|higher|greater|more expensive|smaller|lower|cheaper|oldest|older|earlier|newest|newer|later|"
    r"second|third|first|last|latest|earliest|final)\s*(one|ones|of them|of those|of these)?\b",
    re.I,
)
_ITEM_OF = {"payments": "payment", "entries": "entry"}
_ITEMS_SAID = re.compile(r",?\s*in (?:payment|entry) [A-Z0-9][\w./-]*(?:,\s*[A-Z0-9][\w./-]*)*", re.I)
_HOW = {"max": "largest", "min": "smallest", "first": "first", "last": "last", "2": "second", "3": "third"}


def period_dict(period) -> dict | None:
    if period is None:
        return None
    return {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label}


def period_of(d: dict | None):
    from assistant.answering.facts.question import Period

    if not d:
        return None
    return Period(dt.date.fromisoformat(d["start"]), dt.date.fromisoformat(d["end"]), d["label"])
