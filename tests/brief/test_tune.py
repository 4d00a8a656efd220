"""Choosing the summariser's settings: leave-one-cluster-out on the tuning half, never the held-aside."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from earlywarn.brief.evaluate import DEFAULT_SPLIT, load_clusters
from earlywarn.brief.summarise import DEFAULTS
from earlywarn.brief.tune import GRID, _loco, cross_validate


def test_a_fold_never_chooses_with_its_own_cluster() -> None:
    # setting 0 is excellent on cluster 0 only, setting 1 fair on clusters 1 and 2
    r2 = np.array([[1.0, 0.0, 0.0], [0.0, 0.4, 0.4]])
    scores = np.stack([r2, r2, r2], axis=2)  # rouge1, rouge2, rougeL alike
    folds, final = _loco(scores, [0, 1])
    # holding out cluster 0, setting 0's only win is unseen: setting 1 is chosen
    assert folds == [1, 0, 0] and final == 0
    folds, final = _loco(scores, [1])  # one setting allowed: always it
    assert folds == [1, 1, 1] and final == 1


def test_cross_validation_reads_the_tuning_half_only(shared_data: Path) -> None:
    split = pd.read_csv(DEFAULT_SPLIT)
    clusters = load_clusters(shared_data / "vietnamese_news")
    tuning = set(split.loc[split["half"] == "tuning", "cluster_id"])
    # held-aside clusters without their texts: touching one would raise KeyError
    mine = [c for c in clusters if c["cluster_id"] in tuning][:4]
    others = [{"cluster_id": c["cluster_id"]} for c in clusters if c["cluster_id"] not in tuning]
    grid = [dict(DEFAULTS, centrality="centroid"), dict(DEFAULTS, centrality="pagerank")]
    table, chosen = cross_validate([*others, *mine], split, grid=grid)
    assert chosen in grid
    assert set(table["method"]) == {
        "centroid+mmr LOCO",
        "textrank+mmr LOCO",
        "either (chosen) LOCO",
        "lead-3",
        "random",
    }
    assert (table["clusters"] == 4).all()
    rows = table.set_index("method")
    assert rows.loc["lead-3", "rouge2"] > rows.loc["random", "rouge2"] > 0
    with pytest.raises(ValueError, match="tuning clusters"):
        cross_validate(others, split, grid=grid)


def test_the_defaults_are_in_the_grid() -> None:
    searched = {k: DEFAULTS[k] for k in GRID[0]}
    assert searched in GRID and len(GRID) == 252
