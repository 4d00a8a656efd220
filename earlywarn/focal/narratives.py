"""Narratives: the stories about the focal country, their key phrases, and how they travel.

A *narrative* is a story (:mod:`earlywarn.extract.stories`: articles about one happening,
across outlets and languages) of which at least one article names the focal country
(:class:`~earlywarn.focal.FocalMatcher`, word boundaries and the stop-list). Over a window
of days ending ``as_of`` each narrative gets

* its key phrases in Vietnamese and English: class-based TF-IDF (the narrative's articles
  of one language as one document against the window's other articles of that language),
  over words segmented by ``underthesea`` for Vietnamese (compound words and pairs with
  one, since function words are single syllables), over 1-3 word n-grams without English
  stop words for English; phrases in more than half of the other articles of the language
  are never key;
* its languages and source countries, and which of them are new on ``as_of`` (published
  that day, absent before);
* a status: ``new`` (first seen on ``as_of``), ``spreading`` (a new language or source
  country on ``as_of``), ``fading`` (nothing for ``fade_days``), else ``steady``.

A narrative that reaches a new language raises the alert rule ``narrative-new-language``
(:func:`crossings`, evidence: the articles in the new language and the earlier ones).

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({
...     "article_id": ["a", "b", "c"], "language": ["vi", "en", "en"],
...     "title": ["Việt Nam và Lào ký hiệp định", "Vietnam and Laos sign deal", "Stocks fall"],
...     "text": ["Hà Nội ký hiệp định thương mại.", "Vietnam and Laos signed a trade deal.", "Stocks."],
...     "country": ["VNM", "USA", "USA"], "outlet": ["VOV", "AP", "AP"],
...     "published": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-02"], utc=True)})
>>> stories = pd.DataFrame({"article_id": ["a", "b", "c"], "story_id": ["s", "s", "t"],
...                         "representative": [True, False, True]})
>>> n = narratives(arts, stories, country="VNM", as_of="2024-05-02")
>>> n[["narrative_id", "n_articles", "languages", "status", "new_languages"]].to_dict("records")
[{'narrative_id': 's', 'n_articles': 2, 'languages': ['en', 'vi'], 'status': 'spreading', 'new_languages': ['en']}]
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from earlywarn._log import get_logger

__all__ = ["COLUMNS", "crossings", "focal_articles", "key_phrases", "narratives"]

log = get_logger(__name__)

#: Columns of :func:`narratives` (and of the ``narratives`` table, with ``as_of`` and
#: ``country``).
COLUMNS = [
    "narrative_id", "title", "first_seen", "last_seen", "n_articles", "languages",
    "source_countries", "outlets", "key_phrases_vi", "key_phrases_en", "status",
    "new_languages", "new_countries", "article_ids",
]  # fmt: skip
_TEXT_CHARS = 2000


def focal_articles(articles: pd.DataFrame, country: str) -> pd.Series:
    """True for the articles that name ``country`` (title or text, in their language).

    Examples
    --------
    >>> a = pd.DataFrame({"title": ["Hà Nội mưa lớn", "Bão trên Thái Bình Dương"], "text": ["", ""],
    ...                   "language": ["vi", "vi"]})
    >>> focal_articles(a, "VNM").tolist()
    [True, False]
    """
    from earlywarn.focal import FocalMatcher

    matcher = FocalMatcher.for_country(country)
    out = []
    for title, text, lang in zip(
        articles["title"].fillna(""), articles["text"].fillna(""),
        articles["language"].fillna("en"), strict=True,
    ):  # fmt: skip
        out.append(bool(matcher.find(f"{title}\n{str(text)[:_TEXT_CHARS]}", str(lang))))
    return pd.Series(out, index=articles.index, dtype=bool)


def _vi_words(text: str) -> str:
    from underthesea import word_tokenize

    return str(word_tokenize(text, format="text"))


def _doc(row: Any) -> str:
    title = row.title if isinstance(row.title, str) else ""
    text = row.text if isinstance(row.text, str) else ""
    return unicodedata.normalize("NFC", f"{title}. {title}. {text[:_TEXT_CHARS]}")


def key_phrases(
    docs: Sequence[str], groups: Sequence[str], language: str, *, top: int = 5
) -> dict[str, list[str]]:
    """Key phrases of each group of documents of one language (class-based TF-IDF).

    Parameters
    ----------
    docs : sequence of str
        The window's documents of ``language`` (background included).
    groups : sequence of str
        The group (narrative id) of each document; ``""`` for background.
    language : str
        ``vi`` (words segmented by underthesea, shown with spaces) or another language
        (1-3 word n-grams; English stop words dropped when ``en``).

    Examples
    --------
    >>> docs = ["Floods hit central Vietnam", "Central Vietnam floods kill 10",
    ...         "Apple launches a phone", "The phone market grows"]
    >>> key_phrases(docs, ["f", "f", "", ""], "en", top=2)
    {'f': ['central vietnam', 'floods']}
    """
    from sklearn.feature_extraction.text import CountVectorizer

    labels = sorted({g for g in groups if g})
    if not labels:
        return {}
    if language == "vi":
        texts = [_vi_words(d).lower() for d in docs]
        vec = CountVectorizer(token_pattern=r"(?u)\b[^\W\d_][\w]*\b", ngram_range=(1, 2))
    else:
        texts = [d.lower() for d in docs]
        vec = CountVectorizer(
            ngram_range=(1, 3),
            stop_words="english" if language == "en" else None,
            token_pattern=r"(?u)\b[^\W\d_][\w'-]*\b",
        )
    try:
        x = vec.fit_transform(texts)
    except ValueError:  # no words at all
        return {g: [] for g in labels}
    vocab = np.array(vec.get_feature_names_out())
    g_arr = np.asarray(groups)
    allowed = np.ones(len(vocab), dtype=bool)
    back = g_arr == ""
    if back.sum() >= 4:  # what half the other articles say is no key of any story
        allowed &= np.asarray((x[back] > 0).mean(axis=0)).ravel() <= 0.5
    if language == "vi":  # Vietnamese function words are single syllables: keep compounds
        allowed &= np.char.find(vocab.astype(str), "_") >= 0
    classes = [*labels, ""]
    tf = np.vstack([np.asarray(x[g_arr == g].sum(axis=0)).ravel() for g in classes])
    avg = tf.sum() / len(classes)
    idf = np.log(1.0 + avg / np.maximum(tf.sum(axis=0), 1.0))
    # a phrase must occur in two of the group's documents when the group has two or more
    docfreq = np.vstack([np.asarray((x[g_arr == g] > 0).sum(axis=0)).ravel() for g in labels])
    out: dict[str, list[str]] = {}
    for k, g in enumerate(labels):
        n_docs = int((g_arr == g).sum())
        score = tf[k] / max(tf[k].sum(), 1.0) * idf
        score[(docfreq[k] < min(2, n_docs)) | ~allowed] = 0.0
        chosen: list[tuple[str, float]] = []
        for j in np.argsort(-score, kind="stable")[: 20 * top]:
            if score[j] <= 0:
                break
            phrase = vocab[j].replace("_", " ")
            inside = [c for c in chosen if c[0] in phrase]
            if any(phrase in c[0] for c in chosen):
                continue  # "vietnam" adds nothing to "central vietnam"
            if inside:  # the longer phrase replaces its parts when nearly as strong
                if score[j] >= 0.8 * max(c[1] for c in inside):
                    chosen = [c for c in chosen if c not in inside] + [(phrase, float(score[j]))]
                continue
            if len(chosen) < top:
                chosen.append((phrase, float(score[j])))
        chosen.sort(key=lambda c: -c[1])
        out[g] = [c[0] for c in chosen]
    return out


def narratives(
    articles: pd.DataFrame,
    stories: pd.DataFrame,
    *,
    country: str,
    as_of: str | dt.date | pd.Timestamp,
    focal: pd.Series | None = None,
    window_days: int = 7,
    fade_days: int = 3,
    top_phrases: int = 5,
) -> pd.DataFrame:
    """The focal country's narratives in the ``window_days`` ending ``as_of``.

    Parameters
    ----------
    articles : DataFrame
        Articles-table frame (``article_id, title, text, language, country, outlet,
        published``) covering at least the window.
    stories : DataFrame
        Stories-table frame (``article_id, story_id``).
    country : str
        The focal country (ISO3).
    as_of : date
        The last day of the window (UTC); nothing later is read.
    focal : Series of bool, optional
        Which articles name the country (indexed like ``articles``); by default
        :func:`focal_articles`.

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, one row per narrative, most articles first. ``languages``,
        ``source_countries``, ``outlets``, ``key_phrases_*``, ``new_*`` and
        ``article_ids`` are sorted lists.
    """
    day = pd.Timestamp(as_of).tz_localize(None).normalize().tz_localize("UTC")
    end = day + pd.Timedelta(days=1)
    lo = day - pd.Timedelta(days=window_days - 1)
    arts = articles.drop_duplicates("article_id").copy()
    arts["published"] = pd.to_datetime(arts["published"], utc=True, errors="coerce")
    inwin = arts["published"].notna() & (arts["published"] >= lo) & (arts["published"] < end)
    if focal is None:
        focal = pd.Series(False, index=arts.index)
        focal[inwin] = focal_articles(arts[inwin], country)
    else:
        focal = focal.reindex(arts.index).fillna(False).astype(bool)
    arts = arts[inwin].merge(stories[["article_id", "story_id"]], on="article_id", how="left")
    arts["focal"] = arts["article_id"].map(dict(zip(articles["article_id"], focal, strict=True)))
    arts["story_id"] = arts["story_id"].fillna(arts["article_id"])
    touched = set(arts.loc[arts["focal"].fillna(False).astype(bool), "story_id"])
    narr = arts[arts["story_id"].isin(touched)]
    if narr.empty:
        return pd.DataFrame(columns=COLUMNS)
    phrases: dict[str, dict[str, list[str]]] = {}
    for lang in ("vi", "en"):
        pool = arts[arts["language"] == lang]
        if pool.empty:
            continue
        groups = [s if s in touched else "" for s in pool["story_id"]]
        phrases[lang] = key_phrases(
            [_doc(r) for r in pool.itertuples()], groups, lang, top=top_phrases
        )
    rows = []
    for sid, g in narr.groupby("story_id", sort=False):
        g = g.sort_values(["published", "article_id"], kind="stable")
        today = g["published"] >= day
        before = g[~today]
        langs = set(g["language"].dropna())
        ctry = set(g["country"].dropna())
        new_l = sorted(set(g.loc[today, "language"].dropna()) - set(before["language"].dropna()))
        new_c = sorted(set(g.loc[today, "country"].dropna()) - set(before["country"].dropna()))
        first, last = g["published"].min(), g["published"].max()
        if first >= day:
            status, new_l, new_c = "new", [], []
        elif new_l or new_c:
            status = "spreading"
        elif last < day - pd.Timedelta(days=fade_days - 1):
            status = "fading"
        else:
            status = "steady"
        title = g["title"].dropna()
        rows.append({
            "narrative_id": str(sid), "title": str(title.iloc[0]) if len(title) else "",
            "first_seen": first, "last_seen": last, "n_articles": len(g),
            "languages": sorted(langs), "source_countries": sorted(ctry),
            "outlets": sorted(set(g["outlet"].dropna())),
            "key_phrases_vi": phrases.get("vi", {}).get(str(sid), []),
            "key_phrases_en": phrases.get("en", {}).get(str(sid), []),
            "status": status, "new_languages": new_l, "new_countries": new_c,
            "article_ids": sorted(g["article_id"].astype(str)),
        })  # fmt: skip
    out = pd.DataFrame(rows, columns=COLUMNS)
    return out.sort_values(["n_articles", "first_seen", "narrative_id"],
                           ascending=[False, True, True], kind="stable").reset_index(drop=True)  # fmt: skip


def crossings(narr: pd.DataFrame, articles: pd.DataFrame, *, as_of: Any) -> pd.DataFrame:
    """One row per (narrative, new language) on ``as_of``, with its evidence articles.

    Returns
    -------
    DataFrame
        ``narrative_id, title, language, languages_before, key_phrases, evidence`` where
        ``evidence`` lists the article ids in the new language first, then the earlier ones.
    """
    cols = ["narrative_id", "title", "language", "languages_before", "key_phrases", "evidence"]
    if narr.empty:
        return pd.DataFrame(columns=cols)
    lang = articles.drop_duplicates("article_id").set_index("article_id")["language"]
    rows = []
    records = cast(
        "list[dict[str, Any]]", narr[narr["new_languages"].map(len) > 0].to_dict("records")
    )
    for r in records:
        ids = list(r["article_ids"])
        for new in r["new_languages"]:
            fresh = [a for a in ids if lang.get(a) == new]
            rows.append({
                "narrative_id": r["narrative_id"], "title": r["title"], "language": new,
                "languages_before": sorted(set(r["languages"]) - set(r["new_languages"])),
                "key_phrases": list(r["key_phrases_vi"]) + list(r["key_phrases_en"]),
                "evidence": fresh + [a for a in ids if a not in fresh],
            })  # fmt: skip
    return pd.DataFrame(rows, columns=cols)
