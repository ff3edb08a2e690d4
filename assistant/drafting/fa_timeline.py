"""The FA timeline as the importer reads it: its contacts with CBP in order, which findings each touched,
and the clocks 19 CFR 163.11 sets running, with their dates:

* **(a)(5)** CBP completes the formal written audit report within 90 calendar days of the closing
  conference (unless CBP gives written notice of the delay);
* **(a)(6)** CBP sends the importer a copy within 30 calendar days of completing the report (so, at the
  latest, 120 days after the closing conference when the report is on time);
* **(b)** when the audit's estimated termination date (set at the entrance conference) passes without a
  closing conference, the importer may petition for one in writing; it is then held within 15 calendar
  days of the petition's receipt.

Each clock quotes its paragraph from the law shelf.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

from pydantic import BaseModel

from assistant.config import Settings


class Clock(BaseModel):
    rule: str  # "19 CFR 163.11(a)(5)"
    what: str
    starts: str  # the event it runs from: "closing conference on 2026-03-02"
    due: str | None  # ISO date, when it has one
    status: str
    quote: str = ""


class TimelineView(BaseModel):
    workspace: str
    as_of: dt.date
    events: list[dict]
    clocks: list[Clock]
    findings: dict[str, list[str]]  # finding id -> the events (ids) that touched it

    def public(self) -> dict:
        return self.model_dump(mode="json")


def _quote(settings: Settings, cite: str) -> str:
    if settings.law == "off":
        return ""
    from assistant.stores.lawshelf import LawShelf

    found = LawShelf(settings.home).quote(cite)
    return " ".join(found[2].split()) if found else ""


def _last(events, kind: str, after: str = ""):
    found = [e for e in events if e.kind == kind and e.date >= after]
    return found[-1] if found else None


def clocks(settings: Settings, events) -> list[Clock]:
    today = settings.today
    out: list[Clock] = []
    closing = _last(events, "closing conference")
    if closing is not None:
        c = dt.date.fromisoformat(closing.date)
        report = _last(events, "final report", closing.date)
        due = c + dt.timedelta(days=90)
        if report is not None:
            late = (dt.date.fromisoformat(report.date) - due).days
            status = (
                f"met: final report on {report.date}"
                if late <= 0
                else f"final report on {report.date}, {late} days late"
            )
        elif today <= due:
            status = f"running: {(due - today).days} days left"
        else:
            status = (
                f"passed on {due.isoformat()} with no final report on the timeline (has CBP given notice of a delay?)"
            )
        starts = f"closing conference on {closing.date}"
        out.append(
            Clock(
                rule="19 CFR 163.11(a)(5)",
                what="CBP completes the formal written audit report",
                starts=starts,
                due=due.isoformat(),
                status=status,
                quote=_quote(settings, "19 CFR 163.11(a)(5)"),
            )
        )
        copy_due = dt.date.fromisoformat(report.date) + dt.timedelta(days=30) if report else due + dt.timedelta(days=30)
        out.append(
            Clock(
                rule="19 CFR 163.11(a)(6)",
                what="CBP sends the importer a copy of the report",
                starts=f"the report, completed {report.date}"
                if report
                else f"the report's completion (by {due.isoformat()})",
                due=copy_due.isoformat(),
                status=(
                    "by this date, 30 days after the report" if report else "at the latest, if the report is on time"
                ),
                quote=_quote(settings, "19 CFR 163.11(a)(6)"),
            )
        )
    out += _petition(settings, events, closing, today)
    return out


def _petition(settings: Settings, events, closing, today: dt.date) -> list[Clock]:
    entrance = next((e for e in reversed(events) if e.kind == "entrance conference" and e.ends), None)
    if entrance is None:
        return []
    ends = dt.date.fromisoformat(entrance.ends)
    if closing is not None and closing.date <= entrance.ends:
        status = f"not needed: closing conference on {closing.date}"
    elif today > ends:
        status = (
            f"open: the estimated termination date passed on {entrance.ends} without a closing conference; the importer "
            "may petition in writing, and the conference is then held within 15 calendar days of the petition's receipt"
        )
    else:
        status = f"opens after {entrance.ends} if no closing conference is held by then"
    return [
        Clock(
            rule="19 CFR 163.11(b)",
            what="the importer may petition for a closing conference",
            starts=f"entrance conference on {entrance.date} (estimated termination {entrance.ends})",
            due=entrance.ends,
            status=status,
            quote=_quote(settings, "19 CFR 163.11(b)"),
        )
    ]


def timeline_view(settings: Settings, events) -> TimelineView:
    touched: dict[str, list[str]] = {}
    for e in events:
        for f in e.findings:
            touched.setdefault(f, []).append(e.id)
    return TimelineView(
        workspace=settings.workspace,
        as_of=settings.today,
        events=[asdict(e) for e in events],
        clocks=clocks(settings, events),
        findings=touched,
    )
