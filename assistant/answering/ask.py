"""Asking: one service for the CLI, the API and the UI.

A question is first understood in the light of the conversation (``conversation``: ellipsis, a pick of
the previous answer's items, references to what it was about). Then, without a language model: a
finding picked or referred to is shown in detail; a question for a check's kind of answer goes to the
checks (``routing``), unless it asks about a procedure the documents describe; a request for the
overall picture gets the findings ranked (``findings_answer``); a record question is read into slots
and run over the records (``query``), or a fact about the things it names is stated (``facts``);
a question that describes a product asks the rulings (``rulings_answer``); anything else is answered
from the documents and the law shelf (``documents``). With a language model configured, the agent
answers with the same sources as tools (``llm``), given the question as understood and the frame.
Every answer is written to the workspace's answers log, so it can be reproduced and shown to an auditor.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

from assistant.answering import answer as ans
from assistant.answering.conversation import ASKS_MEASURE, Frame, FrameItem, Understood, period_dict, resolve
from assistant.answering.documents import RUNNER_UP_GAP, DocumentAnswers
from assistant.answering.findings_answer import ONE_FACT, Summaries, finding_detail, finding_items, render_findings
from assistant.answering.law import LawDesk
from assistant.answering.records_answer import RecordAnswers
from assistant.answering.retrieval import Filters, Retriever
from assistant.answering.routing import (
    ASKS_PROBLEMS,
    DATA,
    NARROW_MARGIN,
    NARROWED,
    PROCEDURAL,
    CheckMatcher,
    Route,
    asks_policy,
    route,
)
from assistant.answering.rulings_answer import ASKS_CLASSIFICATION
from assistant.answering.sessions import AnswerLog, Sessions
from assistant.config import Settings
from assistant.errors import BadRequest
from assistant.stores.lexical import stem
from assistant.stores.workspace import Workspace

# a question about the importer's own procedure goes to the documents before the checks
PROCEDURE = re.compile(r"\b(procedures?|process(?:es)?|polic(?:y|ies)|sop|manual|instructions?|steps?)\b", re.I)
THINGS: tuple[tuple[str, str], ...] = (
    ("parts", "part"),
    ("entries", "entry"),
    ("payments", "payment"),
    ("vendors", "vendor"),
    ("hts", "hts"),
    ("rulings", "ruling"),
    ("mids", "mid"),
    ("invoices", "invoice"),
    ("certificates", "certificate"),
)
# a question about what is allowed or required: "can we ...", "do we need ...", "are we required to ..."
MODAL = re.compile(
    r"\b(?:can|may|must|should|shall)\s+(?:we|i|you|an importer|the importer|cbp|customs)\b|\bdo (?:we|i) need\b"
    r"|\bdo (?:we|i) have to\b|\bare we (?:allowed|required|obliged)\b|\bis (?:it|there) (?:allowed|required)\b"
    r"|\bwill (?:cbp|customs)\b|\bdoes (?:cbp|customs|the law) (?:require|allow|accept|have to)\b"
    r"|\b(?:does|do) (?:an importer|the importer|we|i) (?:need|have to)\b"
    r"|\b(?:cbp|customs) (?:won'?t|will not|doesn'?t|does not|can'?t|cannot|may not) (?:require|accept|allow|ask|demand)",
    re.I,
)
PRIORITIES = re.compile(r"^\s*(?:what|which|where)\b[^?]*\bshould (?:we|i)\b", re.I)
STANDING = re.compile(r"^\s*where (?:are|do|does|is|would) (?:we|i|our)\b", re.I)
# the words of the overall picture: what a request for a summary of the findings speaks of
OVERALL = re.compile(
    r"\b(risks?|riskiest|exposure|exposed|weak\w*|priorit\w*|status|stand|ready|readiness|rundown|overview|"
    r"concerns?|worr\w*|overall|big picture|headlines?|problems?|issues?|gaps?|fix|tackle|findings?)\b",
    re.I,
)
COUNTS = re.compile(r"\bhow (?:many|much)\b|\btotal\b|\bnumber of\b", re.I)
SPECIFIC = ("parts", "entries", "payments", "invoices", "certificates", "mids", "rulings", "hts")


def parse_filters(
    kinds: list[str] | None = None,
    ruling: str | None = None,
    entry: str | None = None,
    part: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Filters:
    """Filters from user input (CLI options, API fields); a bad value is a ``BadRequest`` naming the field."""
    from assistant.normalize import entry_number, iso_date

    normalized_entry = None
    if entry:
        normalized_entry = entry_number(entry)
        if not normalized_entry:
            raise BadRequest(f"entry {entry!r}: not an entry number (ABC-1234567-8)", field="entry")
    dates = {name: iso_date(value, name) for name, value in (("since", since), ("until", until))}
    return Filters(kinds=list(kinds) if kinds else None, ruling=ruling, entry=normalized_entry, part=part, **dates)


class Assistant:
    """Holds the retriever (stores open, model loaded) for repeated questions."""

    def __init__(self, settings: Settings, llm=None):
        """``llm``: a LangChain chat model; by default the one the settings select (none: extractive)."""
        from assistant.answering.llm import chat_model

        self.settings = settings
        self.llm = llm if llm is not None else chat_model(settings)
        self.retriever = Retriever(settings)
        ws = Workspace.of(settings)
        self.sessions = Sessions(ws.sessions)
        self.log = AnswerLog(ws.answers_log)
        self.law = LawDesk(settings, self.retriever.embedder)
        self.documents = DocumentAnswers(settings, self.retriever, self.law)
        self.records = RecordAnswers(self)
        self._tools = None
        self._speller = None
        self._facts = None
        self._queries = None
        self._summaries: Summaries | None = None
        self._matcher: CheckMatcher | None = None
        self._payments: dict[str, str] | None = None

    def payments_in(self, text: str) -> set[str]:
        """The payment ids of the payments extract that ``text`` names, in whatever shape they have."""
        if self._payments is None:
            rows = self.retriever.con.execute("SELECT payment_id FROM payments WHERE payment_id IS NOT NULL").fetchall()
            self._payments = {r[0].upper(): r[0] for r in rows}
        tokens = {t.strip(".,;:?!()[]'\"").upper() for t in text.split()}
        return {self._payments[t] for t in tokens if t in self._payments}

    @property
    def facts(self):
        """The record facts (``assistant.answering.facts``), built on first use: the ids the records hold
        and the fact kinds' description vectors."""
        if self._facts is None:
            from assistant.answering.facts import RecordFacts

            self._facts = RecordFacts(self.retriever.con, self.settings, self.retriever.embedder)
        return self._facts

    @property
    def queries(self):
        """The record-question reader and runner (``assistant.answering.query``), built on first use."""
        if self._queries is None:
            from assistant.answering.query import RecordQueries

            self._queries = RecordQueries(self.facts, self.settings, self.retriever.embedder)
        return self._queries

    @property
    def check_matcher(self) -> CheckMatcher:
        if self._matcher is None:
            self._matcher = CheckMatcher(self.retriever.embedder)
        return self._matcher

    @property
    def summaries(self) -> Summaries:
        if self._summaries is None:
            self._summaries = Summaries(self.retriever.embedder)
        return self._summaries

    def close(self) -> None:
        self.retriever.close()

    @property
    def check_tools(self):
        if self._tools is None:
            from assistant.answering.tools import check_tools

            self._tools = {t.name: t for t in check_tools(self.settings)}
        return self._tools

    # --- the question --------------------------------------------------------------------------

    def ask(self, question: str, session_id: str | None = None, filters: Filters | None = None) -> ans.Answer:
        question = (question or "").strip()
        if not question:
            raise BadRequest("question: empty", field="question")
        if len(question) > 2000:
            raise BadRequest("question: longer than 2,000 characters", field="question")
        session_id, turns = self.sessions.load(session_id)
        frame = Frame.of(turns[-1].get("frame")) if turns else None
        typed = self.speller.correct(question)  # "total enterd value": "total entered value"
        understood = self.understand(typed, frame)
        if typed != question and not understood.shown:
            understood.shown = typed
        ids = self._identifiers(understood)
        record: dict = {
            "retrieval_query": understood.question,
            "identifiers": {k: sorted(v) for k, v in ids.items()},
            "filters": filters.__dict__ if filters else None,
            "tool_calls": [],
            "resolved": understood.shown or None,
            "follow_up": understood.kind,
        }
        result, new_frame = None, Frame(question=understood.question)
        if self.llm is not None:
            result = self._with_llm(question, turns, filters, record, understood, frame)
        if result is None:
            result, new_frame = self._answer(understood, ids, filters, record)
            new_frame.follows(frame, understood.kind)
            if result.citations and not result.findings and not any(c.is_record for c in result.citations):
                new_frame.topic = frame.topic if understood.kind == "topic" and frame else understood.question
            result.flags[:0] = record.get("fallback", [])
        result.resolved = understood.shown or None
        result.session_id = session_id
        result.answer_id = uuid.uuid4().hex
        turns.append(
            {
                "question": question,
                "resolved": result.resolved,
                "answer": result.answer[:2000],
                "identifiers": record["identifiers"],
                "tools_called": result.tools_called,
                "frame": new_frame.to_dict(),
                "at": dt.datetime.now().isoformat(timespec="seconds"),
            }
        )
        self.sessions.save(session_id, turns)
        self.log.write(self._log_entry(question, result, record))
        return result

    def answer_from_documents(
        self, question: str, filters: Filters | None = None, gap: float = RUNNER_UP_GAP, keep=None
    ) -> ans.Answer:
        """The extractive answer from the documents alone: no session, no routing, no model, not logged
        (drafting composes it into a larger answer). ``gap``: how far below the best sentence others may
        score; ``keep(text)``: quote only the sentences it accepts."""
        ids = self.retriever.identifiers_in(question)
        return self.documents.answer(
            question, question, ids, filters, {}, gap=gap, keep=keep, use_law=False, gated=False
        )

    # --- understanding --------------------------------------------------------------------------------

    @property
    def speller(self):
        """The words of this workspace and faprep's own, to put typing slips right (built at first use)."""
        if self._speller is None:
            from assistant.answering.spelling import english_words, workspace_speller

            known = english_words(self.retriever.embedder.model_dir)
            if self.law.enabled:  # the law's own words: "exporter", "liquidates", "mailed"
                for section in self.law.shelf.sections().values():
                    known.update(w.lower() for w in re.findall(r"[A-Za-z]+", section.text))
            self._speller = workspace_speller(self.retriever.con, _own_words(), known)
        return self._speller

    def understand(self, question: str, frame: Frame | None) -> Understood:
        """``question`` understood against the previous turn (see ``assistant.answering.conversation``)."""
        if frame is None:
            return Understood(question)
        named = self.facts.named(question, self.retriever.identifiers_in(question))
        thing_of = {v: kind for attr, kind in THINGS for v in getattr(named, attr)}
        return resolve(question, frame, bool(thing_of), thing_of)

    def _identifiers(self, understood: Understood) -> dict[str, set[str]]:
        ids = self.retriever.identifiers_in(understood.question)
        for kind in ("entry", "part", "hts", "ruling"):
            for value in understood.carried.get(kind, []):
                ids.setdefault(kind, set()).add(value)
        return ids

    def _named(self, question: str, understood: Understood, ids):
        named = self.facts.named(question, ids)
        for attr, kind in THINGS:
            for value in understood.carried.get(kind, []):
                values = getattr(named, attr)
                if value not in values and (kind != "vendor" or value in self.facts.known.vendors):
                    values.append(value)
                    if kind == "vendor":
                        named.vendor_phrase = ", ".join(named.vendors)
        return named

    # --- answering without a model --------------------------------------------------------------------

    def _answer(self, understood: Understood, ids, filters, record) -> tuple[ans.Answer, Frame]:
        q = understood.question
        frame = Frame(question=q, things={k: list(v) for k, v in understood.carried.items()})
        finding = next(iter(understood.carried.get("finding") or []), None)
        if finding:
            return self._finding(finding, record), frame
        qvec = self.retriever.embedder.embed_query(q)
        if filters is not None and filters.active():  # a search restricted to some documents asks the documents
            return self.documents.answer(q, q, ids, filters, record, qvec=qvec), frame
        from assistant.answering.named_documents import from_named

        said = from_named(self, q, ids, record, qvec)  # "what does our manual say about ...": that document
        if said is not None:
            frame.items = [FrameItem(**i) for i in record.pop("frame_items", [])]
            return said, frame
        named = self._named(q, understood, ids)
        frame.things.update({kind: list(getattr(named, attr)) for attr, kind in THINGS if getattr(named, attr)})
        if named.unknown and not named.kinds():
            return ans.Answer(answer=_sentence("; ".join(named.unknown)), refused=True), frame
        routed = route(q, {**ids, "payment": self.payments_in(q) | set(named.payments)})
        if routed and COUNTS.search(q) and not understood.inherit and self.queries.read(q, named, qvec) is not None:
            routed = None  # "how many lines have a PSC flag?" counts lines; it does not ask for findings
        if routed is not None and len(routed.checks) > 1 and NARROWED.search(q):  # all checks, about one topic
            check, score, margin = self.check_matcher.match(q, qvec)
            if check and margin >= NARROW_MARGIN:
                record["check_match"] = {"check": check, "score": round(score, 4), "narrowed": True}
                routed = Route([check], routed.args)
        if routed is None and not (asks_policy(q) and not DATA.search(q)) and not MODAL.search(q):
            check, score, _ = self.check_matcher.match(q, qvec)
            record["check_match"] = {"check": check, "score": round(score, 4)}
            routed = Route([check], _route_args(ids, named)) if check else None
        if routed:
            checked = self._checks_or_procedure(q, routed, ids, record, qvec)
            if checked is not None:
                frame.checks, frame.items = routed.checks, finding_items(checked.findings)
                return checked, frame
        others = [a for a in SPECIFIC if a != "parts"]
        # a rule ("can we ...", "what happens if we ...") is the law's; "what should we fix first" asks our priorities
        # ("where are we weakest?" asks where we stand, not where a rule applies)
        rule = (MODAL.search(q) or asks_policy(q)) and not (PRIORITIES.search(q) or STANDING.search(q))
        # with parts named, only a question for their problems ("the risks on 55-0192-X") is a summary
        summary = not any(getattr(named, a) for a in others) and not rule
        summary = summary and (not named.parts or bool(ASKS_PROBLEMS.search(q)))
        # it speaks of the picture (risks, exposure, status, what to fix) and asks for no one fact
        summary = summary and bool(OVERALL.search(q) or PRIORITIES.search(q)) and not ONE_FACT.search(q)
        if summary and self.summaries.asks(qvec, q) >= _summary_floor():
            return self._summary(record, named.parts), frame  # "risks on the jacket program": that part's
        from assistant.answering.rulings_answer import by_description

        # how a product is classified: its ruling (a ruling named, by its number or its goods, is asked about)
        described = None if named.rulings else by_description(self, q, ids, named, qvec, record)
        if described is not None:
            frame.things.setdefault(
                "ruling", [str(c.ruling_number) for c in described.citations if c.ruling_number][:1]
            )
            return described, frame
        unheld = self._unheld(q, named, ids) if understood.kind == "new" else []
        if unheld and named.any():  # "the gross weight on entry X": not on record; a document may say it
            typed = any(ids.get(k) for k in ("entry", "invoice", "part", "ruling", "payment"))
            stems = {stem(w) for w in unheld}

            def states(text: str) -> bool:  # a sentence that says what the records lack ("Gross weight: 460 kg")
                return bool(stems & {stem(w) for w in re.findall(r"[a-z]+", text.lower())})

            doc = self.documents.answer(
                q, q, ids, None, record, qvec=qvec, only_identified=typed, keep=states, use_law=False
            )
            if doc.citations:
                return doc, frame
            record["unheld"] = unheld
            return ans.Answer(answer=_unheld(unheld, named), refused=True), frame
        found = self._from_records(q, understood, named, ids, record, qvec, frame)
        if found is not None:
            return found, frame
        doc = self.documents.answer(q, q, ids, None, record, qvec=qvec)
        doc.refused = doc.refused or (not doc.citations and not doc.findings)
        if doc.refused:  # "how long do we have to answer the draft report": the document it names, at last
            said = from_named(self, q, ids, record, qvec, mentioned=True)
            if said is not None:
                return said, frame
        if not self.law.enabled:
            _say_law_off(doc, q)
        return doc, frame

    def _checks_or_procedure(self, q: str, routed: Route, ids, record, qvec) -> ans.Answer | None:
        """The routed checks' findings; for a question about the importer's procedure, the documents first."""
        if PROCEDURE.search(q):
            doc = self.documents.answer(q, q, ids, None, record, qvec=qvec, use_law=False)
            if doc.citations:
                return doc
        return self._from_checks(routed, record)

    def _from_records(
        self, q: str, understood: Understood, named, ids, record, qvec, frame: Frame
    ) -> ans.Answer | None:
        """A record question run over the records, or facts about the things named; None for neither."""
        rq, followed = None, False
        if understood.inherit:
            said = understood.question if understood.kind == "pick" else understood.asked
            rq = self.queries.reader.follow(said, self._named(said, understood, ids), understood.inherit)
            if rq is not None:
                from assistant.answering.query import describe

                understood.shown, followed = describe(rq), True
        if rq is None:
            rq = self.queries.read(q, named, qvec)
        if understood.kind == "pick" and understood.pick is not None and not ASKS_MEASURE.search(understood.asked):
            rq = None  # "and the second biggest?": that item's own facts, not the previous query over it
        if understood.pick is not None and rq is None:
            named = _only(named, understood.pick)
        fa = self.facts.answer(q, qvec, ids, named=named) if named.any() else None
        specific = any(getattr(named, a) for a in SPECIFIC)
        # a record question's own shape (a ranking, a category, a country...) asks more than the facts of a
        # thing state; a dimension alone ("what HTS numbers has KM-6200 been entered under") does not
        shaped = rq is not None and bool(
            rq.order
            or rq.limit
            or rq.date_of
            or rq.categories
            or rq.topic
            or rq.countries
            or rq.program
            or rq.gl
            or (rq.dimension and not specific)
            # "which entries used HTS X" of a part: entries by two filters, which no fact of one thing lists
            or (rq.dimension in ("entry", "payment") and len(named.kinds() - {"period"}) > 1 and not named.entries)
            or followed
            # a total over several things named ("total value on those?" after three entries were listed)
            or (COUNTS.search(q) is not None and sum(len(getattr(named, a)) for a in SPECIFIC) > 2)
            # ... or over things of two kinds ("how much did we pay the jacket licensor": a vendor and a part)
            or (COUNTS.search(q) is not None and len(named.kinds() - {"period"}) > 1)
        )
        if fa is not None and fa.kind == "ruling_text" and named.rulings and not shaped:
            within = self._within_ruling(q, named, record)
            if within is not None:
                record["facts"] = {"kind": fa.kind, "score": round(fa.score, 4), "refusal": fa.refusal}
                return within
        if fa is not None and fa.facts and specific and not shaped:
            frame.items = _fact_items(fa)
            return self.records.from_facts(fa, q, q, ids, record, qvec)
        asks_rule = (asks_policy(q) or MODAL.search(q) or ASKS_CLASSIFICATION.search(q)) and not COUNTS.search(q)
        asks_rule = asks_rule and not followed
        if rq is not None and asks_rule and (PROCEDURAL.search(q) or not (rq.dimension or rq.order or rq.limit)):
            rq = None  # "can we ...", "how long does CBP have to ...": a rule, for the documents and the law
        # "how many entries are in our ACE data": a count or a total that says its measure's own noun
        counted = rq is not None and COUNTS.search(q) is not None and _says_measure(q, rq.measure)
        alone = rq is not None and (rq.score >= QUERY_ALONE or (counted and rq.score >= QUERY_FILTERED))
        if rq is not None and (shaped or alone or (rq.filters() and rq.score >= QUERY_FILTERED)):
            rq, found = self._run_query(rq)
            if found.empty and rq.topic and not followed:
                doc = self.documents.answer(q, q, ids, None, record, qvec=qvec)
                if doc.citations and all(c.is_law for c in doc.citations):  # none on record; the law speaks of it
                    return doc
            record["query"] = {"measure": rq.measure, "score": round(rq.score, 4), "scope": found.scope}
            frame.query = _query_dict(rq)
            frame.things.update(_query_things(rq))
            frame.items = [FrameItem(i.kind, i.id, i.value, i.label) for i in found.items]
            if rq.table == "payments" and 0 < len(found.items) <= 10 and found.items[0].kind == "payment":
                frame.things["payment"] = [i.id for i in found.items]
            if rq.period is not None:
                frame.period = period_dict(rq.period)
            answer = self.records.from_query(found)
            answer.refused = found.empty
            return answer
        if fa is not None:
            frame.items = _fact_items(fa)
            return self.records.from_facts(fa, q, q, ids, record, qvec)
        return None

    def _unheld(self, q: str, named, ids) -> list[str]:
        """What a question about a thing on record asks that neither the records (no slot, no fact kind) nor
        any ingested document or thesaurus entry mentions: "ningbo's bank account number", "the warranty
        return rate on X". Identifiers' own fragments and short words are never that."""
        from assistant.stores.lexical import in_thesaurus

        words = self.queries.reader.unheld(q)
        if not words or _DOCUMENTS_SAID.search(q):  # "anything in our rulings folder on ...": the documents'
            return []
        pieces = {t.lower() for values in ids.values() for v in values for t in re.findall(r"[A-Za-z]+", str(v))}
        return [
            w
            for w in words
            if len(w) > 3
            and w not in pieces
            and w not in _PREPOSITIONS
            and re.search(_ASKED_FOR.format(re.escape(w), re.escape(w)), q, re.I)
            and not in_thesaurus(w)
            and not self.retriever.lexical.mentions(w)
        ]

    def _within_ruling(self, q: str, named, record) -> ans.Answer | None:
        """What only a ruling's letter says (its rate of duty, the GRI it applied): its sentences closest
        to the question, read without the ruling's number and the goods' words (the number says nothing
        of the rate; the goods are what the ruling is about: "which GRI did it rely on for the mat")."""
        from assistant.answering.facts.question import mask_described, mask_ids

        said = mask_described(mask_ids(q, named), self.facts.part_words)
        said = re.sub(r"\s+(?:for|of|on|about|covering)\s+(?:the|our|its|this|that)\s+part\b", "", said)
        within = self.documents.answer(said, said, {}, Filters(ruling=named.rulings[0]), record, use_law=False)
        return within if within.citations else None

    def _run_query(self, rq):
        """The record query run; a lines measure that finds no rows for a vendor no entry line names as
        its manufacturer is asked of the payments: that vendor is a payee ("how much did the licensor get
        from us")."""
        from dataclasses import replace

        found = self.queries.run(rq)
        if found.empty and rq.vendors and rq.table == "entry_lines" and not rq.dimension:
            paid = replace(rq, measure="paid", table="payments")
            again = self.queries.run(paid)
            if not again.empty:
                return paid, again
        return rq, found

    def _finding(self, finding_id: str, record) -> ans.Answer:
        """One finding of a previous answer, in detail (it is found again by its check, so it is current)."""
        from assistant.checks import REGISTRY, check_workspace

        check = finding_id.split(":", 1)[0]
        if check not in REGISTRY:
            return ans.Answer(answer=f"{finding_id}: not a finding id.", refused=True)
        run = check_workspace(self.settings, [check])
        record["tool_calls"].append({"tool": check, "input": {}, "output": [f.id for f in run.findings]})
        found = next((f for f in run.findings if f.id == finding_id), None)
        if found is None:
            return ans.Answer(answer=f"The checks no longer find {finding_id}.", tools_called=[check], refused=True)
        return finding_detail(found, REGISTRY[check].title)

    def _summary(self, record, parts: list[str] | None = None) -> ans.Answer:
        from assistant.checks import check_workspace

        run = check_workspace(self.settings)
        record["tool_calls"].append({"tool": "all checks", "input": {}, "output": [f.id for f in run.findings][:200]})
        return self.summaries.answer(run, parts)

    def _with_llm(self, question: str, turns: list[dict], filters, record, understood, frame) -> ans.Answer | None:
        """The agent's answer, checked; None (answer without the model) when the model fails. The model gets
        the question as it was understood and the previous turn's frame beside the turns."""
        from assistant.answering import llm

        try:
            return llm.run(
                self.llm,
                self.settings,
                self.retriever,
                list(self.check_tools.values()),
                self.facts,
                question,
                turns,
                filters,
                record,
                understood=understood.shown or None,
                frame=frame.to_dict() if frame else None,
            )
        except Exception as exc:  # a remote model can fail in many ways; the question is still answered
            reason = f"{type(exc).__name__}: {str(exc)[:200]}"
            record.update(tool_calls=[], llm_error=reason)
            record["fallback"] = [f"the language model did not answer ({reason}); answered without it"]
            return None

    def _from_checks(self, routed: Route, record) -> ans.Answer:
        runs = []
        for check_id in routed.checks:
            tool = self.check_tools[check_id]
            message = tool.invoke({"type": "tool_call", "id": uuid.uuid4().hex, "name": check_id, "args": routed.args})
            run = message.artifact
            runs.append((check_id, run))
            record["tool_calls"].append(
                {"tool": check_id, "input": routed.args, "output": [f.id for f in run.findings], "notes": run.notes}
            )
        return render_findings(runs, routed)

    def _log_entry(self, question: str, result: ans.Answer, record: dict) -> dict:
        from assistant.answering.llm import describe

        emb = self.retriever.embedder
        s = self.settings
        return {
            "answer_id": result.answer_id,
            "session_id": result.session_id,
            "at": dt.datetime.now().isoformat(timespec="seconds"),
            "workspace": s.workspace,
            "question": question,
            "answer": result.answer,
            "mode": result.mode,
            "citations": [
                c.public()
                if c.is_record
                else {
                    "n": c.n,
                    "chunk_id": c.chunk_id,
                    "chunk_sha256": c.chunk_sha256,
                    "source": c.source,
                    "page": c.page,
                    "quote": c.quote,
                    "char_start": c.char_start,
                    "char_end": c.char_end,
                }
                for c in result.citations
            ],
            "tools_called": record["tool_calls"],
            "facts": record.get("facts"),
            "query": record.get("query"),
            "gate": record.get("gate"),
            "resolved": record.get("resolved"),
            "flags": result.flags,
            "retrieval": {k: record.get(k) for k in ("retrieval_query", "identifiers", "filters", "passages")},
            "model_answer": record.get("model_answer"),
            "llm_error": record.get("llm_error"),
            "model": {
                "embedding": emb.name,
                "weights_sha256": emb.sha256,
                "backend": emb.backend,
                "llm": describe(s, self.llm),
            },
            "settings": {
                "fusion": s.fusion,
                "fusion_alpha": s.fusion_alpha,
                "answer_passages": s.answer_passages,
                "answer_sentences": s.answer_sentences,
                "answer_min_similarity": s.answer_min_similarity,
                "chunk_tokens": s.chunk_tokens,
                "chunk_overlap": s.chunk_overlap,
            },
        }


