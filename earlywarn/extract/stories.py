"""Stories: articles about the same happening, grouped across outlets and languages.

Two articles are similar by the largest of three signals, each only when they were
published within ``window_days`` of each other:

* near-duplicate text (MinHash LSH over word 3-shingles, ``datasketch``) -> 1.0;
* TF-IDF cosine of title + text (word 1-2 grams, sublinear tf, ``scikit-learn``);
* shared entities from the ``mentions`` frame (IDF-weighted Jaccard of entity sets, needs
  >= 2 shared), only between articles in different languages: within one language it
  merged unrelated stories that name the same big countries and cities (measured on the
  181 English demo pages: 22 multi-article stories holding 89 articles, one of 16 about
  "China", against 19 holding 49 articles, all but ~3 right, without it).

Articles are then grouped by average-linkage clustering at ``1 - threshold`` (or by
connected components of the thresholded graph for very large batches). The
representative is the member most similar to the rest (ties: earliest, then smallest
id) and ``story_id`` is the sha1 of its ``article_id``; the result is deterministic.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({
...     "article_id": ["a1", "a2", "a3"],
...     "title": ["Floods hit central Vietnam", "Central Vietnam floods kill 10", "New phone launched"],
...     "text": ["Heavy floods hit central Vietnam provinces.", "Floods in central Vietnam provinces killed 10.",
...              "A company launched a phone."],
...     "published": pd.to_datetime(["2024-10-01", "2024-10-02", "2024-10-02"], utc=True),
... })
>>> s = cluster_stories(arts, threshold=0.2)
>>> list(s.columns), s.story_id[0] == s.story_id[1] != s.story_id[2]
(['article_id', 'story_id', 'representative'], True)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from earlywarn._log import get_logger
from earlywarn.schema import TABLES, empty_frame

__all__ = ["cluster_stories", "similarity_matrix", "story_table"]

log = get_logger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)
_DENSE_MAX = 4000
_TEXT_CHARS = 3000


def _doc(row: pd.Series) -> str:
    title = row.get("title") if isinstance(row.get("title"), str) else ""
    body = row.get("text") if isinstance(row.get("text"), str) else ""
    if not body:
        body = row.get("summary") if isinstance(row.get("summary"), str) else ""
    text = f"{title} {title} {str(body)[:_TEXT_CHARS]}"
    return unicodedata.normalize("NFC", text).lower()


def _near_duplicates(docs: list[str], jaccard: float = 0.8) -> list[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=jaccard, num_perm=64)
    hashes = []
    for i, d in enumerate(docs):
        words = _WORD.findall(d)
        shingles = {
            " ".join(words[j : j + 3]).encode("utf-8") for j in range(max(1, len(words) - 2))
        }
        m = MinHash(num_perm=64, seed=1)
        m.update_batch(list(shingles))
        lsh.insert(str(i), m)
        hashes.append(m)
    pairs = set()
    for i, m in enumerate(hashes):
        for j in lsh.query(m):
            j = int(j)
            if j != i:
                pairs.add((min(i, j), max(i, j)))
    return sorted(pairs)


def _entity_sim(
    ids: list[str], mentions: pd.DataFrame | None, languages: np.ndarray | None = None
) -> np.ndarray | None:
    """IDF-weighted Jaccard of entity sets (>= 2 shared), only between different languages.

    Within one language text similarity decides: shared entities alone merged unrelated
    English stories (every China story, every New York story) into one.
    """
    if mentions is None or mentions.empty:
        return None
    pos = {a: i for i, a in enumerate(ids)}
    m = mentions[mentions["article_id"].isin(pos)][["article_id", "entity"]].drop_duplicates()
    if m.empty:
        return None
    ents = {e: k for k, e in enumerate(pd.unique(m["entity"]))}
    rows = m["article_id"].map(pos).to_numpy()
    cols = m["entity"].map(ents).to_numpy()
    x = csr_matrix((np.ones(len(m)), (rows, cols)), shape=(len(ids), len(ents)))
    df = np.asarray(x.sum(axis=0)).ravel()
    idf = np.log((1 + len(ids)) / (1 + df)) + 1.0
    shared = (x @ x.T).toarray()
    xw = x.multiply(idf[None, :]).tocsr()
    inter = (xw @ x.T).toarray()
    size = np.asarray(xw.sum(axis=1)).ravel()
    union = size[:, None] + size[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        sim = np.where((shared >= 2) & (union > 0), inter / union, 0.0)
    if languages is not None:
        sim = np.where(languages[:, None] != languages[None, :], sim, 0.0)
    return sim


def similarity_matrix(
    articles: pd.DataFrame, mentions: pd.DataFrame | None = None, *, window_days: float = 3.0
) -> np.ndarray:
    """Pairwise story similarity in [0, 1] of ``articles`` (rows in frame order); see module doc."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_doc(r) for _, r in articles.iterrows()]
    n = len(docs)
    if n == 0:
        return np.zeros((0, 0))
    vec = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b", min_df=1
    )
    try:
        x = vec.fit_transform(docs)
        sim = (x @ x.T).toarray()
    except ValueError:  # empty vocabulary
        sim = np.zeros((n, n))
    for i, j in _near_duplicates(docs):
        sim[i, j] = sim[j, i] = 1.0
    langs = (
        articles["language"].fillna("").astype(str).to_numpy() if "language" in articles else None
    )
    ent = _entity_sim(articles["article_id"].astype(str).tolist(), mentions, langs)
    if ent is not None:
        sim = np.maximum(sim, ent)
    if "published" in articles:
        t = pd.to_datetime(articles["published"], utc=True, errors="coerce")
        days = (t - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds().to_numpy() / 86400.0
        gap = np.abs(days[:, None] - days[None, :])
        sim = np.where(np.isnan(gap) | (gap <= window_days), sim, 0.0)
    np.fill_diagonal(sim, 1.0)
    return np.clip(sim, 0.0, 1.0)


def _labels(sim: np.ndarray, threshold: float) -> np.ndarray:
    n = len(sim)
    if n == 1:
        return np.zeros(1, dtype=int)
    if n > _DENSE_MAX:
        _, labels = connected_components(csr_matrix(sim >= threshold), directed=False)
        return labels
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    )
    return model.fit_predict(1.0 - sim)


