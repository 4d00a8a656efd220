"""Rows of the ``perception`` table: each article's mentions of the focal country and its peers.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "language": ["en", "vi"],
...     "title": ["Vietnam and China sign a deal", "Bão trên Thái Bình Dương"],
...     "text": ["Hanoi welcomed the good agreement with Beijing.", "Giờ Việt Nam: 9 giờ."]})
>>> t = tag_articles(arts, "VNM", ["CHN"])
>>> t[["article_id", "country", "role", "count", "relevance"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
[{'article_id': 'a', 'country': 'VNM', 'role': 'focal', 'count': 2, 'relevance': 'about'},
 {'article_id': 'a', 'country': 'CHN', 'role': 'peer', 'count': 2, 'relevance': 'about'},
 {'article_id': 'b', 'country': 'VNM', 'role': 'focal', 'count': 0, 'relevance': 'not'}]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from earlywarn.focal.evaluate import ABOUT_SALIENCE
from earlywarn.focal.mentions import FocalMatcher
from earlywarn.focal.tone import tone_toward
from earlywarn.schema import TABLES, empty_frame

__all__ = ["tag_articles"]


def _text(rec: Mapping[Any, Any], col: str) -> str:
    v = rec.get(col)
    return v.strip() if isinstance(v, str) else ""


def tag_articles(articles: pd.DataFrame, focal: str, peers: Sequence[str] = ()) -> pd.DataFrame:
    """The ``perception`` rows of ``articles``: one per article for the focal country (count
    0 when it is not mentioned, so the article is known to be tagged) and one per mentioned peer.

    Parameters
    ----------
    articles : DataFrame
        ``article_id``, ``title``, ``text`` (``summary`` when empty), ``language``.
    focal : str
        ISO3 of the focal country.
    peers : sequence of str
        ISO3 codes compared with it (the focal country is skipped if listed).

    Returns
    -------
    DataFrame
        Columns exactly ``TABLES["perception"]``; ``relevance`` is ``about`` (salience at
        least :data:`~earlywarn.focal.evaluate.ABOUT_SALIENCE`), ``mentions`` or ``not``;
        ``tone`` the mean tone of the sentences naming the country (NaN without a lexicon).
    """
    if articles.empty:
        return empty_frame("perception")
    countries = [(focal, "focal")] + [(p, "peer") for p in dict.fromkeys(peers) if p != focal]
    matchers = [(FocalMatcher.for_country(c), role) for c, role in countries]
    rows = []
    for rec in articles.to_dict("records"):
        title = _text(rec, "title")
        body = _text(rec, "text") or _text(rec, "summary")
        lang = rec.get("language") if isinstance(rec.get("language"), str) else None
        full = f"{title}\n\n{body}" if title else body
        for matcher, role in matchers:
            sal = matcher.salience(title, body, lang)
            if sal.count == 0 and role == "peer":
                continue
            tw = tone_toward(full, lang, matcher) if sal.count else None
            rows.append(
                {
                    "article_id": rec["article_id"],
                    "country": matcher.country,
                    "role": role,
                    "count": sal.count,
                    "in_title": sal.in_title,
                    "in_lead": sal.in_lead,
                    "salience": sal.score,
                    "relevance": "not"
                    if not sal.count
                    else "about"
                    if sal.score >= ABOUT_SALIENCE
                    else "mentions",
                    "tone": tw.tone if tw else float("nan"),
                    "n_sentences": tw.n_sentences if tw else 0,
                    "n_negative": tw.n_negative if tw else 0,
                    "n_positive": tw.n_positive if tw else 0,
                }
            )
    out = pd.DataFrame(rows, columns=list(TABLES["perception"].columns))
    return out.astype(
        {"count": "Int64", "n_sentences": "Int64", "n_negative": "Int64", "n_positive": "Int64"}
    )
