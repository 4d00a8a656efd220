"""Extractive summaries of a story (one or more articles in one language).

:func:`summarise` scores the sentences of all the story's articles by how central they
are to the story, the cosine of their TF-IDF vector (``scikit-learn``) to the centroid
of all of them (``centrality='centroid'``, the default; ``'pagerank'`` is TextRank over
the same similarities, ``networkx``), times a lead bias ``(1 + i) ** -position`` for
the ``i``-th sentence of its article; then it picks sentences greedily by maximal
marginal relevance (MMR): score minus ``redundancy`` times the largest similarity to a
sentence already picked, never one more similar than ``max_overlap`` (so two articles'
versions of one sentence are not both picked). The picked
sentences are returned in the order they appear in the input (article by article), so
a summary reads like its sources. :func:`lead` and :func:`random_sentences` are the
baselines the summariser is measured against (``earlywarn eval brief``).

The defaults were chosen by leave-one-cluster-out cross-validation on the tuning half
of the Vietnamese multi-document summarisation clusters (``experiments/splits/README.md``,
:mod:`earlywarn.brief.tune`); see the README for ROUGE on both halves.

Examples
--------
>>> docs = ["Floods hit central Vietnam on Monday after days of heavy rain. "
...         "Ten people died in Quang Binh province, officials said. "
...         "The weather was nice in Hanoi. "
...         "Rescue teams reached flooded villages in Quang Binh by boat.",
...         "Heavy rain caused floods in central Vietnam, killing ten people. "
...         "Rescue teams used boats to reach villages cut off by the floods."]
>>> summarise(docs, "en", n_sentences=2, min_tokens=5)
['Floods hit central Vietnam on Monday after days of heavy rain.', 'Heavy rain caused floods in central Vietnam, killing ten people.']
>>> lead(docs, "en", n_sentences=1, min_tokens=5)
['Floods hit central Vietnam on Monday after days of heavy rain.']
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from earlywarn.brief._text import (
    cut_link_list,
    drop_link_lines,
    split_sentences,
    syllables,
    tokens,
)
from earlywarn.errors import UsageError

__all__ = ["Sentence", "candidates", "lead", "random_sentences", "rank_sentences", "summarise"]

#: Parameters chosen by leave-one-cluster-out cross-validation on the tuning half
#: (``earlywarn eval brief --cv``, :mod:`earlywarn.brief.tune`); ``damping`` and
#: ``max_tokens`` were not searched.
DEFAULTS: dict[str, str | float | int | bool] = {
    "centrality": "centroid",
    "position": 0.5,
    "redundancy": 0.0,
    "max_overlap": 0.5,
    "damping": 0.85,
    "min_tokens": 15,
    "max_tokens": 80,
    "segment": False,
}


@dataclass(frozen=True)
class Sentence:
    """A sentence of a story: its article (``doc``), its index in the article, its text."""

    doc: int
    index: int
    text: str


def candidates(
    documents: Sequence[str],
    language: str = "",
    *,
    min_tokens: int = int(DEFAULTS["min_tokens"]),
    max_tokens: int = int(DEFAULTS["max_tokens"]),
) -> list[Sentence]:
    """The sentences a summary may use, in input order.

    Sentences of ``min_tokens`` to ``max_tokens`` words (syllables in Vietnamese); a
    sentence whose text already occurred (case and spacing ignored) is kept once.
    Lists of links to other stories are no candidates: their lines are dropped before
    the split, and a sentence that still holds a list marker (``>>``, an arrow: the
    list glued to the text when it came without line breaks) is cut before it, or left
    out when no whole sentence precedes the marker
    (:func:`~earlywarn.brief._text.drop_link_lines`, :func:`~earlywarn.brief._text.cut_link_list`).
    ``index`` counts every sentence of its article, kept or not, so it is the position.

    Examples
    --------
    >>> doc = "Photo: AFP. Floods hit central Vietnam on Monday after days of heavy rain."
    >>> [s.text for s in candidates([doc], "en", min_tokens=5)]
    ['Floods hit central Vietnam on Monday after days of heavy rain.']
    >>> doc = "Floods hit Hue on Monday. >> Storm nears coast >> Dams open on the Perfume river"
    >>> [s.text for s in candidates([doc], "en", min_tokens=3)]
    ['Floods hit Hue on Monday.']
    """
    out: list[Sentence] = []
    seen: set[str] = set()
    for d, doc in enumerate(documents):
        for i, whole in enumerate(split_sentences(drop_link_lines(doc), language)):
            sent = cut_link_list(whole)
            words = syllables(sent)
            key = " ".join(words)
            if not sent or not min_tokens <= len(words) <= max_tokens or key in seen:
                continue
            seen.add(key)
            out.append(Sentence(d, i, sent))
    return out


def _tfidf(sents: Sequence[Sentence], language: str, segment: bool) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        analyzer=lambda s: tokens(s, language, segment=segment), sublinear_tf=True
    )
    try:
        return vec.fit_transform([s.text for s in sents])
    except ValueError:  # no token at all
        return None


def rank_sentences(
    sents: Sequence[Sentence],
    language: str = "",
    *,
    centrality: str = str(DEFAULTS["centrality"]),
    position: float = float(DEFAULTS["position"]),
    damping: float = float(DEFAULTS["damping"]),
    segment: bool = bool(DEFAULTS["segment"]),
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of ``sents`` (higher is more central) and their pairwise cosine similarity.

    ``centrality`` 'centroid': the cosine of a sentence's TF-IDF vector to the story's
    centroid (the mean of them all), times the position prior ``(1 + i) ** -position``
    of the ``i``-th sentence of its article. 'pagerank': TextRank, PageRank over the
    similarity graph personalised by the same prior (``damping``: its damping factor).
    """
    n = len(sents)
    if n == 0:
        return np.zeros(0), np.zeros((0, 0))
    if centrality not in ("centroid", "pagerank"):
        raise UsageError(f"centrality={centrality!r} must be 'centroid' or 'pagerank'")
    x = _tfidf(sents, language, segment)
    if x is None:
        return np.full(n, 1.0 / n), np.zeros((n, n))
    sim = np.clip((x @ x.T).toarray(), 0.0, 1.0)
    np.fill_diagonal(sim, 0.0)
    prior = np.array([(1.0 + s.index) ** -position for s in sents])
    prior = prior / prior.sum()
    if centrality == "centroid":
        centroid = np.asarray(x.mean(axis=0)).ravel()
        norm = float(np.linalg.norm(centroid))
        cosine = np.asarray(x @ (centroid / norm)).ravel() if norm > 0 else np.ones(n)
        return cosine * prior, sim
    import networkx as nx

    pr = nx.pagerank(
        nx.from_numpy_array(sim),
        alpha=damping,
        personalization=dict(enumerate(prior)),
        dangling=dict(enumerate(prior)),
        weight="weight",
        max_iter=200,
        tol=1e-8,
    )
    return np.array([pr[i] for i in range(n)]), sim


