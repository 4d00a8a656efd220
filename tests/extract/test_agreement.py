"""The inter-annotator agreement study (experiments/coding/agreement.py, issue 12).

The sample rule is re-derived from the gold file, two identical label sets agree perfectly,
and the committed label sets give the figures written in experiments/RESULTS.md (so the test
fails if either annotator's file, the sample or the scorer changes).
"""

from __future__ import annotations

import pytest

from earlywarn.extract.evaluate import news_gold, row_events
from tests.scripts import load_script

agreement = load_script("experiments/coding/agreement.py")


@pytest.fixture(scope="module")
def gold_rows() -> list[dict]:
    return news_gold()


@pytest.fixture(scope="module")
def sample() -> list[dict]:
    return agreement.read_jsonl(agreement.SAMPLE)


def test_the_sample_is_the_rules_draw(gold_rows: list[dict], sample: list[dict]) -> None:
    assert agreement.check_sample(gold_rows, sample).startswith("sample ok: 66 articles, 328")
    assert len(sample) == 328 and len({r["article"] for r in sample}) == 66
    # another draw (a different minimum, or one article's rows missing) is refused
    with pytest.raises(AssertionError):
        agreement.check_sample(gold_rows, sample[:-1])
    shifted = agreement.draw_sample(gold_rows, minimum=200)
    assert [r["id"] for r in shifted] != [r["id"] for r in sample]


def test_identical_label_sets_agree_fully(gold_rows: list[dict], sample: list[dict]) -> None:
    first = [
        row_events(r) for r in agreement.tuning_reference(gold_rows, [r["id"] for r in sample])
    ]
    m = agreement.agreement(first, first)
    for k in ("root_f1", "code_f1", "dyad_f1", "quad_accuracy", "event_agreement", "event_kappa"):
        assert m[k] == 1.0, k
    ci = agreement.bootstrap([r["article"] for r in sample], first, first, n=50)
    assert all(lo == hi == 1.0 for lo, hi in ci.values())


def test_the_committed_label_sets_give_the_results_figures(
    gold_rows: list[dict], sample: list[dict]
) -> None:
    second_rows = agreement.read_jsonl(agreement.SECOND)
    assert [r["id"] for r in second_rows] == [r["id"] for r in sample]
    first = [
        row_events(r) for r in agreement.tuning_reference(gold_rows, [r["id"] for r in sample])
    ]
    second = [row_events(r) for r in second_rows]
    m = agreement.agreement(first, second)
    got = {k: round(m[k], 3) for k in ("root_f1", "code_f1", "dyad_f1", "quad_accuracy")}
    assert got == {"root_f1": 0.829, "code_f1": 0.8, "dyad_f1": 0.757, "quad_accuracy": 0.933}
    assert (m["n_gold"], m["n_predicted"]) == (65, 75)
    assert round(m["event_kappa"], 3) == 0.844
    quoted = set(agreement.check_quoted(sample, agreement.README.read_text(encoding="utf-8")))
    keep = [i for i, r in enumerate(sample) if r["id"] not in quoted]
    assert len(quoted) == 31 and len(keep) == 297
    mq = agreement.agreement([first[i] for i in keep], [second[i] for i in keep])
    got = {k: round(mq[k], 3) for k in ("root_f1", "code_f1", "dyad_f1", "event_kappa")}
    assert got == {"root_f1": 0.706, "code_f1": 0.676, "dyad_f1": 0.618, "event_kappa": 0.734}
    assert len(agreement.disagreements(sample, first, second)) == 28


def test_kappa_of_chance_agreement_is_zero() -> None:
    assert agreement.kappa([True, True, False, False], [True, False, True, False]) == 0.0
    with pytest.raises(ValueError):
        agreement.kappa([], [])