def cluster_stories(
    articles: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    threshold: float = 0.15,
    window_days: float = 3.0,
) -> pd.DataFrame:
    """Group articles into stories.

    Parameters
    ----------
    articles : DataFrame
        Articles-table frame: ``article_id``, ``title``, ``text`` (or ``summary``),
        ``published`` (optional: without it there is no time window).
    mentions : DataFrame, optional
        Mentions-table frame (``article_id, entity, ...``): shared entities link articles
        of different languages (``language`` column).
    threshold : float
        Minimum average similarity within a story (0..1); 0.15 measured best on the
        Vietnamese MDS gold clusters (see tests/extract/test_stories.py).
    window_days : float
        Articles further apart in time are never in the same story.

    Returns
    -------
    DataFrame
        Columns exactly ``TABLES["stories"]``: ``article_id, story_id, representative``.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold={threshold!r} must be in (0, 1]")
    if articles.empty:
        return empty_frame("stories")
    arts = (
        articles.drop_duplicates("article_id")
        .sort_values("article_id", kind="stable")
        .reset_index(drop=True)
    )
    sim = similarity_matrix(arts, mentions, window_days=window_days)
    labels = _labels(sim, threshold)
    ids = arts["article_id"].astype(str).to_numpy()
    pub = (
        pd.to_datetime(arts["published"], utc=True, errors="coerce")
        if "published" in arts
        else pd.Series(pd.NaT, index=arts.index, dtype="datetime64[ns, UTC]")
    )
    story = np.empty(len(ids), dtype=object)
    rep = np.zeros(len(ids), dtype=bool)
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        centrality = sim[np.ix_(members, members)].mean(axis=1)
        order = sorted(
            members,
            key=lambda k: (
                -round(float(centrality[list(members).index(k)]), 9),
                pub.iloc[k] if pd.notna(pub.iloc[k]) else pd.Timestamp.max.tz_localize("UTC"),
                ids[k],
            ),
        )
        head = order[0]
        rep[head] = True
        story[members] = hashlib.sha1(ids[head].encode("utf-8")).hexdigest()
    out = pd.DataFrame(
        {"article_id": ids, "story_id": story, "representative": pd.array(rep, dtype="boolean")}
    )
    log.debug("clustered %d articles into %d stories", len(out), out.story_id.nunique())
    return out.loc[:, list(TABLES["stories"].columns)]


def story_table(articles: pd.DataFrame, stories: pd.DataFrame) -> pd.DataFrame:
    """One row per story: ``story_id, title, first_seen, n_articles, outlets, languages``.

    ``title`` is the representative's; ``outlets`` and ``languages`` are sorted lists.
    """
    cols = ["story_id", "title", "first_seen", "n_articles", "outlets", "languages"]
    if stories.empty:
        return pd.DataFrame(columns=cols)
    m = stories.merge(articles.drop_duplicates("article_id"), on="article_id", how="left")
    for c in ("title", "outlet", "language", "published"):
        if c not in m:
            m[c] = None
    m["published"] = pd.to_datetime(m["published"], utc=True, errors="coerce")

    def uniq(s: pd.Series) -> list[str]:
        return sorted({str(v) for v in s.dropna()})

    g = m.groupby("story_id", sort=True)
    out = pd.DataFrame(
        {
            "title": m[m["representative"].fillna(False).astype(bool)].set_index("story_id")[
                "title"
            ],
            "first_seen": g["published"].min(),
            "n_articles": g.size(),
            "outlets": g["outlet"].agg(uniq),
            "languages": g["language"].agg(uniq),
        }
    )
    out.index.name = "story_id"
    return (
        out.reset_index()
        .sort_values(["first_seen", "story_id"], kind="stable")
        .reset_index(drop=True)[cols]
    )
