"""The evaluation's metrics."""

from evaluation.metrics import check_scores, first_relevant, has_facts, retrieval_scores


def test_ranks_hits_and_mrr():
    assert first_relevant([False, False, True, True]) == 3 and first_relevant([False]) is None
    s = retrieval_scores([1, 3, None, 6], k=5)
    assert s["hit@1"] == 0.25 and s["hit@5"] == 0.5 and abs(s["mrr"] - (1 + 1 / 3) / 4) < 1e-12


def test_facts_ignore_case_and_spacing_but_not_content():
    assert has_facts("Records are kept for FIVE  years.", ["five years"])
    assert not has_facts("Records are kept for six years.", ["five years"])
    assert not has_facts("5100 only", ["5100", "6200"])


def test_check_precision_and_recall():
    expected = [
        {"check": "a", "subject": {"part_number": "X"}},
        {"check": "a", "subject": {"part_number": "Y"}},
        {"check": "b", "subject": {"entry": "E"}},
    ]
    found = [("a", {"part_number": "X"}), ("a", {"part_number": "Z"}), ("c", {"payment_id": "P"})]
    s = check_scores(expected, found, ["a", "b", "c"])
    assert (s["a"]["precision"], s["a"]["recall"]) == (0.5, 0.5)
    assert (s["b"]["precision"], s["b"]["recall"]) == (0.0, 0.0) and s["b"]["misses"]
    assert (s["c"]["precision"], s["c"]["recall"]) == (0.0, 1.0)
