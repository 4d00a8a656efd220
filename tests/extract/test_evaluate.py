from __future__ import annotations

from pathlib import Path

from earlywarn.extract.evaluate import evaluate_coding, evaluate_vietnamese

PETR = Path(__file__).resolve().parents[3] / "shared" / "data" / "event_coding" / "petrarch2"


def test_petrarch_unit_records() -> None:
    m = evaluate_coding(
        PETR / "PETR.UnitTest.records.xml", PETR / "PETR.Validate.verbs.txt",
        PETR / "PETR.Validate.actors.txt", PETR / "PETR.Validate.agents.txt",
        PETR / "PETR.Validate.discards.txt",
    )  # fmt: skip
    assert m["n_records"] == 284
    # measured: root P 0.864 R 0.724, full P 0.857 R 0.719, actor accuracy 0.841
    assert m["root_precision"] >= 0.84 and m["root_recall"] >= 0.70
    assert m["full_precision"] >= 0.83 and m["full_recall"] >= 0.69
    assert m["actor_accuracy"] >= 0.80


def test_vietnamese_gold_set() -> None:
    m = evaluate_vietnamese()
    assert m["n_records"] >= 100 and m["n_gold"] >= 80
    # measured: QuadClass P 0.833 R 0.581, root P 0.800 R 0.558, dyad P 0.783 R 0.547
    # (before the news rules: QuadClass P 0.667 R 0.558, root P 0.639 R 0.535)
    assert m["quad_precision"] >= 0.80 and m["quad_recall"] >= 0.56
    assert m["root_precision"] >= 0.77 and m["root_recall"] >= 0.54
    assert m["dyad_precision"] >= 0.75 and m["dyad_recall"] >= 0.52