QUERY_ALONE = 0.55  # a record question with nothing to filter by is read at this closeness to a measure
QUERY_FILTERED = 0.42  # ... and one that names a filter (a vendor, a period) at this


def _own_words() -> list[str]:
    """faprep's own words: what its fact kinds, record measures and checks are described with, the
    thesaurus, and the summaries' questions (a slip is put right toward the words it reads)."""
    import prompts
    from assistant.answering.facts.registry import descriptions
    from assistant.answering.findings_answer import SUMMARY
    from assistant.answering.query.vocabulary import DIMENSIONS, MEASURES
    from assistant.checks import REGISTRY

    words = [d for _, d in descriptions()] + list(SUMMARY)
    words += [d for m in MEASURES for d in m.descriptions] + [d for m in DIMENSIONS for d in m.descriptions]
    words += [f"{c.title} {c.description}" for c in REGISTRY.values()]
    words += [" ".join(group) for group in prompts.thesaurus()]
    return words


# a word in the place of what is asked for: after a determiner or a possessive, at most one word between
# ("the gross weight", "ningbo's bank account", "what vessel", "how much drawback")
_ASKED_FOR = (
    r"\b(?:the|our|its|their|his|her|a|an|any|what|which|much|many|total)\s+(?:[\w-]+\s+)?{}\b|'s\s+(?:[\w-]+\s+)?{}\b"
)
# a question that speaks of the prose documents or where documents are kept asks the documents, whatever
# it names (a form's own fields, "the vessel on the bill of lading", are still looked for as attributes)
_DOCUMENTS_SAID = re.compile(
    r"\b(rulings?|manual|sop|procedures?|polic(?:y|ies)|letters?|loi|reports?|folders?|files?|documents?|"
    r"paperwork|memos?|e-?mails?)\b",
    re.I,
)
_PREPOSITIONS = frozenset(
    "behind beyond across along among amongst around toward towards within without upon onto via per despite versus "
    "against between beneath beside besides near".split()
)


