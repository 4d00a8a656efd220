"""ROUGE of the story summariser on the Vietnamese multi-document summarisation clusters.

Data: ``../shared/data/vietnamese_news`` (33 clusters of 3-4 articles, two human
reference summaries each), split once by cluster into a tuning and a held-aside half
(``experiments/splits/vietnamese_mds_clusters.csv``). Each method gets the cluster's
article bodies, earliest first, and returns the same number of sentences (3 by
default); ROUGE-1/2/L F1 is averaged over the two references, then over clusters.

Methods: ``centroid+mmr`` (:func:`~earlywarn.brief.summarise.summarise` with its
defaults, the summary the brief prints); ``lead-3``,
the first three sentences of the earliest article that pass the summariser's own
candidate filter (length bounds, so photo captions and bylines are skipped: the stronger
lead baseline, the one the bar is judged against); ``lead-3 raw``, the first three
sentences as split; ``random``, three candidate sentences drawn at random, in article
order, averaged over 20 seeds.

ROUGE is Google's ``rouge-score`` package with a syllable tokeniser: its default
tokeniser keeps only ``[a-z0-9]`` and so cuts Vietnamese words into letters ("đối lập"
becomes "i l p"). :class:`SyllableTokenizer` lower-cases NFC text into Unicode word
tokens, which on English text gives the default tokeniser's tokens (tested).

Run: ``earlywarn eval brief`` (or ``python -m earlywarn.brief.evaluate``). The settings
are chosen by ``earlywarn eval brief --cv`` (:mod:`earlywarn.brief.tune`), which reads the
tuning half only.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.brief._text import syllables
from earlywarn.brief.summarise import lead, random_sentences, summarise
from earlywarn.errors import EarlywarnError
from earlywarn.io.shared import read_mds, shared_data

__all__ = ["SyllableTokenizer", "evaluate_summaries", "load_clusters", "main", "rouge"]

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_REPO = Path(__file__).resolve().parents[2]
DEFAULT_SPLIT = _REPO / "experiments" / "splits" / "vietnamese_mds_clusters.csv"
#: Seeds the random baseline is averaged over.
RANDOM_SEEDS = tuple(range(20))


class SyllableTokenizer:
    """``rouge-score`` tokeniser: lower-case Unicode word tokens of NFC text.

    Examples
    --------
    >>> SyllableTokenizer().tokenize("Phe đối lập, Campuchia!")
    ['phe', 'đối', 'lập', 'campuchia']
    """

    def tokenize(self, text: str) -> list[str]:
        return syllables(text)


@cache
def _scorer() -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError:  # pragma: no cover - depends on the environment
        raise EarlywarnError(
            "ROUGE needs the rouge-score package: pip install 'earlywarn[dev]' or rouge-score"
        ) from None
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), tokenizer=SyllableTokenizer())


def rouge(summary: str, references: Sequence[str]) -> dict[str, float]:
    """ROUGE-1/2/L F1 of ``summary``, averaged over ``references`` (syllable tokens).

    Examples
    --------
    >>> r = rouge("hàng nghìn người biểu tình", ["hàng nghìn người xuống đường biểu tình"])
    >>> round(r["rouge1"], 3), round(r["rouge2"], 3)
    (0.833, 0.6)
    """
    scorer = _scorer()
    scores = [scorer.score(ref, summary) for ref in references]
    return {t: float(np.mean([s[t].fmeasure for s in scores])) for t in ROUGE_TYPES}


def load_clusters(data: str | Path | None = None) -> list[dict[str, Any]]:
    """The clusters: ``cluster_id``, ``documents`` (bodies, earliest first), ``references``."""
    folder = Path(data) if data is not None else shared_data() / "vietnamese_news"
    clus_path = folder / "vietnamese_mds_clusters.jsonl"
    if not clus_path.is_file():
        raise FileNotFoundError(f"{clus_path} is missing; pass --data or set EARLYWARN_SHARED_DATA")
    arts = {a["doc_id"]: a for a in read_mds(folder)}
    out = []
    for line in clus_path.read_text(encoding="utf-8").splitlines():
        c = json.loads(line)
        docs = sorted((arts[d] for d in c["doc_ids"]), key=lambda a: (a["time_iso"], a["doc_id"]))
        out.append(
            {
                "cluster_id": c["cluster_id"],
                "documents": [a["body"] for a in docs],
                "references": [c["reference_summary_1"], c["reference_summary_2"]],
            }
        )
    return out


def _methods(n: int, params: dict[str, Any]) -> dict[str, Callable[[list[str]], list[list[str]]]]:
    return {
        "centroid+mmr": lambda docs: [summarise(docs, "vi", n_sentences=n, **params)],
        f"lead-{n}": lambda docs: [lead(docs, "vi", n_sentences=n)],
        f"lead-{n} raw": lambda docs: [
            lead(docs, "vi", n_sentences=n, min_tokens=1, max_tokens=10**9)
        ],
        "random": lambda docs: [
            random_sentences(docs, "vi", n_sentences=n, seed=s) for s in RANDOM_SEEDS
        ],
    }


def evaluate_summaries(
    clusters: Sequence[dict[str, Any]],
    split: pd.DataFrame,
    *,
    n_sentences: int = 3,
    halves: Sequence[str] = ("tuning", "held_aside"),
    **params: Any,
) -> pd.DataFrame:
    """ROUGE per half and method: ``half, method, clusters, rouge1, rouge2, rougeL, sentences, words``.

    ``params`` go to :func:`earlywarn.brief.summarise.summarise`; the random baseline
    is the mean over :data:`RANDOM_SEEDS`.
    """
    half_of = dict(zip(split["cluster_id"], split["half"], strict=True))
    rows = []
    for c in clusters:
        if half_of.get(c["cluster_id"]) not in halves:
            continue
        for method, fn in _methods(n_sentences, params).items():
            for summ in fn(c["documents"]):
                rows.append(
                    {
                        "half": half_of[c["cluster_id"]],
                        "method": method,
                        "cluster_id": c["cluster_id"],
                        **rouge(" ".join(summ), c["references"]),
                        "sentences": len(summ),
                        "words": sum(len(syllables(s)) for s in summ),
                    }
                )
    frame = pd.DataFrame(rows)
    per_cluster = frame.groupby(["half", "method", "cluster_id"], sort=False).mean(
        numeric_only=True
    )
    out = per_cluster.groupby(["half", "method"], sort=False).agg(
        clusters=("rouge1", "size"),
        rouge1=("rouge1", "mean"),
        rouge2=("rouge2", "mean"),
        rougeL=("rougeL", "mean"),
        sentences=("sentences", "mean"),
        words=("words", "mean"),
    )
    return out.reset_index()


def main(argv: Sequence[str] | None = None) -> int:
    """Print the ROUGE table for both halves."""
    ap = argparse.ArgumentParser(prog="earlywarn eval brief", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=None, help="folder of the vietnamese_news data")
    ap.add_argument("--split", default=str(DEFAULT_SPLIT), help="cluster_id,half CSV")
    ap.add_argument("--sentences", type=int, default=3)
    args = ap.parse_args(argv)
    split = pd.read_csv(args.split)
    table = evaluate_summaries(load_clusters(args.data), split, n_sentences=args.sentences)
    out = sys.stdout
    out.write(
        f"ROUGE F1 (rouge-score, syllable tokens; mean of 2 references), "
        f"{args.sentences} sentences per summary\n"
    )
    out.write(
        f"{'half':<12}{'method':<15}{'clusters':>9}{'R-1':>8}{'R-2':>8}{'R-L':>8}"
        f"{'sents':>7}{'words':>7}\n"
    )
    for r in table.itertuples():
        out.write(
            f"{r.half:<12}{r.method:<15}{r.clusters:>9}{r.rouge1:>8.4f}{r.rouge2:>8.4f}"
            f"{r.rougeL:>8.4f}{r.sentences:>7.2f}{r.words:>7.1f}\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
