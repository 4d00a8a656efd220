"""The trained-decision-layer experiment (``experiments/coding/learned.py``): its candidate
events of real tuning-half sentences of the news gold set, their features and labels, and
the nested threshold choice. The experiment found no gain (``experiments/RESULTS.md``, "A
trained decision layer over the coder's candidates"); these tests keep its figures
reproducible: they fail if the candidates, the features or the coder's trace drift."""

from __future__ import annotations

import numpy as np
import pytest

from earlywarn.extract.evaluate import actor_key
from earlywarn.extract.events import EventCoder
from tests.scripts import load_script

# tuning-half sentences (titles of their articles, so each is coded as sentence 0)
NEPAL = (
    "Nepalese Prime Minister has rejected the UN offer of mediating in talks with Maoist rebels."
)
KUWAIT = ("Kuwait has promised to leave no stone unturned to ensure the safe return of the "
          "three Indians who were taken hostage in Iraq.")  # fmt: skip
XI = ("To be sure, Xi and his comrades on the powerful Standing Committee do not want to send "
      "the army into Hong Kong.")  # fmt: skip
PAKISTAN = ("Pakistan's national assembly is due to debate whether President Musharraf should "
            "step down as army leader.")  # fmt: skip


@pytest.fixture(scope="module")
def lab():  # type: ignore[no-untyped-def]
    return load_script("experiments/coding/learned.py")


@pytest.fixture(scope="module")
def coders() -> tuple[EventCoder, EventCoder]:
    return EventCoder(), EventCoder(unknown_actors=True)


@pytest.fixture(scope="module")
def cands(lab, coders):  # type: ignore[no-untyped-def]
    docs = lab.candidate_documents(*coders, [[s] for s in (NEPAL, KUWAIT, XI, PAKISTAN)])
    return {s: doc[0] for s, doc in zip((NEPAL, KUWAIT, XI, PAKISTAN), docs, strict=True)}


def _keys(cs):  # type: ignore[no-untyped-def]
    return {c.key: c for c in cs}


def test_the_rule_coders_events_are_the_default_candidates(cands, coders) -> None:  # type: ignore[no-untyped-def]
    coder = coders[0]
    for s, cs in cands.items():
        coded = {(actor_key(e.source_country, e.source_type),
                  actor_key(e.target_country, e.target_type), e.code[:2])
                 for e in coder.code_sentences([s])[0]}  # fmt: skip
        assert {c.key for c in cs if c.features.get("default")} == coded, s


def test_a_rejection_sentence_gives_the_coders_events_and_a_positional_one(cands) -> None:  # type: ignore[no-untyped-def]
    got = _keys(cands[NEPAL])
    assert set(got) == {("NPL", "IGO", "12"), ("IGO", "NPL", "05"), ("NPL", "IGO", "05"),
                        ("IGO", "---", "05")}  # fmt: skip
    rejected = got[("NPL", "IGO", "12")]
    assert rejected.event.code == "125"
    f = rejected.features
    assert f["default"] == f["unknown"] == f["r_event"] == f["src_nsubj"] == f["title"] == 1.0
    assert f["root_12"] == 1.0 and f["prox_only"] == 0.0 and f["negated"] == 0.0
    assert got[("IGO", "---", "05")].features["prox_only"] == 1.0  # only by position


def test_an_intent_the_rules_miss_is_a_positional_candidate(cands) -> None:  # type: ignore[no-untyped-def]
    # the gold codes KWT -> IND 03 (a promise); the rule coder codes nothing here
    got = _keys(cands[KUWAIT])
    assert set(got) == {("KWT", "IND", "03"), ("KWT", "IND", "04"), ("IND", "IRQ", "18")}
    f = got[("KWT", "IND", "03")].features
    assert f["prox_only"] == 1.0 and f.get("default", 0.0) == 0.0
    assert f["src_nsubj"] == 1.0 and f["src_before"] == f["tgt_after"] == 1.0


def test_negated_and_hedged_readings_are_candidates_with_their_reason(cands) -> None:  # type: ignore[no-untyped-def]
    xi = _keys(cands[XI])
    assert xi[("CHN", "HKG", "03")].features["r_negated"] == 1.0
    assert xi[("CHN", "HKG", "03")].features["negated"] == 1.0
    pak = _keys(cands[PAKISTAN])
    assert pak[("PAK", "PAK", "08")].features["r_hedged"] == 1.0
    assert not any(c.features.get("default") for c in cands[XI] + cands[PAKISTAN])


def test_every_candidate_has_a_full_vector(lab, cands) -> None:  # type: ignore[no-untyped-def]
    for cs in cands.values():
        for c in cs:
            v = c.vector()
            assert len(v) == len(lab.FEATURES) and all(np.isfinite(v))
            assert sum(c.features[f"root_{r}"] for r in lab.ROOTS if f"root_{r}" in c.features) == 1


def test_labels_are_dyad_plus_root_matches_of_the_sentences_gold(lab, cands) -> None:  # type: ignore[no-untyped-def]
    row = {"sentence": NEPAL, "events": [{"source": "NPL", "target": "IGO", "code": "125"}]}
    _x, y, g, w = lab.dataset([row], [cands[NEPAL]], ["a"])
    assert sorted(y.tolist()) == [0, 0, 0, 1] and set(g) == {"a"} and set(w) == {0}
    keep = lab._unflat(np.array([c.features.get("default", 0.0) > 0 for c in cands[NEPAL]]),
                       [cands[NEPAL]])  # fmt: skip
    m = lab.scores([row], [cands[NEPAL]], keep)
    assert (m["dyad_precision"], m["dyad_recall"]) == (pytest.approx(1 / 3), 1.0)


def test_the_threshold_maximises_f1_and_may_keep_nothing(lab) -> None:  # type: ignore[no-untyped-def]
    p, y = np.array([0.9, 0.6, 0.3, 0.1]), np.array([1, 0, 1, 0])
    # keep the top three (F1 4/7; all four: 4/8): the lowest threshold above 0.1
    assert lab.best_threshold(p, y, n_gold=4) == pytest.approx(0.11)
    assert lab.best_threshold(p[:3], y[:3], n_gold=4) == pytest.approx(0.02)
    # beside 3 of 3 fixed matches, any added non-match lowers F1: keep none
    assert lab.best_threshold(p[:2], np.array([0, 0]), n_gold=4, base_tp=3, base_n=3) > 0.9
    # ... and an added match raises it
    assert lab.best_threshold(p[:2], y[:2], n_gold=4, base_tp=3, base_n=3) == pytest.approx(0.61)