def _unheld(words: list[str], named) -> str:
    said = ", ".join(
        f"{kind} {', '.join(values[:3])}"
        for kind, values in (
            ("entry", named.entries),
            ("part", named.parts),
            ("vendor", named.vendors),
            ("payment", named.payments),
            ("invoice", named.invoices),
        )
        if values
    )
    return (
        f"The records hold nothing on '{' '.join(words)}'"
        + (f" for {said}" if said else "")
        + ", and no ingested document states it."
    )


def _says_measure(question: str, measure: str) -> bool:
    """Whether the question says the measure's own noun ("entries", "duty", "payments"), by its stems."""
    from assistant.answering.query.vocabulary import MEASURE
    from assistant.stores.lexical import stem

    said = {stem(w) for w in re.findall(r"[a-z]+", question.lower())}
    head = [w for w in re.findall(r"[a-z]+", MEASURE[measure].noun.lower()) if w not in ("distinct", "entered")]
    return bool(head) and all(stem(w) in said for w in head)


def _summary_floor() -> float:
    from assistant.answering.findings_answer import MIN_SUMMARY

    return MIN_SUMMARY


def _sentence(text: str) -> str:
    return (text[0].upper() + text[1:] + ".") if text else ans.NO_ANSWER


def _query_dict(rq) -> dict:
    from dataclasses import asdict

    d = asdict(rq)
    d["period"] = period_dict(rq.period)
    return d


