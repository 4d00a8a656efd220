"""Pickup: which articles of the next days carry an official statement, in which languages.

A *statement* is an item of the focal country's own voice (catalog kind ``official``:
its ministry, embassies and official media; or a social account whose family is
``official:<ISO3>``). *Coverage* is every other outlet's article published from the
statement's time to ``max_days`` later. Each (statement, article) pair is scored by four
signals, none of which needs a model download:

* ``text``: cosine of character 3-5-gram TF-IDF vectors (title + lead), only within one
  language;
* ``entities``: the share of the statement's entities (gazetteer codes from the
  ``mentions`` table, the same code in every language) that the article names, each
  weighted by log(1 + its mentions in the statement) times its inverse document
  frequency, so the statement's main actors count most and "Viet Nam" less than
  "Marie Harf";
* ``numbers``: the share of the statement's numbers (thousands separators of either
  convention read, dates and small counts left out) found in the article;
* ``quotes``: the share of the statement's quoted phrases (3+ words) found verbatim.

A pair is a pickup when ``text >= text_threshold`` (same language) or when ``entities >=
entity_threshold`` and at least one number or quoted phrase is shared: the second rule is
the one that crosses languages. Thresholds were chosen on the tuning half of the pickup
gold set (``experiments/pickup/README.md``; ``earlywarn eval pickup``).

Examples
--------
>>> import pandas as pd
>>> st = pd.DataFrame({"article_id": ["s1"], "title": ["Viet Nam welcomes the 40,000 tonne rice deal"],
...     "text": ["Hanoi said the deal covers 40,000 tonnes."], "language": ["en"], "outlet": ["MOFA"],
...     "country": ["VNM"], "published": pd.to_datetime(["2024-05-01 08:00"], utc=True)})
>>> cov = pd.DataFrame({"article_id": ["a1", "a2"],
...     "title": ["Philippines signs 40,000 tonne rice deal with Viet Nam", "Football results"],
...     "text": ["The deal covers 40,000 tonnes of rice.", "Scores."], "language": ["en", "en"],
...     "outlet": ["Inquirer", "ESPN"], "country": ["PHL", "USA"],
...     "published": pd.to_datetime(["2024-05-01 20:00", "2024-05-01 21:00"], utc=True)})
>>> m = match_pickup(st, cov)
>>> m[["statement_id", "article_id", "country", "latency_hours"]].to_dict("records")
[{'statement_id': 's1', 'article_id': 'a1', 'country': 'PHL', 'latency_hours': 12.0}]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import cast

import numpy as np
import pandas as pd

from earlywarn._log import get_logger

__all__ = [
    "DEFAULTS",
    "low_pickup",
    "match_pickup",
    "official_feed_ids",
    "pair_features",
    "pickup_summary",
]

log = get_logger(__name__)

#: Thresholds chosen on the tuning half of the pickup gold set (see module doc).
DEFAULTS: dict[str, float] = {"text_threshold": 0.38, "entity_threshold": 0.5, "max_days": 3.0}

_LEAD_CHARS = 1500
# 1,234,567 / 1.234.567 / 12,5 / 3.5 / 400 ; the date shapes 23/10, 22-10, 23.10 are removed first
_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b")
_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*(?:[.,]\d+)?(?![\w])|\d+(?:[.,]\d+)?"
)
_QUOTE = re.compile(r"[\"“”«»„]([^\"“”«»„]{8,200})[\"“”«»„]")
_WORD = re.compile(r"\w+", re.UNICODE)


def official_feed_ids(feeds: pd.DataFrame, country: str) -> set[str]:
    """Feed ids of the focal country's own voice in a ``feeds`` frame.

    Kind ``official`` with ``country`` as the outlet's country, or any feed whose family is
    ``official:<country>`` (the ministry's social accounts).

    Examples
    --------
    >>> f = pd.DataFrame({"feed_id": ["a", "b", "c"], "kind": ["official", "youtube", "newspaper"],
    ...                   "country": ["VNM", None, "VNM"], "family": ["state:VNM", "official:VNM", ""]})
    >>> sorted(official_feed_ids(f, "VNM"))
    ['a', 'b']
    """
    if feeds.empty:
        return set()
    kind = feeds["kind"].astype(str)
    fam = feeds.get("family", pd.Series("", index=feeds.index)).fillna("").astype(str)
    own = ((kind == "official") & (feeds["country"] == country)) | (fam == f"official:{country}")
    return set(feeds.loc[own, "feed_id"].astype(str))


def _norm(text: object) -> str:
    return unicodedata.normalize("NFC", text if isinstance(text, str) else "").lower()


def _lead(row: pd.Series) -> str:
    return f"{_norm(row.get('title'))} {_norm(row.get('text'))[:_LEAD_CHARS]}"


def numbers(text: str) -> set[str]:
    """Numbers of a text in one canonical form; dates, years and numbers below 10 are left out.

    Examples
    --------
    >>> sorted(numbers("40.000 người, 20 tỷ USD, ngày 23/10, 3 lần, 1,5 triệu"))
    ['1.5', '20', '40000']
    >>> sorted(numbers("40,000 people and 20 billion dollars on 23/10/2013, in 2013"))
    ['20', '40000']
    """
    out = set()
    for m in _NUMBER.finditer(_DATE.sub(" ", text)):
        tok = m.group(0)
        if m.group(1):  # thousands groups: 40.000 / 40,000
            tok = re.sub(r"[.,](\d{3})", r"\1", tok)
        tok = tok.replace(",", ".")
        try:
            value = float(tok)
        except ValueError:
            continue
        if (value >= 10 or "." in tok) and not (1900 <= value <= 2100 and tok.isdigit()):
            out.add(f"{value:g}" if value != int(value) else str(int(value)))
    return out


def quotes(text: str) -> list[str]:
    """Quoted phrases of three words or more, lower-cased.

    Examples
    --------
    >>> quotes('CNRP said: “cuộc biểu tình phi bạo lực” and "ok"')
    ['cuộc biểu tình phi bạo lực']
    """
    return [
        " ".join(_WORD.findall(q.lower()))
        for q in _QUOTE.findall(text)
        if len(_WORD.findall(q)) >= 3
    ]


def _entity_weights(
    ids: Iterable[str], mentions: pd.DataFrame | None
) -> dict[str, dict[str, float]]:
    """Entity -> log(1 + mentions) per article: what an article is mostly about weighs more."""
    out: dict[str, dict[str, float]] = {str(i): {} for i in ids}
    if mentions is None or mentions.empty:
        return out
    m = mentions[mentions["article_id"].astype(str).isin(out)]
    counts = m["count"] if "count" in m else pd.Series(1, index=m.index)
    for aid, ent, n in zip(m["article_id"].astype(str), m["entity"].astype(str),
                           counts.fillna(1), strict=True):  # fmt: skip
        out[aid][ent] = out[aid].get(ent, 0.0) + float(np.log1p(n))
    return out


def pair_features(
    statements: pd.DataFrame,
    coverage: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    max_days: float = DEFAULTS["max_days"],
) -> pd.DataFrame:
    """Every (statement, article) pair within the window, with its four signals.

    Articles of the statement's own outlet and the statement itself are left out.

    Returns
    -------
    DataFrame
        ``statement_id, article_id, latency_hours, same_language, text, entities, numbers,
        quotes``.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    cols = ["statement_id", "article_id", "latency_hours", "same_language", "text",
            "entities", "numbers", "quotes"]  # fmt: skip
    if statements.empty or coverage.empty:
        return pd.DataFrame(columns=cols)
    st = statements.drop_duplicates("article_id").reset_index(drop=True)
    cv = coverage.drop_duplicates("article_id").reset_index(drop=True)
    t_s = pd.to_datetime(st["published"], utc=True, errors="coerce")
    t_c = pd.to_datetime(cv["published"], utc=True, errors="coerce")
    ns_s = t_s.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    ns_c = t_c.to_numpy(dtype="datetime64[ns]").astype("int64").astype(float)
    ns_s[t_s.isna().to_numpy()] = np.nan
    ns_c[t_c.isna().to_numpy()] = np.nan
    hours = (ns_c[None, :] - ns_s[:, None]) / 3.6e12
    with np.errstate(invalid="ignore"):
        ok = (hours >= 0) & (hours <= max_days * 24)
    ok &= st["outlet"].to_numpy()[:, None] != cv["outlet"].to_numpy()[None, :]
    ok &= st["article_id"].to_numpy()[:, None] != cv["article_id"].to_numpy()[None, :]
    si, ci = np.nonzero(ok)
    if len(si) == 0:
        return pd.DataFrame(columns=cols)
    # text: char n-grams within a language (one vectoriser per language)
    lang_s = st["language"].fillna("").astype(str).to_numpy()
    lang_c = cv["language"].fillna("").astype(str).to_numpy()
    same = lang_s[si] == lang_c[ci]
    text = np.zeros(len(si))
    docs_s = [_lead(r) for _, r in st.iterrows()]
    docs_c = [_lead(r) for _, r in cv.iterrows()]
    for lang in set(lang_s[si][same]):
        rows = np.flatnonzero(same & (lang_s[si] == lang))
        s_idx = sorted(set(si[rows]))
        c_idx = sorted(set(ci[rows]))
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        x = vec.fit_transform([docs_s[i] for i in s_idx] + [docs_c[j] for j in c_idx])
        xs, xc = x[: len(s_idx)], x[len(s_idx) :]
        sims = (xs @ xc.T).toarray()
        ps = {k: n for n, k in enumerate(s_idx)}
        pc = {k: n for n, k in enumerate(c_idx)}
        for r in rows:
            text[r] = sims[ps[si[r]], pc[ci[r]]]
    # entities: idf-weighted share of the statement's entities the article names
    ents = _entity_weights(list(st["article_id"]) + list(cv["article_id"]), mentions)
    df: dict[str, int] = {}
    for es in ents.values():
        for e in es:
            df[e] = df.get(e, 0) + 1
    n_docs = max(len(ents), 1)
    idf = {e: float(np.log((1 + n_docs) / (1 + d)) + 1.0) for e, d in df.items()}
    num_s = [
        numbers(d)
        for d in (f"{r.get('title') or ''} {r.get('text') or ''}" for _, r in st.iterrows())
    ]
    num_c = [
        numbers(d)
        for d in (f"{r.get('title') or ''} {r.get('text') or ''}" for _, r in cv.iterrows())
    ]
    q_s = [quotes(f"{r.get('title') or ''} {r.get('text') or ''}") for _, r in st.iterrows()]
    full_c = [
        " ".join(_WORD.findall(_norm(f"{r.get('title') or ''} {r.get('text') or ''}")))
        for _, r in cv.iterrows()
    ]
    ent_share = np.zeros(len(si))
    num_share = np.zeros(len(si))
    quote_share = np.zeros(len(si))
    sid = st["article_id"].astype(str).to_numpy()
    cid = cv["article_id"].astype(str).to_numpy()
    for k, (i, j) in enumerate(zip(si, ci, strict=True)):
        es, ec = ents[sid[i]], ents[cid[j]]
        if es:
            total = sum(w * idf[e] for e, w in es.items())
            ent_share[k] = sum(w * idf[e] for e, w in es.items() if e in ec) / total
        if num_s[i]:
            num_share[k] = len(num_s[i] & num_c[j]) / len(num_s[i])
        if q_s[i]:
            quote_share[k] = sum(q in full_c[j] for q in q_s[i]) / len(q_s[i])
    return pd.DataFrame(
        {
            "statement_id": sid[si],
            "article_id": cid[ci],
            "latency_hours": np.round(hours[si, ci], 2),
            "same_language": same,
            "text": np.round(text, 4),
            "entities": np.round(ent_share, 4),
            "numbers": np.round(num_share, 4),
            "quotes": np.round(quote_share, 4),
        }
    )[cols]


def _decide(f: pd.DataFrame, text_threshold: float, entity_threshold: float) -> pd.Series:
    by_text = f["same_language"].astype(bool) & (f["text"] >= text_threshold)
    by_facts = (f["entities"] >= entity_threshold) & ((f["numbers"] > 0) | (f["quotes"] > 0))
    return by_text | by_facts


def match_pickup(
    statements: pd.DataFrame,
    coverage: pd.DataFrame,
    mentions: pd.DataFrame | None = None,
    *,
    text_threshold: float = DEFAULTS["text_threshold"],
    entity_threshold: float = DEFAULTS["entity_threshold"],
    max_days: float = DEFAULTS["max_days"],
) -> pd.DataFrame:
    """The articles that picked up each statement.

    Parameters
    ----------
    statements, coverage : DataFrame
        Articles-table frames (``article_id, title, text, language, outlet, country,
        published``): the official items and the candidate coverage.
    mentions : DataFrame, optional
        Mentions-table frame (``article_id, entity``) of both; without it only text
        similarity (one language) can match.
    text_threshold, entity_threshold, max_days : float
        See the module doc; defaults in :data:`DEFAULTS`.

    Returns
    -------
    DataFrame
        ``statement_id, article_id, language, country, outlet, latency_hours, score,
        signals`` (``signals``: the signals that fired, e.g. ``"text+entities+numbers"``),
        sorted by statement then latency.
    """
    cols = ["statement_id", "article_id", "language", "country", "outlet", "latency_hours",
            "score", "signals"]  # fmt: skip
    f = pair_features(statements, coverage, mentions, max_days=max_days)
    if f.empty:
        return pd.DataFrame(columns=cols)
    f = f[_decide(f, text_threshold, entity_threshold)].copy()
    if f.empty:
        return pd.DataFrame(columns=cols)
    fired = np.stack(
        [
            f["same_language"].astype(bool) & (f["text"] >= text_threshold),
            f["entities"] >= entity_threshold,
            f["numbers"] > 0,
            f["quotes"] > 0,
        ],
        axis=1,
    )
    names = np.array(["text", "entities", "numbers", "quotes"])
    f["signals"] = ["+".join(names[row]) for row in fired]
    f["score"] = np.round(np.maximum(f["text"], (f["entities"] + f["numbers"]) / 2), 4)
    meta = coverage.drop_duplicates("article_id").set_index("article_id")
    for c in ("language", "country", "outlet"):
        f[c] = f["article_id"].map(meta[c]) if c in meta else None
    return f.sort_values(["statement_id", "latency_hours", "article_id"]).reset_index(drop=True)[
        cols
    ]


def pickup_summary(
    matches: pd.DataFrame, statements: pd.DataFrame, by: str = "language"
) -> pd.DataFrame:
    """Pickup per statement and ``by`` (``language``, ``country`` or ``outlet``).

    Returns
    -------
    DataFrame
        ``statement_id, title, <by>, n_articles, first_latency_hours``; statements with no
        pickup get one row with ``<by>`` empty and ``n_articles`` 0.

    Examples
    --------
    >>> m = pd.DataFrame({"statement_id": ["s", "s", "s"], "article_id": ["a", "b", "c"],
    ...     "language": ["en", "en", "fr"], "latency_hours": [5.0, 2.0, 30.0]})
    >>> st = pd.DataFrame({"article_id": ["s", "t"], "title": ["S", "T"]})
    >>> pickup_summary(m, st)[["statement_id", "language", "n_articles", "first_latency_hours"]]
      statement_id language  n_articles  first_latency_hours
    0            s       en           2                  2.0
    1            s       fr           1                 30.0
    2            t      NaN           0                  NaN
    """
    if by not in ("language", "country", "outlet"):
        raise ValueError(f"by={by!r} must be 'language', 'country' or 'outlet'")
    cols = ["statement_id", "title", by, "n_articles", "first_latency_hours"]
    titles = statements.drop_duplicates("article_id").set_index("article_id")["title"]
    rows: list[dict[str, object]] = []
    if not matches.empty:
        g = matches.groupby(["statement_id", matches[by].fillna("")], sort=True)
        agg = g.agg(
            n_articles=("article_id", "nunique"), first_latency_hours=("latency_hours", "min")
        )
        for idx, r in agg.iterrows():
            sid, key = cast("tuple[str, str]", idx)
            rows.append({"statement_id": sid, "title": titles.get(sid), by: key or None,
                         "n_articles": int(r["n_articles"]),
                         "first_latency_hours": float(r["first_latency_hours"])})  # fmt: skip
    picked = set(matches["statement_id"]) if not matches.empty else set()
    for left in titles.index:
        if left not in picked:
            rows.append({"statement_id": left, "title": titles[left], by: None, "n_articles": 0,
                         "first_latency_hours": float("nan")})  # fmt: skip
    return (
        pd.DataFrame(rows, columns=cols)
        .sort_values(["statement_id", by], na_position="last", kind="stable")
        .reset_index(drop=True)
    )


def low_pickup(
    statements: pd.DataFrame,
    matches: pd.DataFrame,
    *,
    as_of: pd.Timestamp,
    major: pd.Series | None = None,
    min_articles: int = 2,
    min_foreign: int = 1,
    max_days: float = DEFAULTS["max_days"],
) -> pd.DataFrame:
    """Major statements whose window has closed with too little pickup (alert rows).

    A statement is *major* when ``major`` (a boolean Series by ``article_id``) says so;
    without it every statement is. Only statements whose window has closed
    (``published + max_days <= as_of``) are judged.

    Returns
    -------
    DataFrame
        ``statement_id, title, published, n_articles, n_foreign, languages, evidence`` for
        statements with fewer than ``min_articles`` pickups or fewer than ``min_foreign``
        pickups from outside the statement's country; ``evidence`` lists the pickup
        article ids (possibly empty).
    """
    cols = ["statement_id", "title", "published", "n_articles", "n_foreign", "languages",
            "evidence"]  # fmt: skip
    if statements.empty:
        return pd.DataFrame(columns=cols)
    st = statements.drop_duplicates("article_id").set_index("article_id")
    pub = pd.to_datetime(st["published"], utc=True, errors="coerce")
    closed = pub + pd.Timedelta(days=max_days) <= pd.Timestamp(as_of, tz="UTC")
    is_major = (
        major.reindex(st.index).fillna(False).astype(bool)
        if major is not None
        else pd.Series(True, index=st.index)
    )
    rows = []
    for sid in st.index[closed & is_major]:
        m = matches[matches["statement_id"] == sid] if not matches.empty else matches
        home = st.at[sid, "country"] if "country" in st else None
        foreign = int((m["country"] != home).sum()) if not m.empty else 0
        if len(m) < min_articles or foreign < min_foreign:
            rows.append({"statement_id": sid, "title": st.at[sid, "title"],
                         "published": pub[sid], "n_articles": len(m), "n_foreign": foreign,
                         "languages": sorted(set(m["language"].dropna())) if not m.empty else [],
                         "evidence": list(m["article_id"]) if not m.empty else []})  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
