"""What the world wrote about the focal country over a window: the perception summary.

One call gives the CLI (``earlywarn perception``), the report section "Perception" and the
review page ``/focal`` the same view: volume, share and tone toward the country, the same
for its peers (a regional story lifts them all), and the breakdown by language, source
country and outlet, with the most salient articles. Articles not yet tagged by the nightly
``focal`` stage (or tagged for another focal country) are tagged in memory.

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": ["a", "b"], "language": ["en", "en"], "country": ["USA"] * 2,
...     "outlet": ["x.com"] * 2, "title": ["Vietnam floods", "Markets"], "url": ["u", "v"],
...     "text": ["Floods killed ten in Vietnam.", "Stocks rose."], "summary": [None, None],
...     "published": pd.to_datetime(["2024-03-01", "2024-03-02"], utc=True)})
>>> s = summarize(arts, None, "VNM", ["THA"], as_of="2024-03-02", days=7)
>>> s.countries[["country", "articles", "share"]].to_dict("records")
[{'country': 'VNM', 'articles': 1, 'share': 0.5}, {'country': 'THA', 'articles': 0, 'share': 0.0}]
>>> s.languages["language"].tolist(), s.articles["title"].tolist()
(['en'], ['Vietnam floods'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd

from earlywarn._log import get_logger
from earlywarn.focal.tagging import tag_articles

__all__ = ["PerceptionSummary", "perception_summary", "summarize"]

log = get_logger(__name__)


@dataclass
class PerceptionSummary:
    """The perception of ``country`` over ``[start, as_of]``.

    ``countries``: ``country, role, articles, share, tone, negative, previous`` (articles in
    the window of the same length before) for the focal country and each peer;
    ``languages`` / ``sources`` / ``outlets``: ``language`` | ``source`` | ``outlet``,
    ``articles``, ``share`` (of that group's output), ``tone``; ``outlets`` also ``new``
    (first article on the country in the window); ``articles``: the most salient ones
    (``article_id, published, outlet, language, source, title, url, relevance, tone``);
    ``daily``: ``ds, articles, tone``. ``extras`` holds narratives and the network when the
    archive has them.
    """

    country: str
    as_of: date
    start: date
    total_articles: int
    countries: pd.DataFrame
    languages: pd.DataFrame
    sources: pd.DataFrame
    outlets: pd.DataFrame
    articles: pd.DataFrame
    daily: pd.DataFrame
    extras: dict[str, Any] = field(default_factory=dict)


def _naive_day(ts: pd.Series) -> pd.Series:
    t = pd.to_datetime(ts, utc=True)
    return t.dt.tz_localize(None).dt.floor("D")


def _group(hits: pd.DataFrame, arts: pd.DataFrame, col: str, name: str) -> pd.DataFrame:
    if hits.empty:
        return pd.DataFrame(columns=[name, "articles", "share", "tone"])
    g = hits.groupby(col, dropna=True).agg(
        articles=("article_id", "nunique"), tone=("tone", "mean")
    )
    total = arts.groupby(col, dropna=True)["article_id"].nunique()
    g["share"] = (g["articles"] / total.reindex(g.index)).astype(float)
    g = g.reset_index().rename(columns={col: name})
    return g.sort_values(["articles", name], ascending=[False, True], ignore_index=True)[
        [name, "articles", "share", "tone"]
    ]


def summarize(
    articles: pd.DataFrame,
    perception: pd.DataFrame | None,
    country: str,
    peers: Sequence[str] = (),
    *,
    as_of: date | str,
    days: int = 30,
    n_articles: int = 15,
) -> PerceptionSummary:
    """The summary from frames: ``articles`` (the ``articles`` table, at least the window and
    the window before it) and ``perception`` rows (None: tag everything in memory)."""
    end = pd.Timestamp(as_of).normalize()
    start = end - pd.Timedelta(days=days - 1)
    before = start - pd.Timedelta(days=days)
    arts = articles[articles["published"].notna()].copy()
    arts["day"] = _naive_day(arts["published"])
    arts = arts[(arts["day"] >= before) & (arts["day"] <= end)]
    countries = list(dict.fromkeys([country, *peers]))
    per = perception if perception is not None else pd.DataFrame(columns=["article_id", "country"])
    per = per[per["article_id"].isin(arts["article_id"]) & per["country"].isin(countries)]
    have_focal = set(per.loc[per["country"] == country, "article_id"])
    todo = arts[~arts["article_id"].isin(have_focal)]
    if not todo.empty:
        per = pd.concat([per, tag_articles(todo, country, [p for p in peers])], ignore_index=True)
    per = per[per["count"].fillna(0) > 0]
    cols = ["article_id", "day", "outlet", "language", "country", "title", "url", "published"]
    hits = per.merge(
        arts[[c for c in cols if c in arts]].rename(columns={"country": "source"}), on="article_id"
    )
    now = hits[hits["day"] >= start]
    window = arts[arts["day"] >= start]
    n_total = int(window["article_id"].nunique())
    rows = []
    for c in countries:
        mine = now[now["country"] == c]
        prev = hits[(hits["country"] == c) & (hits["day"] < start)]
        neg = mine["n_negative"].fillna(0) > mine["n_positive"].fillna(0)
        rows.append(
            {
                "country": c,
                "role": "focal" if c == country else "peer",
                "articles": int(mine["article_id"].nunique()),
                "share": float(mine["article_id"].nunique() / n_total) if n_total else 0.0,
                "tone": float(mine["tone"].mean()) if mine["tone"].notna().any() else float("nan"),
                "negative": int(neg.sum()),
                "previous": int(prev["article_id"].nunique()),
            }
        )
    focal = now[now["country"] == country]
    outlets = _group(focal, window, "outlet", "outlet")
    first = hits[hits["country"] == country].groupby("outlet")["day"].min()
    outlets["new"] = outlets["outlet"].map(lambda o: bool(first.get(o, end) >= start))
    daily = (
        focal.groupby("day")
        .agg(articles=("article_id", "nunique"), tone=("tone", "mean"))
        .reindex(pd.date_range(start, end, freq="D"))
        .rename_axis("ds")
        .reset_index()
        .fillna({"articles": 0})
    )
    top = focal.sort_values(["salience", "published"], ascending=False).head(n_articles)
    return PerceptionSummary(
        country=country,
        as_of=end.date(),
        start=start.date(),
        total_articles=n_total,
        countries=pd.DataFrame(rows),
        languages=_group(focal, window, "language", "language"),
        sources=_group(
            focal.rename(columns={"source": "src"}),
            window.rename(columns={"country": "src"}),
            "src",
            "source",
        ),
        outlets=outlets,
        articles=top[
            [
                "article_id",
                "published",
                "outlet",
                "language",
                "source",
                "title",
                "url",
                "relevance",
                "tone",
            ]
        ].reset_index(drop=True),
        daily=daily.astype({"articles": int}),
    )


def perception_summary(
    archive: Any,
    country: str,
    as_of: date,
    *,
    peers: Sequence[str] = (),
    days: int = 30,
    locale: str = "en",
) -> PerceptionSummary:
    """:func:`summarize` on an open :class:`earlywarn.store.Archive`, plus narratives and the
    network figure when those modules are installed and have data."""
    since = as_of - timedelta(days=2 * days)
    arts = archive.articles(since=since, until=as_of)
    ids = arts["article_id"].tolist()
    try:
        per = archive.query("SELECT * FROM perception WHERE list_contains(?, article_id)", [ids])
    except Exception:  # an archive from before the perception table: tag in memory
        log.info("no perception table in the archive; tagging %d articles in memory", len(ids))
        per = None
    out = summarize(arts, per, country, peers, as_of=as_of, days=days)
    out.extras = _extras(archive, country, as_of, days, arts, locale)
    return out


def _extras(
    archive: Any, country: str, as_of: date, days: int, arts: pd.DataFrame, locale: str
) -> dict[str, Any]:
    """Narratives (:func:`earlywarn.focal.narrative_stage.narratives_summary`) and the
    ego-network figure (:func:`earlywarn.network.ego_figure`); either is left out, with a
    warning, when it fails, so that the summary itself still renders."""
    from earlywarn.focal.narrative_stage import narratives_summary
    from earlywarn.network import archive_slice, ego_figure

    extras: dict[str, Any] = {}
    try:
        extras["narratives"] = narratives_summary(archive, country, as_of)
    except Exception as exc:  # a failing part must not take the summary down
        log.warning("narratives unavailable: %s", exc)
    try:
        extras["pickups"] = statement_pickups(archive, country, as_of, days)
    except Exception as exc:
        log.warning("pickups unavailable: %s", exc)
    try:
        extras["series"] = stored_series(archive, country, as_of)
    except Exception as exc:
        log.warning("series unavailable: %s", exc)
    try:
        edges = archive_slice(archive, as_of, f"{min(days, 30)}D")
        if not edges.empty:
            extras["network"] = ego_figure(edges, country, locale=locale)
    except Exception as exc:
        log.warning("network figure unavailable: %s", exc)
    return extras


#: Heads of the focal country's stored series shown with the summary (in this order).
SERIES_HEADS = ("per", "pshare", "ptone", "pneg", "pnew", "cov", "tone", "plang")


def stored_series(archive: Any, country: str, as_of: date, days: int = 7) -> pd.DataFrame:
    """The focal country's series as the nightly job stored them on ``as_of``: one row per
    series (``unique_id, days, last_ds, last, recent``; ``recent`` is the sum over the last
    ``days`` days, the mean for tone and shares), perception series first, then coverage
    and tone, then the narratives' series; empty when the series stage has not run that night.
    """
    from earlywarn.series.kinds import is_level

    y = archive.query(
        "SELECT unique_id, ds, y FROM series WHERE as_of = ? AND split_part(unique_id, ':', 2) = ? "
        "AND list_contains(?, split_part(unique_id, ':', 1))",
        [as_of, country, list(SERIES_HEADS)],
    )
    cols = ["unique_id", "days", "last_ds", "last", "recent"]
    if y.empty:
        return pd.DataFrame(columns=cols)
    y["ds"] = pd.to_datetime(y["ds"])
    lo = pd.Timestamp(as_of) - pd.Timedelta(days=days - 1)
    rows = []
    for uid, g in y.sort_values("ds").groupby("unique_id"):
        recent = g.loc[g["ds"] >= lo, "y"]
        rows.append({
            "unique_id": uid, "days": len(g), "last_ds": g["ds"].iloc[-1].date(),
            "last": float(g["y"].iloc[-1]),
            "recent": float(recent.mean() if is_level(str(uid)) else recent.sum()),
        })  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    head = out["unique_id"].str.split(":").str[0].map(SERIES_HEADS.index)
    deep = out["unique_id"].str.count(":")
    return (
        out.assign(_h=head, _d=deep)
        .sort_values(["_d", "_h", "unique_id"])
        .drop(columns=["_h", "_d"])
        .reset_index(drop=True)
    )


def statement_pickups(archive: Any, country: str, as_of: date, days: int = 30) -> pd.DataFrame:
    """The country's official statements of the window and their pickup (table ``pickups``).

    One row per statement published in the ``days`` up to ``as_of`` or collected that night
    (a first collection's older statements, measured that night) (``statement_id,
    published, outlet, title, articles, foreign, languages, countries, first_hours``: the
    articles that carried it, those from other source countries, their languages and source
    countries, the first latency in hours), most picked up first.
    """
    from earlywarn.focal.pickup import official_feed_ids

    cols = ["statement_id", "published", "outlet", "title", "articles", "foreign",
            "languages", "countries", "first_hours"]  # fmt: skip
    official = official_feed_ids(archive.table("feeds"), country)
    if not official:
        return pd.DataFrame(columns=cols)
    st = archive.articles(since=as_of - timedelta(days=days - 1), until=as_of)
    tonight = archive.table("articles", "as_of = ? AND duplicate_of IS NULL", [as_of])
    st = pd.concat([st, tonight], ignore_index=True).drop_duplicates("article_id")
    st = st[st["feed_id"].isin(official)]
    if st.empty:
        return pd.DataFrame(columns=cols)
    m = archive.query(
        "SELECT statement_id, article_id, language, source_country, latency_hours FROM pickups "
        "WHERE country = ? AND list_contains(?, statement_id)",
        [country, st["article_id"].astype(str).tolist()],
    ).drop_duplicates(["statement_id", "article_id"])
    rows = []
    for r in st.sort_values("published").to_dict("records"):
        g = m[m["statement_id"] == r["article_id"]]
        rows.append({
            "statement_id": r["article_id"], "published": r["published"], "outlet": r["outlet"],
            "title": r["title"], "articles": len(g),
            "foreign": int((g["source_country"].fillna(country) != country).sum()),
            "languages": sorted(g["language"].dropna().unique().tolist()),
            "countries": sorted(g["source_country"].dropna().unique().tolist()),
            "first_hours": float(g["latency_hours"].min()) if len(g) else float("nan"),
        })  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["articles", "published"], ascending=[False, True], ignore_index=True)