def _query_things(rq) -> dict[str, list[str]]:
    """What a record query was about, as a conversation's frame keeps it."""
    out = {
        "vendor": rq.vendors,
        "part": rq.parts,
        "entry": rq.entries,
        "payment": rq.payments,
        "hts": rq.hts,
        "country": rq.countries,
        "category": rq.categories,
    }
    return {k: list(v) for k, v in out.items() if v}


def _fact_items(found) -> list[FrameItem]:
    return [FrameItem(kind, id_, value, label) for fact in found.facts for kind, id_, value, label in fact.items]


def _only(named, item: FrameItem):
    """What a question names, narrowed to the item it picked from the previous answer."""
    from assistant.answering.facts.question import Named

    kinds = {attr_kind: attr for attr, attr_kind in THINGS}
    out = Named(period=named.period)
    if item.kind in kinds:
        getattr(out, kinds[item.kind]).append(item.id)
        if item.kind == "vendor":
            out.vendor_phrase = item.id
    return out


def _route_args(ids, named) -> dict[str, str]:
    args = {}
    if ids.get("entry"):
        args["entry"] = sorted(ids["entry"])[0]
    if named.parts:
        args["part_number"] = named.parts[0]
    if named.payments:
        args["payment_id"] = named.payments[0]
    return args


def _say_law_off(doc: ans.Answer, question: str) -> None:
    """With the law shelf off (``FAPREP_LAW=off``), say so where the question needed it: it names a
    citation of 19 CFR or 19 USC, or nothing in the importer's own files answered it."""
    from assistant.stores.lawshelf import named_law

    named = [
        f"{n.source or '19 CFR'} {n.section or 'Part ' + str(n.part)}{n.paragraph}"
        for n in named_law(question)
        if not n.bare
    ]
    if not named and not doc.refused:
        return
    note = "The law shelf is off (FAPREP_LAW=off): 19 CFR and 19 USC were not searched" + (
        f", and this question names {', '.join(dict.fromkeys(named))}." if named else "; they may answer this question."
    )
    if not any("law shelf is off" in f for f in doc.flags):
        doc.flags.append(note)
    doc.answer = f"{doc.answer}\n\n{note}"
