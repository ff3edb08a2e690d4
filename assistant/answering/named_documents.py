"""Questions about what one of the importer's documents says: "what does our manual say about
assists?", "according to the broker instructions, who classifies new parts?", "is training covered in
our SOP?". Such a question is answered from the documents of the kind it names only (found by kind at
ingest), so a ruling or the law does not answer for the manual; when that document does not address
it, the answer says so by name instead of quoting something else.
"""

from __future__ import annotations

import re

from assistant.answering import answer as ans
from assistant.answering.retrieval import Filters

# the document a question names, by the kinds ingest recognises (ingest/documents.py)
NAMED: tuple[tuple[str, str, re.Pattern], ...] = tuple(
    (kind, label, re.compile(pattern, re.I))
    for kind, label, pattern in (
        (
            "broker_instructions",
            "broker instructions",
            r"\bbroker(?:'s)?\s+(?:letter|instructions?|guidelines?)\b|\bletter of instructions?\b"
            r"|\binstructions (?:to|for) (?:the |our )?(?:customs )?broker\b",
        ),
        ("training_record", "training records", r"\btraining (?:log|records?|register|attendance)\b"),
        ("fa_draft_report", "FA draft report", r"\b(?:fa |audit |cbp(?:'s)? )?draft report\b"),
        ("fa_questionnaire", "FA questionnaire", r"\b(?:pre-?assessment )?(?:questionnaire|survey)\b"),
        (
            "compliance_manual",
            "compliance manual",
            r"\b(?:our|the|company'?s?|your)\s+(?:(?:trade|customs|import|written)\s+)*(?:compliance\s+)?"
            r"(?:manual|handbook|sops?|standard operating procedures?|written procedures?|procedures? manual"
            r"|policy manual|compliance (?:program|procedures?))\b",
        ),
    )
)
# ... and asks what it says, rather than naming it in passing ("is the manual up to date?" asks the facts)
SAYS = re.compile(
    r"\b(?:say|says|said|state|states|stated|cover|covers|covered|mention|mentions|address|addresses|require|"
    r"requires|tell|tells|describe|describes|provide|provides|spell out|lay out|find|finds|found|conclude|"
    r"concludes|cite|cites|allege|alleges|claim|claims|list|lists)\b|\baccording to\b|\bper\b"
    r"|\b(?:in|under|by)\s+(?:our|the|your)\b",
    re.I,
)


def named_kinds(question: str, asks_what_it_says: bool = True) -> list[tuple[str, str]]:
    """The (kind, label) of the documents a question asks about, when it asks what they say (or, with
    ``asks_what_it_says`` false, names them at all)."""
    if asks_what_it_says and not SAYS.search(question):
        return []
    return [(kind, label) for kind, _label, pattern in NAMED if pattern.search(question) for label in (_label,)]


_ABOUT = re.compile(r"\b(?:about|on|regarding|concerning|as to|with respect to)\s+(.+)$", re.I)
_ASKING = re.compile(
    r"^\s*(?:what|how(?! (?:long|much|many|often|soon|far)\b)|who|when|where|which|does|do|is|are|can)\b"
    r"(?:\s+(?:does|do|did|is|are))?\s*|\b(?:say|says|said|"
    r"state|states|tell|tells|us|me)\b|\baccording to\b|\bper\b|[?,]",
    re.I,
)


def topic_of(question: str) -> str:
    """What the question asks the document about, its naming words taken out: "what does our manual say
    about assists?" -> "assists"; "according to the broker instructions, who classifies new parts?" ->
    "who classifies new parts"."""
    rest = question
    for _kind, _label, pattern in NAMED:
        rest = pattern.sub(" ", rest)
    m = _ABOUT.search(rest)
    if m:
        rest = m.group(1)
    else:
        rest = _ASKING.sub(" ", rest)
    rest = re.sub(r"\b(?:in|by|under|the|our|your)\s*$", " ", " ".join(rest.split()), flags=re.I)
    topic = re.sub(r"^(?:the|our|your)\s+(?=\w)", "", " ".join(rest.strip(" ?.,").split()), flags=re.I)
    if not ans.content_terms(SAYS.sub(" ", topic)):  # "what does the draft report find?": what it finds
        return FINDS_TOPIC if FINDS.search(question) else OVERVIEW_TOPIC
    return topic if len(ans.content_terms(topic)) >= 1 else question


# what a document is asked for when nothing but the document is named
FINDS = re.compile(r"\b(?:find|finds|found|conclude|concludes|allege|alleges|cite|cites)\b", re.I)
FINDS_TOPIC = "findings, conclusions and the amounts at issue"
OVERVIEW_TOPIC = "purpose, scope and summary"


