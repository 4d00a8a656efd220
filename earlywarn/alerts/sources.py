"""Which articles stand behind a collection-fed series, and how independent they are.

Shared by the alert engine (corroboration: news-fed alerts need several independent
owner families before they rise above ``low``) and by the health gate's hold-back
(:mod:`earlywarn.alerts.hold`).

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["1", "2", "3"], "outlet": ["VTV", "VOV", "BBC"],
...                      "family": ["state:VNM", "state:VNM", None]})
>>> independent_families(arts)
2
"""

from __future__ import annotations

import pandas as pd

from earlywarn.series.ids import PERCEPTION_HEADS

__all__ = [
    "COLLECTION_KINDS",
    "NETWORK_KINDS",
    "independent_families",
    "news_fed",
    "series_article_ids",
]

#: Series kinds fed by collection (news articles): ``cov:``, ``tone:``, ``ev:``, ``dyad:`` and
#: the focal-perception series (``per:``, ``pshare:``, ``ptone:``, ``pneg:``, ``pnew:``).
COLLECTION_KINDS = ("cov:", "tone:", "ev:", "dyad:", *(f"{h}:" for h in PERCEPTION_HEADS))
#: Network-metric series (``net:`` counterparts, the focal country's ``tie:`` and ``comm:``
#: series): built from the events table, which holds news-coded and imported events alike,
#: so they are news-fed only where news stands behind them (:func:`news_fed`).
NETWORK_KINDS = ("net:", "tie:", "comm:")


def news_fed(uid: str, article_ids: pd.Series | None) -> bool:
    """Whether series ``uid`` moves with collection, given the ids of the articles behind it
    (:func:`series_article_ids`): a collection kind always; a network metric when news
    articles stand behind it (one built from imported GDELT or ICEWS events alone is not).

    Examples
    --------
    >>> news_fed("cov:VNM", pd.Series([], dtype=object)), news_fed("YEM:total", None)
    (True, False)
    >>> news_fed("net:VNM", pd.Series(["a1"])), news_fed("net:YEM", pd.Series([], dtype=object))
    (True, False)
    """
    if uid.startswith(COLLECTION_KINDS):
        return True
    return uid.startswith(NETWORK_KINDS) and (article_ids is None or len(article_ids) > 0)


def series_article_ids(
    uid: str,
    mentions: pd.DataFrame | None,
    events: pd.DataFrame | None,
    perception: pd.DataFrame | None = None,
) -> pd.Series | None:
    """The ids of the articles behind a collection series; ``None`` means all articles
    (``cov:ALL``, ``ev:ALL``). Perception series take the articles the focal tagger found
    the country in (``perception`` rows; ``pneg:`` the negative ones), whatever the series'
    language, source or outlet. Network metrics take the news-coded events of their
    country (``tie:``, ``comm:``: the focal country's, and the articles naming it)."""
    kind, _, rest = uid.partition(":")
    code = rest.split(":")[0].split("~")[0]
    if code == "ALL":
        return None
    if kind in PERCEPTION_HEADS:
        if perception is None or perception.empty:
            return pd.Series([], dtype=object)
        p = perception[(perception["country"] == code) & (perception["count"] > 0)]
        if kind == "pneg":
            p = p[p["n_negative"].fillna(0) > p["n_positive"].fillna(0)]
        return p["article_id"]
    if kind in ("cov", "tone") and perception is not None and code in set(perception["country"]):
        return perception.loc[
            (perception["country"] == code) & (perception["count"] > 0), "article_id"
        ]  # the focal tagger's articles for the countries it tags (earlywarn.series.country_mentions)
    if kind in ("cov", "tone"):
        if mentions is None or mentions.empty:
            return pd.Series([], dtype=object)
        m = mentions[(mentions["kind"] == "country") & (mentions["country"] == code)]
        return m["article_id"]
    named = pd.Series([], dtype=object)
    if kind in ("tie", "comm") and mentions is not None and not mentions.empty:
        named = mentions.loc[mentions["country"] == code, "article_id"]
    if events is None or events.empty or "article_id" not in events:
        return named
    if kind == "dyad":
        src, _, tgt = code.partition(">")
        e = events[(events["source_country"] == src) & (events["target_country"] == tgt)]
    else:
        e = events[(events["source_country"] == code) | (events["target_country"] == code)]
    ids = e["article_id"].dropna()
    return pd.concat([ids, named], ignore_index=True).drop_duplicates() if len(named) else ids


def independent_families(articles: pd.DataFrame) -> int:
    """How many owner families (outlet groups, state owners) published ``articles``.

    An article whose feed has no family counts its outlet as a family of its own.
    """
    if articles.empty:
        return 0
    outlet = articles["outlet"].fillna("").astype(str)
    fam = articles["family"] if "family" in articles else pd.Series(None, index=articles.index)
    owner = fam.where(fam.notna() & (fam.astype(str) != ""), "outlet:" + outlet)
    return int(owner[owner != "outlet:"].nunique())