def _select(
    sents: Sequence[Sentence],
    language: str,
    n_sentences: int,
    *,
    centrality: str,
    position: float,
    redundancy: float,
    max_overlap: float,
    damping: float,
    segment: bool,
) -> list[Sentence]:
    scores, sim = rank_sentences(
        sents,
        language,
        centrality=centrality,
        position=position,
        damping=damping,
        segment=segment,
    )
    if len(scores) == 0:
        return []
    if scores.max() <= 0:  # no shared word at all: lead sentences first
        scores = np.array([1.0 / (1.0 + s.index) for s in sents])
    rel = scores / scores.max()
    picked: list[int] = []
    left = list(range(len(sents)))
    while left and len(picked) < n_sentences:
        over = sim[np.ix_(left, picked)].max(axis=1) if picked else np.zeros(len(left))
        mmr = rel[left] - redundancy * over
        mmr[over > max_overlap] = -np.inf
        best = int(np.argmax(mmr))
        if not np.isfinite(mmr[best]):
            break
        picked.append(left.pop(best))
    return sorted((sents[i] for i in picked), key=lambda s: (s.doc, s.index))


def summarise(
    documents: Sequence[str],
    language: str = "",
    *,
    n_sentences: int = 3,
    centrality: str = str(DEFAULTS["centrality"]),
    position: float = float(DEFAULTS["position"]),
    redundancy: float = float(DEFAULTS["redundancy"]),
    max_overlap: float = float(DEFAULTS["max_overlap"]),
    damping: float = float(DEFAULTS["damping"]),
    min_tokens: int = int(DEFAULTS["min_tokens"]),
    max_tokens: int = int(DEFAULTS["max_tokens"]),
    segment: bool = bool(DEFAULTS["segment"]),
) -> list[str]:
    """An extractive summary of ``documents`` (the articles of one story, one language).

    Parameters
    ----------
    documents : sequence of str
        Article texts, earliest first (the output keeps this order).
    language : str
        Language tag of the texts (``vi``, ``en``, ``zh`` ...): picks the sentence
        splitter and tokeniser (see :mod:`earlywarn.brief._text`).
    n_sentences : int
        At most this many sentences (fewer when the articles have fewer candidates).
    centrality : {'centroid', 'pagerank'}
        How central a sentence is: cosine to the story's TF-IDF centroid, or TextRank
        (see :func:`rank_sentences`).
    position : float
        Strength of the lead bias: the ``i``-th sentence of an article gets prior
        weight ``(1 + i) ** -position`` (0: none).
    redundancy : float
        MMR penalty on the largest similarity to a sentence already picked.
    max_overlap : float
        A sentence more similar than this to one already picked is never picked.
    damping : float
        PageRank damping factor (``centrality='pagerank'`` only).
    min_tokens, max_tokens : int
        Length bounds of a candidate sentence, in words (syllables in Vietnamese).
    segment : bool
        Vietnamese: compare underthesea words rather than syllables.

    Returns
    -------
    list of str
        Sentences of the input, verbatim (NFC, spacing collapsed), in input order,
        without repeats.

    Examples
    --------
    >>> summarise(["Floods hit central Vietnam on Monday after days of heavy rain. "
    ...            "The weather was nice in Hanoi.",
    ...            "Heavy rain caused floods in central Vietnam, killing ten people."],
    ...           "en", n_sentences=1, min_tokens=5)
    ['Heavy rain caused floods in central Vietnam, killing ten people.']
    """
    if n_sentences < 1:
        raise UsageError(f"n_sentences={n_sentences!r} must be >= 1")
    if not 0.0 < damping < 1.0:
        raise UsageError(f"damping={damping!r} must be in (0, 1)")
    sents = candidates(documents, language, min_tokens=min_tokens, max_tokens=max_tokens)
    if not sents:  # only short sentences (a brief wire item): take them as they are
        sents = candidates(documents, language, min_tokens=1, max_tokens=max_tokens)
    chosen = _select(
        sents,
        language,
        n_sentences,
        centrality=centrality,
        position=position,
        redundancy=redundancy,
        max_overlap=max_overlap,
        damping=damping,
        segment=segment,
    )
    return [s.text for s in chosen]


