"""The inter-annotator agreement study (experiments/coding/agreement.py, issue 12).

Both samples' rules are re-derived from the gold file, two identical label sets agree
perfectly, and the committed label sets give the figures written in experiments/RESULTS.md
(so the test fails if any annotator's file, a sample or the scorer changes; the third
annotator's file, coded blind and committed before any comparison, is also pinned by digest).
"""

from __future__ import annotations

import hashlib

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


@pytest.fixture(scope="module")
def sample2() -> list[dict]:
    return agreement.read_jsonl(agreement.SAMPLE2)


def test_sample_2_is_the_rules_draw(
    gold_rows: list[dict], sample: list[dict], sample2: list[dict]
) -> None:
    readme = agreement.README.read_text(encoding="utf-8")
    assert agreement.check_sample2(gold_rows, sample, sample2, readme) == (
        "sample 2 ok: 118 articles drawn (95 with kept sentences), 330 sentences, "
        "41 dropped for a 5-word sequence in the codebook"
    )
    assert not {r["article"] for r in sample} & {r["article"] for r in sample2}
    quoted = agreement.ngrams(readme)
    assert not any(agreement.ngrams(r["sentence"]) & quoted for r in sample2)
    # a row missing, or the draw without the overlap rule, is refused
    with pytest.raises(AssertionError):
        agreement.check_sample2(gold_rows, sample, sample2[:-1], readme)
    with pytest.raises(AssertionError):
        agreement.check_sample2(gold_rows, sample, sample2, "")


def test_the_third_annotators_file_is_the_blind_commit(sample2: list[dict]) -> None:
    data = agreement.THIRD.read_bytes()
    assert hashlib.sha256(data).hexdigest() == (
        "0bfa33be88ccd15453104cc76592bc644b630131e87e02a2df942b445990fe6b"
    )
    third_rows = agreement.read_jsonl(agreement.THIRD)
    assert [(r["id"], r["sentence"]) for r in third_rows] == [
        (r["id"], r["sentence"]) for r in sample2
    ]


def test_sample_2_and_the_pooled_blind_set_give_the_results_figures(
    gold_rows: list[dict], sample: list[dict], sample2: list[dict]
) -> None:
    readme = agreement.README.read_text(encoding="utf-8")
    first = [
        row_events(r) for r in agreement.tuning_reference(gold_rows, [r["id"] for r in sample])
    ]
    second = [row_events(r) for r in agreement.read_jsonl(agreement.SECOND)]
    first2 = [
        row_events(r) for r in agreement.tuning_reference(gold_rows, [r["id"] for r in sample2])
    ]
    third = [row_events(r) for r in agreement.read_jsonl(agreement.THIRD)]
    keys = ("root_f1", "code_f1", "dyad_f1", "quad_accuracy", "event_kappa")

    m = agreement.agreement(first2, third)
    assert {k: round(m[k], 3) for k in keys} == {
        "root_f1": 0.803,
        "code_f1": 0.77,
        "dyad_f1": 0.787,
        "quad_accuracy": 0.942,
        "event_kappa": 0.798,
    }
    assert (m["n_gold"], m["n_predicted"]) == (54, 68)
    assert len(agreement.disagreements(sample2, first2, third)) == 22

    quoted = set(agreement.check_quoted(sample, readme))
    articles, reference, other = agreement.pooled_blind(
        sample, first, second, sample2, first2, third, quoted
    )
    assert len(reference) == 627 and len(set(articles)) == 151
    mp = agreement.agreement(reference, other)
    assert {k: round(mp[k], 3) for k in keys} == {
        "root_f1": 0.768,
        "code_f1": 0.737,
        "dyad_f1": 0.726,
        "quad_accuracy": 0.941,
        "event_kappa": 0.772,
    }
    assert (mp["n_gold"], mp["n_predicted"]) == (84, 106)
    ci = agreement.bootstrap(articles, reference, other, n=2000)
    assert {k: (round(lo, 3), round(hi, 3)) for k, (lo, hi) in ci.items()} == {
        "root_f1": (0.706, 0.837),
        "code_f1": (0.67, 0.808),
        "dyad_f1": (0.662, 0.802),
        "event_kappa": (0.704, 0.843),
    }
    para = agreement.check_quoted(sample2, readme, agreement.SAMPLE2_PARAPHRASED)
    assert len(para) == 16


def test_kappa_of_chance_agreement_is_zero() -> None:
    assert agreement.kappa([True, True, False, False], [True, False, True, False]) == 0.0
    with pytest.raises(ValueError):
        agreement.kappa([], [])
