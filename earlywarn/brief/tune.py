"""Choose the summariser's settings by leave-one-cluster-out cross-validation, tuning half only.

The held-aside clusters are never loaded: :func:`cross_validate` keeps only the clusters
the split calls ``tuning`` (17 of the 33 Vietnamese multi-document clusters, see
``experiments/splits/README.md``). Every setting of :data:`GRID` (both centralities,
position prior, MMR redundancy, overlap cap, length floor, word segmentation) summarises
every tuning cluster once; then, for each cluster in turn, the setting with the best mean
ROUGE-2 on the *other* 16 clusters summarises it. The mean of those 17 out-of-cluster
scores estimates what the whole choosing procedure gives on clusters it has not seen,
for each centrality alone and for the two together; lead-3 and the random baseline are
scored on the same clusters. The setting chosen is the one most folds chose (ties: the
better mean on all 17); it is what :data:`earlywarn.brief.summarise.DEFAULTS` holds.

Run: ``earlywarn eval brief --cv`` (about 3 minutes on two cores).
"""

from __future__ import annotations

import itertools
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.brief.evaluate import RANDOM_SEEDS, ROUGE_TYPES, rouge
from earlywarn.brief.summarise import lead, random_sentences, summarise

__all__ = ["GRID", "cross_validate", "main"]


def _grid() -> list[dict[str, Any]]:
    out = []
    for centrality, positions in (
        ("centroid", (0.0, 0.5, 1.0, 2.0)),
        ("pagerank", (1.0, 2.0, 3.0)),
    ):
        for position, redundancy, max_overlap, min_tokens, segment in itertools.product(
            positions, (0.0, 0.3, 0.7), (0.5, 1.0), (8, 12, 15), (True, False)
        ):
            out.append(
                {
                    "centrality": centrality,
                    "position": position,
                    "redundancy": redundancy,
                    "max_overlap": max_overlap,
                    "min_tokens": min_tokens,
                    "segment": segment,
                }
            )
    return out


#: The settings cross-validated (252: 144 centroid, 108 pagerank with damping 0.85).
GRID: list[dict[str, Any]] = _grid()


def _loco(scores: np.ndarray, allowed: Sequence[int]) -> tuple[list[int], int]:
    """Per held-out cluster, the allowed setting best on the others; and the final choice."""
    idx = np.asarray(allowed)
    r2 = scores[idx, :, 1]
    n = r2.shape[1]
    folds = []
    for k in range(n):
        rest = np.arange(n) != k
        folds.append(int(idx[int(np.argmax(r2[:, rest].mean(axis=1)))]))
    counts = Counter(folds)
    top = max(counts.values())
    final = max((i for i, c in counts.items() if c == top), key=lambda i: scores[i, :, 1].mean())
    return folds, final


def cross_validate(
    clusters: Sequence[dict[str, Any]],
    split: pd.DataFrame,
    *,
    n_sentences: int = 3,
    grid: Sequence[dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Leave-one-cluster-out ROUGE on the tuning clusters, and the chosen setting.

    Returns a frame ``method, clusters, rouge1, rouge2, rougeL`` (the out-of-cluster
    estimate of choosing within each centrality and within both, lead-``n`` and random)
    and the chosen setting (``summarise`` keyword arguments).
    """
    grid = list(GRID if grid is None else grid)
    tuning = set(split.loc[split["half"] == "tuning", "cluster_id"])
    clusters = [c for c in clusters if c["cluster_id"] in tuning]  # never the held-aside
    if len(clusters) < 3:
        raise ValueError(f"{len(clusters)} tuning clusters: leave-one-out needs at least 3")
    cache: dict[tuple[int, tuple[str, ...]], dict[str, float]] = {}

    def score(k: int, summary: Sequence[str]) -> list[float]:
        key = (k, tuple(summary))
        if key not in cache:
            cache[key] = rouge(" ".join(summary), clusters[k]["references"])
        return [cache[key][t] for t in ROUGE_TYPES]

    scores = np.zeros((len(grid), len(clusters), len(ROUGE_TYPES)))
    for g, params in enumerate(grid):
        for k, c in enumerate(clusters):
            scores[g, k] = score(
                k, summarise(c["documents"], "vi", n_sentences=n_sentences, **params)
            )
        if progress is not None:
            progress(g + 1, len(grid))
    rows = []
    families = {
        "centroid+mmr": [i for i, p in enumerate(grid) if p.get("centrality") == "centroid"],
        "textrank+mmr": [i for i, p in enumerate(grid) if p.get("centrality") == "pagerank"],
        "either (chosen)": list(range(len(grid))),
    }
    chosen: dict[str, Any] = {}
    for name, allowed in families.items():
        if not allowed:
            continue
        folds, final = _loco(scores, allowed)
        est = np.array([scores[f, k] for k, f in enumerate(folds)]).mean(axis=0)
        rows.append(
            {
                "method": f"{name} LOCO",
                "clusters": len(clusters),
                **dict(zip(ROUGE_TYPES, est, strict=True)),
                "folds_agreeing": Counter(folds)[final],
            }
        )
        chosen = grid[final]
    for name, fn in (
        (f"lead-{n_sentences}", lambda d: [lead(d, "vi", n_sentences=n_sentences)]),
        (
            "random",
            lambda d: [
                random_sentences(d, "vi", n_sentences=n_sentences, seed=s) for s in RANDOM_SEEDS
            ],
        ),
    ):
        per = [
            np.mean([score(k, s) for s in fn(c["documents"])], axis=0)
            for k, c in enumerate(clusters)
        ]
        rows.append(
            {
                "method": name,
                "clusters": len(clusters),
                **dict(zip(ROUGE_TYPES, np.mean(per, axis=0), strict=True)),
            }
        )
    return pd.DataFrame(rows), chosen


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    """Print the cross-validated table and the chosen setting (tuning half only)."""
    import argparse

    from earlywarn.brief.evaluate import DEFAULT_SPLIT, load_clusters

    ap = argparse.ArgumentParser(
        prog="earlywarn eval brief --cv", description=__doc__.split("\n")[0]
    )
    ap.add_argument("--data", default=None, help="folder of the vietnamese_news data")
    ap.add_argument("--split", default=str(DEFAULT_SPLIT), help="cluster_id,half CSV")
    ap.add_argument("--sentences", type=int, default=3)
    args = ap.parse_args(argv)
    out = out or sys.stdout
    table, chosen = cross_validate(
        load_clusters(args.data), pd.read_csv(args.split), n_sentences=args.sentences
    )
    out.write(
        f"Leave-one-cluster-out ROUGE F1 on the tuning half only ({table['clusters'].iloc[0]} "
        f"clusters), {len(GRID)} settings, {args.sentences} sentences per summary\n"
    )
    out.write(f"{'method':<24}{'R-1':>8}{'R-2':>8}{'R-L':>8}{'folds':>7}\n")
    for r in table.to_dict("records"):
        agree = r.get("folds_agreeing")
        folds = "" if agree is None or pd.isna(agree) else str(int(agree))
        out.write(
            f"{r['method']:<24}{r['rouge1']:>8.4f}{r['rouge2']:>8.4f}{r['rougeL']:>8.4f}{folds:>7}\n"
        )
    out.write(f"chosen: {chosen}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
