"""The segmented lexical index: identifiers, incremental updates, global scores, merges, crash safety."""

from __future__ import annotations

import json

import pytest

from assistant.stores import lexical
from assistant.stores.lexical import LexicalIndex, tokenize

WORDS = "valve gasket housing bracket sensor cable relay switch fuse panel hinge clamp".split()


def _doc(i: int) -> str:
    """Documents of equal length (so average lengths agree across segments) with varied terms."""
    return " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 9)) + f" part KM-{1000 + i}"


class Texts:
    def __init__(self, corpus: dict[str, str]):
        self.corpus, self.asked = corpus, []

    def __call__(self, ids):
        self.asked.append(list(ids))
        return [self.corpus[i] for i in ids]


def test_tokenize_keeps_identifiers_whole_compact_and_in_parts():
    toks = tokenize("Entry HL7-0101234-5 under 3924.90.1050 per N361443 and 19 CFR 162.74")
    for t in ("hl7-0101234-5", "hl701012345", "0101234", "3924.90.1050", "3924901050", "n361443", "162.74", "19"):
        assert t in toks
    assert "and" not in toks and "per" in toks


def test_new_chunks_go_to_a_new_segment_and_only_they_are_indexed(tmp_path):
    corpus = {f"c{i}": _doc(i) for i in range(40)}
    texts = Texts(corpus)
    index = LexicalIndex(tmp_path / "lex")
    first = index.update([f"c{i}" for i in range(30)], texts)
    assert first.action == "rebuilt" and first.segments == 1
    second = LexicalIndex(tmp_path / "lex").update([f"c{i}" for i in range(40)], texts)
    assert second.action == "updated" and second.added == 10 and second.segments == 2
    assert texts.asked[-1] == [f"c{i}" for i in range(30, 40)]
    assert LexicalIndex(tmp_path / "lex").update([f"c{i}" for i in range(40)], texts).action == "unchanged"
    # an identifier in the new segment is found, first
    assert LexicalIndex(tmp_path / "lex").search("KM-1035", k=3)[0][0] == "c35"


def test_scores_across_segments_equal_one_index_over_all(tmp_path):
    corpus = {f"c{i}": _doc(i) for i in range(60)}
    ids = list(corpus)
    whole = LexicalIndex(tmp_path / "whole")
    whole.update(ids, Texts(corpus))
    parts = LexicalIndex(tmp_path / "parts")
    for n in (10, 25, 60):
        parts.update(ids[:n], Texts(corpus))
    assert parts.summary()["segments"] == 3
    for query in ("valve sensor", "relay hinge clamp", "KM-1042 fuse"):
        a, b = whole.search(query, k=10), parts.search(query, k=10)
        assert [round(s, 4) for _, s in a] == [round(s, 4) for _, s in b]
        assert {i for i, _ in a} == {i for i, _ in b}


def test_deleted_chunks_are_never_returned_and_many_deletions_rebuild(tmp_path):
    corpus = {f"c{i}": _doc(i) for i in range(40)}
    index = LexicalIndex(tmp_path / "lex")
    index.update(list(corpus), Texts(corpus))
    kept = [i for i in corpus if i != "c7"]
    res = index.update(kept, Texts(corpus))
    assert res.action == "updated" and res.deleted == 1
    reopened = LexicalIndex(tmp_path / "lex")
    assert "c7" not in reopened.indexed_ids() and reopened.summary() == {"chunks": 39, "segments": 1, "deleted": 1}
    assert all(cid != "c7" for cid, _ in reopened.search("KM-1007 valve", k=40))
    res = reopened.update(kept[:20], Texts(corpus))
    assert res.action == "rebuilt" and reopened.summary() == {"chunks": 20, "segments": 1, "deleted": 0}


def test_a_chunk_deleted_then_back_is_found_again_once(tmp_path):
    """A file restored to an earlier version brings back the same chunk ids (same text)."""
    corpus = {f"c{i}": _doc(i) for i in range(40)}
    index = LexicalIndex(tmp_path / "lex")
    index.update(list(corpus), Texts(corpus))
    index.update([i for i in corpus if i != "c7"], Texts(corpus))
    texts = Texts(corpus)
    res = index.update(list(corpus), texts)
    assert res.action == "updated" and res.added == 1 and texts.asked == []
    reopened = LexicalIndex(tmp_path / "lex")
    assert reopened.summary() == {"chunks": 40, "segments": 1, "deleted": 0}
    hits = [cid for cid, _ in reopened.search("KM-1007", k=40)]
    assert hits[0] == "c7" and hits.count("c7") == 1


def test_small_segments_merge_beyond_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(lexical, "MAX_SEGMENTS", 3)
    corpus = {f"c{i}": _doc(i) for i in range(50)}
    ids = list(corpus)
    index = LexicalIndex(tmp_path / "lex")
    actions = [index.update(ids[:n], Texts(corpus)).action for n in (30, 35, 40, 45)]
    assert actions == ["rebuilt", "updated", "updated", "merged"]
    assert index.summary()["segments"] == 2
    assert LexicalIndex(tmp_path / "lex").indexed_ids() == set(ids[:45])


def test_allowed_restricts_results(tmp_path):
    corpus = {f"c{i}": _doc(i) for i in range(20)}
    index = LexicalIndex(tmp_path / "lex")
    index.update(list(corpus), Texts(corpus))
    hits = index.search("valve gasket", k=5, allowed={"c3", "c4"})
    assert hits and {i for i, _ in hits} <= {"c3", "c4"}


def test_a_segment_without_manifest_is_ignored_and_cleaned(tmp_path):
    """A crash after a segment was written but before the manifest was replaced loses nothing."""
    corpus = {f"c{i}": _doc(i) for i in range(20)}
    index = LexicalIndex(tmp_path / "lex")
    index.update(list(corpus)[:10], Texts(corpus))
    orphan = index._write_segment(["c15"], [corpus["c15"]])  # written, never committed
    fresh = LexicalIndex(tmp_path / "lex")
    assert fresh.indexed_ids() == set(list(corpus)[:10])
    assert "c15" not in {i for i, _ in fresh.search("KM-1015", k=20)}
    fresh.update(list(corpus), Texts(corpus))
    assert not (tmp_path / "lex" / orphan.name).exists()
    assert fresh.search("KM-1015", k=1)[0][0] == "c15"


def test_an_index_in_an_unknown_layout_is_rebuilt(tmp_path):
    (tmp_path / "lex").mkdir()
    (tmp_path / "lex" / "ids.json").write_text(json.dumps(["old"]))
    corpus = {"c1": _doc(1)}
    index = LexicalIndex(tmp_path / "lex")
    assert index.update(["c1"], Texts(corpus)).action == "rebuilt"
    assert sorted(p.name for p in (tmp_path / "lex").iterdir() if not p.name.startswith("seg-")) == ["manifest.json"]


@pytest.mark.parametrize("query", ["", "the and of", "zzzz-unknown"])
def test_queries_without_known_terms_return_nothing(tmp_path, query):
    corpus = {"c1": _doc(1)}
    index = LexicalIndex(tmp_path / "lex")
    index.update(["c1"], Texts(corpus))
    assert index.search(query) == []