def lead(
    documents: Sequence[str],
    language: str = "",
    *,
    n_sentences: int = 3,
    min_tokens: int = int(DEFAULTS["min_tokens"]),
    max_tokens: int = int(DEFAULTS["max_tokens"]),
) -> list[str]:
    """Baseline: the first ``n_sentences`` candidate sentences of the first article.

    Candidates as for :func:`summarise` (same length bounds), so captions and bylines
    are skipped by both; when the first article is short, the next one continues.
    """
    sents = candidates(documents, language, min_tokens=min_tokens, max_tokens=max_tokens)
    return [s.text for s in sents[:n_sentences]]


def random_sentences(
    documents: Sequence[str],
    language: str = "",
    *,
    n_sentences: int = 3,
    seed: int = 0,
    min_tokens: int = int(DEFAULTS["min_tokens"]),
    max_tokens: int = int(DEFAULTS["max_tokens"]),
) -> list[str]:
    """Baseline: ``n_sentences`` candidate sentences drawn at random (``seed``), in input order.

    Examples
    --------
    >>> docs = ["One two three four five six seven eight. Nine ten eleven twelve thirteen fourteen fifteen sixteen."]
    >>> random_sentences(docs, "en", n_sentences=2, seed=1) == [s.text for s in candidates(docs, "en")]
    True
    """
    sents = candidates(documents, language, min_tokens=min_tokens, max_tokens=max_tokens)
    rng = random.Random(seed)
    picked = sorted(rng.sample(range(len(sents)), min(n_sentences, len(sents))))
    return [sents[i].text for i in picked]
