"""Asking: one service for the CLI, the API and the UI.

A question is routed to the deterministic checks when it asks for a check's kind of answer;
otherwise it is answered extractively from retrieved passages. Follow-up questions keep their
session's context, and every answer is written to the workspace's audit log so it can be
reproduced and shown to an auditor.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import re
import uuid
from pathlib import Path

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters, Retriever
from assistant.answering.routing import Route, route
from assistant.checks.base import CLASSIFICATION_CHECKS
from assistant.config import Settings
from assistant.errors import BadRequest
from assistant.stores.workspace import Workspace

RUNNER_UP_GAP = 0.5  # a quoted sentence scores at most this much below the best one
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_REFERS_BACK = re.compile(r"\b(it|its|this|that|these|those|they|them|their|same|above|previous|there)\b", re.I)


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


class Sessions:
    """Conversation turns per session id, one JSON file each under the workspace."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _path(self, session_id: str) -> Path:
        if not _SESSION_ID.match(session_id):
            raise BadRequest("session_id: letters, digits, '-' and '_' only, at most 64 characters", field="session_id")
        return self.directory / f"{session_id}.json"

    def load(self, session_id: str | None) -> tuple[str, list[dict]]:
        if not session_id:
            return uuid.uuid4().hex, []
        path = self._path(session_id)
        try:
            return session_id, json.loads(path.read_text())["turns"]
        except (OSError, ValueError, KeyError):
            return session_id, []

    def save(self, session_id: str, turns: list[dict]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(session_id)
        tmp = path.with_suffix(f".tmp{uuid.uuid4().hex[:6]}")
        tmp.write_text(json.dumps({"session_id": session_id, "turns": turns[-20:]}, default=str))
        tmp.replace(path)


class AuditLog:
    """Append-only JSON lines, one per answer; appends are locked so concurrent askers lose nothing."""

    def __init__(self, path: Path):
        self.path = path

    def write(self, entry: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, default=str, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                fh.write(line)
                fh.flush()
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def entries(self) -> list[dict]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line.strip()]


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
        self.log = AuditLog(ws.answers_log)
        self._tools = None
        self._facts = None
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
        own_ids = self.retriever.identifiers_in(question)
        ids, query = self._with_context(question, own_ids, turns)
        record: dict = {
            "retrieval_query": query,
            "identifiers": {k: sorted(v) for k, v in ids.items()},
            "filters": filters.__dict__ if filters else None,
            "tool_calls": [],
        }

        result = self._with_llm(question, turns, filters, record) if self.llm is not None else None
        if result is None:
            routed = route(question, {**ids, "payment": self.payments_in(question)})
            if routed:
                result = self._from_checks(routed, record)
            else:
                qvec = self.retriever.embedder.embed_query(query)
                result = self._from_records(question, query, ids, filters, record, qvec)
                if result is None:
                    result = self._extractive(question, query, ids, filters, record, qvec=qvec)
            result.flags[:0] = record.get("fallback", [])

        result.session_id = session_id
        result.answer_id = uuid.uuid4().hex
        turns.append(
            {
                "question": question,
                "answer": result.answer[:2000],
                "identifiers": record["identifiers"],
                "tools_called": result.tools_called,
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
        return self._extractive(question, question, ids, filters, {}, gap=gap, keep=keep)

    def _with_context(self, question: str, own: dict[str, set[str]], turns: list[dict]):
        """A follow-up that names no identifier takes the previous turn's; one that refers back
        ("it", "that entry") also carries the previous question into retrieval."""
        if not turns or own:
            return own, question
        previous = turns[-1]
        carried = {k: set(v) for k, v in previous.get("identifiers", {}).items() if v}
        query = question
        if carried or _REFERS_BACK.search(question):
            query = f"{question} {previous['question']}"
        return carried, query

    def _with_llm(self, question: str, turns: list[dict], filters, record) -> ans.Answer | None:
        """The agent's answer, checked; None (answer without the model) when the model fails."""
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
            )
        except Exception as exc:  # a remote model can fail in many ways; the question is still answered
            reason = f"{type(exc).__name__}: {str(exc)[:200]}"
            record.update(tool_calls=[], llm_error=reason)
            record["fallback"] = [f"the language model did not answer ({reason}); answered without it"]
            return None

    def _from_records(self, question: str, query: str, ids, filters, record, qvec) -> ans.Answer | None:
        """The facts the records hold about what the question names, the value asked for first, then the
        documents' sentences that support it; None when the records do not answer the question."""
        if filters is not None and filters.active():
            return None  # a search restricted to some documents asks the documents
        found = self.facts.answer(question, qvec, ids)
        if found is None:
            return None
        record["facts"] = {"kind": found.kind, "score": round(found.score, 4), "refusal": found.refusal}
        if not found.facts:
            if found.refusal and not found.kind:
                return ans.Answer(answer=found.refusal)  # names only things the records do not hold
            return None
        citations: list[ans.Citation] = []
        sentences = []
        for fact in found.facts:
            marks = []
            for s in fact.sources:
                citations.append(s.citation(len(citations) + 1))
                marks.append(f"[{len(citations)}]")
            text = fact.text.format(*marks) if marks else fact.text
            for path, pattern in fact.documents:
                c = self._quote(path, pattern, len(citations) + 1)
                if c is not None:
                    citations.append(c)
                    text = text[:-1] + f" [{c.n}]." if text.endswith(".") else f"{text} [{c.n}]"
            sentences.append(" ".join(text.split()))
        answer = " ".join(([found.refusal] if found.refusal else []) + sentences)
        support = self._support(found, question, query, ids, record, qvec)
        flags = list(support.flags)
        if support.citations:
            k = len(citations)
            body = re.sub(r"\[(\d+)\]", lambda m: f"[{int(m.group(1)) + k}]", support.answer)
            body = body.replace(ans.LEGAL_NOTE, "").strip().removeprefix("From the records: ")
            citations += [c.model_copy(update={"n": c.n + k}) for c in support.citations]
            answer += "\n\nFrom the documents: " + body
        classification = (found.kind or "").startswith(("part_hts", "part_ruling", "ruling_", "hts_", "entry_hts"))
        if classification or ans.LEGAL_NOTE in support.answer:
            answer += "\n\n" + ans.LEGAL_NOTE
        return ans.Answer(answer=answer, citations=citations, flags=flags)

    def _support(self, found, question: str, query: str, ids, record, qvec) -> ans.Answer:
        """The documents' sentences that support the facts: for a ruling, the letter's sentence stating the
        subheading; otherwise sentences that name what the question names (none for a period alone)."""
        ruling = found.support_query(self.facts.look)
        if ruling is not None:
            number, text = ruling
            return self._extractive(
                text, text, {"ruling": {number}}, Filters(ruling=number), {}, gap=0.2, keep=ans.states_hts
            )
        if not ids:
            return ans.Answer(answer=ans.NO_ANSWER)
        # only the documents the question's identifiers lead to (an entry's invoice, a part's packing lists)
        return self._extractive(question, query, ids, None, record, qvec=qvec, only_identified=True)

    def _quote(self, path: str, pattern: str, n: int) -> ans.Citation | None:
        """A document citation quoting the first text of ``path`` that matches ``pattern`` (verbatim)."""
        look = self.facts.look
        for page, text in look.pages(path):
            m = re.search(pattern, text or "")
            if not m:
                continue
            quote = m.group(0).strip()
            start = text.index(quote, m.start())
            chunk = look.chunk_at(path, page, start)
            passage = next(iter(self.retriever.passages([chunk] if chunk else [])), None)
            if passage is None:
                return None
            return ans.Citation.from_passage(n, passage, quote, (start, start + len(quote)))
        return None

    def _extractive(
        self,
        question: str,
        query: str,
        ids,
        filters,
        record,
        gap: float = RUNNER_UP_GAP,
        keep=None,
        qvec=None,
        only_identified: bool = False,
    ) -> ans.Answer:
        s = self.settings
        if qvec is None:
            qvec = self.retriever.embedder.embed_query(query)
        passages = self.retriever.search(query, k=s.answer_passages, filters=filters, query_vec=qvec)
        record["passages"] = [
            {
                "chunk_id": p.chunk_id,
                "path": p.path,
                "page": p.page,
                "via": p.via,
                "score": round(p.score, 6),
                "sha256": p.sha256,
            }
            for p in passages
        ]
        if any("id" in p.via for p in passages):
            passages = [p for p in passages if "id" in p.via]  # the question names them: answer from them
        elif only_identified:
            return ans.Answer(answer=ans.NO_ANSWER)
        flat_ids = {v for values in ids.values() for v in values}
        sentences = ans.select_sentences(
            query, passages, self.retriever.embedder, qvec, flat_ids, max_sentences=s.answer_sentences
        )
        if keep is not None:
            sentences = [x for x in sentences if keep(x.text)]
        floor = s.answer_min_similarity
        if not any(ans.supports(x, floor) for x in sentences):
            return ans.Answer(answer=ans.NO_ANSWER)
        # the best sentence, and those close to it: a weak runner-up from another source is left out
        best = max(x.score for x in sentences)
        kept = [x for x in sentences if (x.names_id or x.sim >= floor - 0.15) and x.score >= best - gap]
        citations, parts, flags = ans.cite(kept, self.retriever.page_text)
        if not citations:
            return ans.Answer(answer=ans.NO_ANSWER, flags=flags)
        cited = [x.passage for x in kept]
        text = ans.compose(parts, ans.is_classification(question, cited))
        return ans.Answer(answer=text, citations=citations, flags=flags)

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
    if not findings and len(runs) > 1:
        lines.append(f"No findings from the {len(runs)} checks run{' for ' + scope if scope else ''}.")
    text = "\n".join(lines)
    if classification:
        text += "\n\n" + ans.LEGAL_NOTE
    return ans.Answer(answer=text, tools_called=[c for c, _ in runs], findings=findings)
