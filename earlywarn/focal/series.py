"""Perception series: volume, share and tone toward the focal country and its peers.

Long frames ``unique_id, ds, y`` with the ids of :mod:`earlywarn.series.ids` (``per:``,
``pshare:``, ``ptone:``, ``pneg:``, ``pnew:``), daily and (suffix ``:w``) weekly:

- every country (focal and peers): ``per:C`` articles about or mentioning it, ``pshare:C``
  their share of all collected articles, ``ptone:C`` mean sentence-level tone toward it —
  so a rise of Vietnam together with its neighbours (a regional story) is told apart from
  a rise of Vietnam alone; a peer never named in the period has zero volume and share
  over the covered grid (from ``start``: collection start, never before it) and no tone;
- the focal country also by language (``:lang=en``: volume, share of that language's
  output, tone), source country (``:src=USA``) and busiest outlets (``:out=<outlet>``), plus
  ``pneg:`` (articles more negative than positive toward it) and ``pnew:`` (outlets
  covering it for the first time, among outlets seen for at least a week).

Examples
--------
>>> import pandas as pd
>>> arts = pd.DataFrame({"article_id": list("abcd"), "language": ["en", "en", "vi", "en"],
...     "country": ["USA", "GBR", "VNM", "USA"], "outlet": ["x.com", "y.uk", "z.vn", "x.com"],
...     "published": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"], utc=True)})
>>> per = pd.DataFrame({"article_id": ["a", "c", "d"], "country": ["VNM"] * 3, "role": ["focal"] * 3,
...     "count": [2, 1, 0], "tone": [-0.5, 0.2, float("nan")], "n_negative": [1, 0, 0], "n_positive": [0, 0, 0]})
>>> s = perception_series(arts, per, "VNM", (), end="2024-01-02")
>>> s[s.unique_id == "per:VNM"]["y"].tolist(), s[s.unique_id == "pshare:VNM"]["y"].tolist()
([1.0, 1.0], [0.5, 0.5])
>>> s[s.unique_id == "pneg:VNM"]["y"].tolist(), sorted(s.unique_id.str.split(":").str[0].unique())
([1.0, 0.0], ['per', 'pneg', 'pnew', 'pshare', 'ptone'])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from earlywarn.series.build import _day, _edges, _fill, _period, collection_start

__all__ = ["TOP_OUTLETS", "narrative_series", "perception_series"]

#: Outlets with their own series (the busiest on the focal country).
TOP_OUTLETS = 20
#: Languages and source countries with their own series need this many articles in all.
MIN_GROUP = 3
#: Days an outlet must have been collected before its first article on the country counts as new.
NEW_OUTLET_AFTER = 7


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unique_id": pd.Series(dtype=object),
            "ds": pd.Series(dtype="datetime64[ns]"),
            "y": pd.Series(dtype=float),
        }
    )


def _safe(value: object) -> str:
    return str(value).replace(":", "_").replace(" ", "_")


def _counts(
    frame: pd.DataFrame, uid: str, freq: str, lo: pd.Timestamp, hi: pd.Timestamp
) -> pd.DataFrame:
    per = frame.groupby("ds").size().rename("y").reset_index().assign(unique_id=uid)
    if per.empty:  # never named in the period: zeros over the covered grid
        per = pd.DataFrame({"unique_id": [uid], "ds": [lo], "y": [0.0]})
    return _fill(per[["unique_id", "ds", "y"]], freq, lo, hi)


def _share(num: pd.DataFrame, den: pd.DataFrame, uid: str) -> pd.DataFrame:
    m = num.merge(den, on="ds", suffixes=("", "_tot"))
    m = m[m["y_tot"] > 0]
    return pd.DataFrame({"unique_id": uid, "ds": m["ds"], "y": m["y"] / m["y_tot"]})


def _tone(frame: pd.DataFrame, uid: str) -> pd.DataFrame:
    t = frame.dropna(subset=["tone"]).groupby("ds")["tone"].mean().rename("y").reset_index()
    return t.assign(unique_id=uid)[["unique_id", "ds", "y"]]


def perception_series(
    articles: pd.DataFrame,
    perception: pd.DataFrame,
    focal: str,
    peers: Sequence[str] = (),
    *,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    weekly: bool = True,
) -> pd.DataFrame:
    """Perception series of ``focal`` and ``peers`` (see the module docstring).

    Parameters
    ----------
    articles : DataFrame
        Canonical articles: ``article_id, published, language, country, outlet``.
    perception : DataFrame
        Rows of the ``perception`` table (:func:`earlywarn.focal.tagging.tag_articles`).
    focal, peers : str, sequence of str
        ISO3 codes.
    start, end : date, optional
        Grid (zero-filled counts); default collection start and the last publication day.
    weekly : bool
        Also the weekly (``:w``, weeks starting Monday) volume, share and tone per country.
        A week the covered days (``start`` to ``end``) hold only in part has no weekly
        volume (three days of articles are no week's count; the current week appears
        after its Sunday); its share and tone, a ratio and a mean, are kept.
    """
    arts = articles[articles["published"].notna()]
    if arts.empty:
        return _empty()
    lo = pd.Timestamp(start) if start is not None else collection_start(arts)
    hi = pd.Timestamp(end) if end is not None else None
    frames = []
    for freq, suffix in (("D", ""), ("W", ":w")) if weekly else (("D", ""),):
        a = arts.assign(ds=_period(arts["published"], freq))
        a = a[(a["ds"] >= _period(pd.Series([lo]), freq).iloc[0])]
        if hi is not None:
            a = a[a["ds"] <= hi]
        glo = _period(pd.Series([lo]), freq).iloc[0]
        ghi = _period(pd.Series([hi]), freq).iloc[0] if hi is not None else a["ds"].max()
        total = _counts(a, "total", freq, glo, ghi)[["ds", "y"]]
        hits = perception[perception["count"].fillna(0) > 0].merge(
            a[["article_id", "ds", "language", "country", "outlet"]].rename(
                columns={"country": "src"}
            ),
            on="article_id",
        )
        last = _day(hi if hi is not None else arts["published"].max())
        for c in dict.fromkeys([focal, *peers]):
            mine = hits[hits["country"] == c]
            vol = _counts(mine, f"per:{c}{suffix}", freq, glo, ghi)
            frames += [
                _edges(vol, freq, _day(lo), last, "drop"),
                _share(vol, total, f"pshare:{c}{suffix}"),
                _tone(mine, f"ptone:{c}{suffix}"),
            ]
        if suffix:
            continue
        mine = hits[hits["country"] == focal]
        frames += _breakdowns(a, mine, focal, glo, ghi)
        neg = mine[mine["n_negative"].fillna(0) > mine["n_positive"].fillna(0)]
        frames.append(_counts(neg, f"pneg:{focal}", "D", glo, ghi))
        frames.append(_new_outlets(a, mine, focal, glo, ghi))
    out = pd.concat([f for f in frames if not f.empty], ignore_index=True) if frames else _empty()
    out["ds"] = pd.to_datetime(out["ds"]).astype("datetime64[ns]")
    out["y"] = out["y"].astype(float)
    return out.sort_values(["unique_id", "ds"], ignore_index=True)


def _breakdowns(
    a: pd.DataFrame, mine: pd.DataFrame, focal: str, lo: pd.Timestamp, hi: pd.Timestamp
) -> list[pd.DataFrame]:
    out = []
    groups = (("lang", "language", None), ("src", "src", None), ("out", "outlet", TOP_OUTLETS))
    for key, col, top in groups:
        sizes = mine[col].dropna().value_counts()
        sizes = sizes[sizes >= MIN_GROUP]
        if top:
            sizes = sizes.head(top)
        base_col = "country" if col == "src" else col
        for value in sizes.index:
            uid = f"{focal}:{key}={_safe(value)}"
            sub = mine[mine[col] == value]
            vol = _counts(sub, f"per:{uid}", "D", lo, hi)
            den = _counts(a[a[base_col] == value], "t", "D", lo, hi)[["ds", "y"]]
            out += [vol, _share(vol, den, f"pshare:{uid}"), _tone(sub, f"ptone:{uid}")]
    return out


def _new_outlets(
    a: pd.DataFrame, mine: pd.DataFrame, focal: str, lo: pd.Timestamp, hi: pd.Timestamp
) -> pd.DataFrame:
    """Outlets whose first article on the country falls on the day, among outlets collected
    for at least :data:`NEW_OUTLET_AFTER` days before it."""
    seen = a.dropna(subset=["outlet"]).groupby("outlet")["ds"].min()
    first = mine.dropna(subset=["outlet"]).groupby("outlet")["ds"].min()
    old_enough = first[(first - seen.reindex(first.index)) >= pd.Timedelta(days=NEW_OUTLET_AFTER)]
    frame = pd.DataFrame({"ds": old_enough.to_numpy(dtype="datetime64[ns]")})
    if frame.empty:
        return _fill(
            pd.DataFrame({"unique_id": [f"pnew:{focal}"], "ds": [lo], "y": [np.float64(0.0)]}),
            "D",
            lo,
            hi,
        )
    return _counts(frame, f"pnew:{focal}", "D", lo, hi)


def narrative_series(
    narratives: pd.DataFrame,
    articles: pd.DataFrame,
    focal: str,
    *,
    end: str | pd.Timestamp,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Daily volume and languages of each narrative, so detectors watch them like any series.

    ``per:F:nar=<id>`` counts the narrative's articles a day and ``plang:F:nar=<id>`` the
    languages they are written in, from the narrative's first article to ``end``
    (zero-filled). A narrative's articles are the union of its ``article_ids`` over the
    stored nights (table ``narratives``), so its history outlives the 7-day window.

    Parameters
    ----------
    narratives : DataFrame
        Rows of table ``narratives`` (``narrative_id``, ``article_ids``), any nights.
    articles : DataFrame
        ``article_id, published, language``.
    focal : str
        ISO3 of the focal country.
    end : date
        Last day of the series.
    ids : sequence of str, optional
        The narratives to keep (default all).

    Examples
    --------
    >>> narr = pd.DataFrame({"narrative_id": ["s", "s"], "article_ids": [["a"], ["a", "b"]]})
    >>> arts = pd.DataFrame({"article_id": ["a", "b"], "language": ["vi", "en"],
    ...     "published": pd.to_datetime(["2024-01-01", "2024-01-02"], utc=True)})
    >>> y = narrative_series(narr, arts, "VNM", end="2024-01-03")
    >>> y.groupby("unique_id")["y"].apply(list).to_dict()
    {'per:VNM:nar=s': [1.0, 1.0, 0.0], 'plang:VNM:nar=s': [1.0, 1.0, 0.0]}
    """
    if narratives.empty or articles.empty:
        return _empty()
    pairs = narratives[["narrative_id", "article_ids"]].explode("article_ids").dropna()
    pairs = pairs.rename(columns={"article_ids": "article_id"}).drop_duplicates()
    if ids is not None:
        pairs = pairs[pairs["narrative_id"].isin(set(ids))]
    arts = articles[articles["published"].notna()][["article_id", "published", "language"]]
    m = pairs.merge(arts, on="article_id")
    if m.empty:
        return _empty()
    m = m.assign(ds=_period(m["published"], "D"))
    hi = _period(pd.Series([pd.Timestamp(end)]), "D").iloc[0]
    m = m[m["ds"] <= hi]
    frames = []
    for nid, g in m.groupby("narrative_id", sort=True):
        label = f"{focal}:nar={_safe(nid)}"
        lo = g["ds"].min()
        frames.append(_counts(g, f"per:{label}", "D", lo, hi))
        langs = g.groupby("ds")["language"].nunique().rename("y").reset_index()
        langs = langs.assign(unique_id=f"plang:{label}")[["unique_id", "ds", "y"]]
        frames.append(_fill(langs.astype({"y": float}), "D", lo, hi))
    out = pd.concat(frames, ignore_index=True)
    out["ds"] = pd.to_datetime(out["ds"]).astype("datetime64[ns]")
    return out.astype({"y": float}).sort_values(["unique_id", "ds"], ignore_index=True)
