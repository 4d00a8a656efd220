"""Extractive summaries of a story (one or more articles in one language).

:func:`summarise` ranks the sentences of all the story's articles with PageRank over
their TF-IDF cosine similarity (TextRank, ``networkx`` and ``scikit-learn``), biased
towards the start of each article (a personalisation vector ``(1 + i) ** -position``
for the ``i``-th sentence of its article), then picks sentences greedily by maximal
marginal relevance (MMR): rank minus ``redundancy`` times the largest similarity to a
sentence already picked, never one more similar than ``max_overlap``. The picked
sentences are returned in the order they appear in the input (article by article), so
a summary reads like its sources. :func:`lead` and :func:`random_sentences` are the
baselines the summariser is measured against (``earlywarn eval brief``).

The defaults were chosen on the tuning half of the Vietnamese multi-document
summarisation clusters (``experiments/splits/README.md``); see the README for ROUGE on
both halves.

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

import numpy as np

from earlywarn.brief._text import split_sentences, syllables, tokens

__all__ = ["Sentence", "candidates", "lead", "random_sentences", "rank_sentences", "summarise"]

#: Parameters chosen on the tuning half (see the module docstring).
DEFAULTS: dict[str, float | int | bool] = {
    "position": 2.0,
    "redundancy": 0.3,
    "max_overlap": 0.5,
    "damping": 0.85,
    "min_tokens": 12,
    "max_tokens": 80,
    "segment": True,
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
    ``index`` counts every sentence of its article, kept or not, so it is the position.

    Examples
    --------
    >>> doc = "Photo: AFP. Floods hit central Vietnam on Monday after days of heavy rain."
    >>> [s.text for s in candidates([doc], "en", min_tokens=5)]
    ['Floods hit central Vietnam on Monday after days of heavy rain.']
    """
    out: list[Sentence] = []
    seen: set[str] = set()
    for d, doc in enumerate(documents):
        for i, sent in enumerate(split_sentences(doc, language)):
            words = syllables(sent)
            key = " ".join(words)
            if not min_tokens <= len(words) <= max_tokens or key in seen:
                continue
            seen.add(key)
            out.append(Sentence(d, i, sent))
    return out


def _similarity(sents: Sequence[Sentence], language: str, segment: bool) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        analyzer=lambda s: tokens(s, language, segment=segment), sublinear_tf=True
    )
    try:
        x = vec.fit_transform([s.text for s in sents])
    except ValueError:  # no token at all
        return np.zeros((len(sents), len(sents)))
    sim = (x @ x.T).toarray()
    np.fill_diagonal(sim, 0.0)
    return np.clip(sim, 0.0, 1.0)


def rank_sentences(
    sents: Sequence[Sentence],
    language: str = "",
    *,
    position: float = float(DEFAULTS["position"]),
    damping: float = float(DEFAULTS["damping"]),
    segment: bool = bool(DEFAULTS["segment"]),
) -> tuple[np.ndarray, np.ndarray]:
    """PageRank scores (summing to 1) of ``sents`` and their pairwise similarity."""
    import networkx as nx

    n = len(sents)
    if n == 0:
        return np.zeros(0), np.zeros((0, 0))
    sim = _similarity(sents, language, segment)
    prior = np.array([(1.0 + s.index) ** -position for s in sents])
    prior = prior / prior.sum()
    graph = nx.from_numpy_array(sim)
    pr = nx.pagerank(
        graph,
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
    position: float,
    redundancy: float,
    max_overlap: float,
    damping: float,
    segment: bool,
) -> list[Sentence]:
    scores, sim = rank_sentences(
        sents, language, position=position, damping=damping, segment=segment
    )
    if len(scores) == 0:
        return []
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
    position : float
        Strength of the lead bias: the ``i``-th sentence of an article gets prior
        weight ``(1 + i) ** -position`` (0: none).
    redundancy : float
        MMR penalty on the largest similarity to a sentence already picked.
    max_overlap : float
        A sentence more similar than this to one already picked is never picked.
    damping : float
        PageRank damping factor.
    min_tokens, max_tokens : int
        Length bounds of a candidate sentence, in words (syllables in Vietnamese).
    segment : bool
        Vietnamese: compare underthesea words rather than syllables.

    Returns
    -------
    list of str
        Sentences of the input, verbatim (NFC, spacing collapsed), in input order,
        without repeats.
    """
    if n_sentences < 1:
        raise ValueError(f"n_sentences={n_sentences!r} must be >= 1")
    if not 0.0 < damping < 1.0:
        raise ValueError(f"damping={damping!r} must be in (0, 1)")
    sents = candidates(documents, language, min_tokens=min_tokens, max_tokens=max_tokens)
    if not sents:  # only short sentences (a brief wire item): take them as they are
        sents = candidates(documents, language, min_tokens=1, max_tokens=max_tokens)
    chosen = _select(
        sents,
        language,
        n_sentences,
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