def from_named(assistant, question: str, ids, record, qvec, mentioned: bool = False) -> ans.Answer | None:
    """The answer from the named documents only; a refusal that names them when they do not address the
    question (or are not ingested); None when the question names no document. ``mentioned``: a question
    that names a document without asking what it says ("how long do we have to answer the draft report"),
    tried when nothing else answered it: None unless the document answers."""
    named = named_kinds(question, asks_what_it_says=not mentioned)
    if not named:
        return None
    kinds = [k for k, _ in named]
    labels = " or ".join(dict.fromkeys(label for _, label in named))
    record["named_documents"] = kinds
    held = assistant.documents.retriever.kinds_present(kinds)
    if not held:
        return ans.Answer(
            answer=f"No {labels} ingested in this workspace: I cannot say what it says.",
            refused=True,
            flags=[f"no document of kind {', '.join(kinds)} ingested"],
        )
    topic = topic_of(question)
    record["named_topic"] = topic
    if topic == FINDS_TOPIC and "fa_draft_report" in kinds:
        listed = report_findings(assistant, assistant.documents.retriever.kinds_present(["fa_draft_report"]), record)
        if listed is not None:
            return listed
    found = _from_documents(assistant.documents, question, topic, ids, Filters(kinds=kinds), record)
    if found is not None and found.citations:
        return found
    if mentioned:
        return None
    return ans.Answer(answer=f"Nothing in your {labels} ({', '.join(held[:3])}) addresses this.", refused=True)


NAMED_FLOOR = 0.15  # below the usual floor: the user named the document, its best sentence on the topic counts


def _from_documents(documents, question: str, topic: str, ids, filters: Filters, record) -> ans.Answer | None:
    """The named documents' sentences on ``topic`` (searched with its customs words spelled out), quoted when
    the best is near enough the topic; None when none is."""
    from assistant.stores.lexical import expand

    query = expand(topic)
    qvec = documents.retriever.embedder.embed_query(query)
    passages = documents.retriever.search(query, k=documents.settings.answer_passages, filters=filters, query_vec=qvec)
    record["passages"] = [{"chunk_id": p.chunk_id, "path": p.path, "page": p.page} for p in passages]
    if not passages:
        return None
    source = documents._sourced(topic, passages, ids, documents.retriever.embedder.embed_query(topic))
    floor = documents.settings.answer_min_similarity - NAMED_FLOOR
    if not any(x.names_id or x.sim >= floor for x in source.sentences):
        under = _under_heading(topic, passages)
        if not under:
            return None
        source.sentences, source.best = under, under[0].score
    source.supported = True
    return documents._single(question, source, 0.3)


HEADING_WORDS = 6  # a heading: a short line of its own, without end punctuation


def _under_heading(topic: str, passages) -> list:
    """The first sentences of the section whose heading shares a word with the topic (its customs words
    spelled out): "who classifies new parts?" finds the broker letter's "Classification" section."""
    from assistant.stores.lexical import STOPWORDS, expand

    def heads(text: str) -> set[str]:  # words compared by their first six letters: classifies ~ Classification
        return {w[:6] for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 3 and w not in STOPWORDS}

    want = heads(expand(topic))
    for p in passages:
        headings = [
            m
            for m in re.finditer(r"^[^\n]+$", p.text, re.M)
            if len(m.group(0).split()) <= HEADING_WORDS and not m.group(0).rstrip().endswith((".", ":", ";", ","))
        ]
        for i, m in enumerate(headings):
            if not heads(m.group(0)) & want:
                continue
            end = headings[i + 1].start() if i + 1 < len(headings) else len(p.text)
            spans = ans.sentence_spans(p.text[m.end() : end])[:2]
            return [
                # qualified by the heading it stands under, not by its own similarity
                ans.Sentence(passage=p, rank=0, start=m.end() + a, end=m.end() + b, score=1.0 - 0.01 * k, sim=1.0)
                for k, (a, b) in enumerate(spans)
            ]
    return []


def report_findings(assistant, paths: list[str], record) -> ans.Answer | None:
    """What an FA draft report finds: each finding's heading and first sentence, quoted from the report
    (read as the rebuttal reads it), with the things each names kept for a follow-up ("on the first
    finding, ..."); None when the report's findings cannot be read."""
    from assistant.answering.report_findings import split_findings
    from assistant.errors import RebuttalError

    look = assistant.facts.look
    citations: list[ans.Citation] = []
    parts: list[str] = []
    items: list[dict] = []
    for path in paths:
        text = "\n".join(t or "" for _, t in look.pages(path))
        try:
            findings = split_findings(text, path)
        except RebuttalError:
            continue
        for f in findings:
            c = assistant.records.quote(path, _first_sentence(text, f.number), len(citations) + 1)
            if c is None:
                continue
            citations.append(c)
            parts.append(f"{' '.join(c.quote.split())} [{c.n}]")
            ids = assistant.retriever.identifiers_in(f"{f.title} {f.text}")
            ids["payment"] = assistant.payments_in(f"{f.title} {f.text}")
            things = {k: sorted(v) for k, v in ids.items() if v and k in ("part", "entry", "payment", "ruling", "hts")}
            items.append({"kind": "report finding", "id": str(f.number), "label": f.title, "things": things})
    if not citations:
        return None
    record["frame_items"] = items
    return ans.Answer(answer="The FA draft report finds:\n" + "\n".join(f"- {p}" for p in parts), citations=citations)


def _first_sentence(text: str, number: int) -> str:
    """A pattern for finding ``number``'s heading line and the first sentence under it, as the report prints
    them (the sentence split as quotes are, so "Co., Ltd." does not end it)."""
    heading = re.search(rf"(?im)^[^\n]*\bFinding\s+(?:No\.?\s*)?{number}\b[^\n]*$", text)
    if heading is None:
        return rf"(?im)^[^\n]*\bFinding\s+(?:No\.?\s*)?{number}\b[^\n]*"
    body = text[heading.end() :]
    spans = ans.sentence_spans(body)
    end = heading.end() + (spans[0][1] if spans else 0)
    return re.escape(text[heading.start() : end].rstrip())
