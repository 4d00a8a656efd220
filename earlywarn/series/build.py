"""Events and articles to long frames ``unique_id, ds, y``.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.series import event_counts
>>> ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-03"]),
...                    "source_country": ["VNM", "CHN", "VNM"], "target_country": ["CHN", None, None],
...                    "quad_class": [1, 4, 4], "root_code": ["04", "19", "14"]})
>>> event_counts(ev, freq="D").query("unique_id == 'ev:VNM'")["y"].tolist()
[1.0, 0.0, 1.0]
>>> sorted(event_counts(ev, by=["country", "quad_class"])["unique_id"].unique())
['ev:CHN:q1', 'ev:CHN:q4', 'ev:VNM:q1', 'ev:VNM:q4']
>>> ev["cameo_code"] = ["042", "190", "141"]
>>> sorted(event_counts(ev, by=["country", "plover"])["unique_id"].unique())
['ev:CHN:pASSAULT', 'ev:CHN:pCONSULT', 'ev:VNM:pCONSULT', 'ev:VNM:pPROTEST']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from earlywarn.errors import UsageError
from earlywarn.series.ids import series_id

__all__ = [
    "CRISIS_ROOTS",
    "build_series",
    "collection_start",
    "counterparts",
    "country_mentions",
    "coverage",
    "event_counts",
    "tone_series",
]

#: CAMEO roots watched one by one: protest, coerce, assault, fight, mass violence.
CRISIS_ROOTS = ("14", "17", "18", "19", "20")
_BY = {"country", "quad_class", "root_code", "plover"}


def _long_by_country(events: pd.DataFrame) -> pd.DataFrame:
    """One row per (event, country involved): an event between two countries counts for both."""
    src = events.assign(country=events["source_country"])
    other = events["target_country"] != events["source_country"]
    tgt = events[other].assign(country=events.loc[other, "target_country"])
    both = pd.concat([src, tgt], ignore_index=True)
    return both[both["country"].notna() & (both["country"] != "")]


def _plover_type(events: pd.DataFrame) -> pd.Series:
    """The stored PLOVER type, or the one the CAMEO code maps to where none is stored."""
    from earlywarn.extract.plover import plover_columns

    derived = (
        plover_columns(events["cameo_code"])["plover_type"] if "cameo_code" in events else None
    )
    if "plover_type" in events:
        stored = events["plover_type"]
        return stored.where(stored.notna(), derived) if derived is not None else stored
    if derived is None:
        raise UsageError("by=['plover'] needs a plover_type or cameo_code column")
    return derived


def _fill(
    counts: pd.DataFrame, freq: str, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> pd.DataFrame:
    """Complete each series with zeros on a regular grid from its start (or ``start``) to ``end``."""
    bounds = counts.groupby("unique_id", sort=True)["ds"].agg(["min", "max"])
    if bounds.empty:
        return pd.DataFrame(
            {
                "unique_id": pd.Series(dtype=object),
                "ds": pd.Series(dtype="datetime64[ns]"),
                "y": pd.Series(dtype=float),
            }
        )
    step = _GRID.get(freq, freq)
    grids = [
        pd.date_range(start if start is not None else lo, end if end is not None else hi, freq=step)
        for lo, hi in zip(bounds["min"], bounds["max"], strict=True)
    ]
    # one lookup of every (series, period) of the grids in the counts, not one per series
    uid = np.repeat(bounds.index.to_numpy(dtype=object), [len(g) for g in grids])
    ds = grids[0].append(grids[1:]) if len(grids) > 1 else grids[0]
    y = pd.Series(
        counts["y"].to_numpy(), index=pd.MultiIndex.from_arrays([counts["unique_id"], counts["ds"]])
    )
    y = y.reindex(pd.MultiIndex.from_arrays([uid, ds]), fill_value=0.0)
    return pd.DataFrame({"unique_id": uid, "ds": ds, "y": y.to_numpy(dtype=float)})


_PERIODS = {"D": "D", "W": "W", "MS": "M"}
_GRID = {"D": "D", "W": "W-MON", "MS": "MS"}
_PARTIAL = ("drop", "keep", "flag")


def check_partial(partial: str) -> None:
    """Refuse a ``partial=`` that is none of ``drop``, ``keep``, ``flag``."""
    if partial not in _PARTIAL:
        raise UsageError(f"partial={partial!r}: use one of {list(_PARTIAL)}")


def apply_partial(frame: pd.DataFrame, cut: Any, partial: str) -> pd.DataFrame:
    """``frame`` without the rows ``cut`` marks as partial periods (``partial='drop'``), with
    them marked in a boolean ``partial`` column (``'flag'``) or as it is (``'keep'``).

    >>> f = pd.DataFrame({"y": [1.0, 2.0]})
    >>> apply_partial(f, [False, True], "drop")["y"].tolist()
    [1.0]
    >>> apply_partial(f, [False, True], "flag")["partial"].tolist()
    [False, True]
    """
    check_partial(partial)
    mask = np.asarray(cut, dtype=bool)
    if partial == "flag":
        return frame.assign(partial=mask)
    if partial == "drop":
        return frame[~mask].reset_index(drop=True)
    return frame


def _day(value: object) -> pd.Timestamp | None:
    """``value`` as a naive UTC day (None stays None)."""
    if value is None:
        return None
    ts = pd.Timestamp(value)  # type: ignore[arg-type]
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def _covered(
    dates: pd.Series, start: object, end: object
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The days the data covers: ``start`` to ``end`` where given, else its first and last
    date (of the whole frame, not of one series)."""
    known = pd.to_datetime(dates, utc=True).dropna() if len(dates) else pd.Series(dtype=object)
    lo = _day(start) if start is not None else (_day(known.min()) if len(known) else None)
    hi = _day(end) if end is not None else (_day(known.max()) if len(known) else None)
    return lo, hi


def _edges(
    frame: pd.DataFrame,
    freq: str,
    lo: pd.Timestamp | None,
    hi: pd.Timestamp | None,
    partial: str,
) -> pd.DataFrame:
    """Drop (``partial='drop'``) or flag (``'flag'``: a boolean ``partial`` column) the
    weeks or months that the covered days ``lo`` to ``hi`` include only in part: a count
    over three days of a week is no week's count. Days are always whole."""
    if partial == "keep" or freq == "D":
        return frame.assign(partial=False) if partial == "flag" else frame
    first = pd.to_datetime(frame["ds"])
    last = first + (pd.Timedelta(days=6) if freq == "W" else pd.offsets.MonthEnd(0))
    cut = pd.Series(False, index=frame.index)
    if lo is not None:
        cut |= first < lo
    if hi is not None:
        cut |= last > hi
    return apply_partial(frame, cut, partial)


def _grid_start(value: pd.Timestamp | None, freq: str) -> pd.Timestamp | None:
    """The start of the period holding ``value``: the grid begins with the week or month
    ``start`` falls in (``date_range`` would begin with the next one and lose its count)."""
    return None if value is None else _period(pd.Series([value]), freq).iloc[0]


def _period(ds: pd.Series, freq: str) -> pd.Series:
    """Period start of each timestamp (UTC, naive) for ``freq`` in D, W (Monday) or MS."""
    if freq not in _PERIODS:
        raise UsageError(f"freq={freq!r}: use one of {sorted(_PERIODS)}")
    ds = pd.to_datetime(ds)
    if getattr(ds.dt, "tz", None) is not None:
        ds = ds.dt.tz_convert("UTC").dt.tz_localize(None)
    return ds.dt.to_period(_PERIODS[freq]).dt.start_time.astype("datetime64[ns]")


def event_counts(
    events: pd.DataFrame,
    by: Sequence[str] = ("country",),
    freq: str = "D",
    *,
    start: str | date | None = None,
    end: str | date | None = None,
    partial: str = "drop",
) -> pd.DataFrame:
    """Count events per period by country (either side), and optionally QuadClass, root or PLOVER.

    Parameters
    ----------
    events : DataFrame
        Events (``date``, ``source_country``, ``target_country``, ``quad_class``, ``root_code``,
        ``plover_type``; ``plover_type`` is derived from ``cameo_code`` when absent).
    by : sequence of {"country", "quad_class", "root_code", "plover"}
        ``plover`` splits by PLOVER event type (events without one, e.g. plain statements,
        are left out of those series).
    freq : {"D", "W", "MS"}
        Period; ``ds`` is the period start.
    start, end : date, optional
        The first and last day the events cover, and the grid's bounds (zero-filled);
        default the frame's first and last event date, each series' grid from its first
        to its last period.
    partial : {"drop", "keep", "flag"}
        A week or month that ``start`` to ``end`` covers only in part (``end`` on a
        Wednesday: its week has three days of events) is dropped by default, so that
        detectors and forecasters do not read the half period as a fall; ``"flag"``
        keeps it with a boolean ``partial`` column, ``"keep"`` keeps it unmarked.
        Without ``start``/``end`` the coverage is read from the frame's dates: pass them
        when counting a subset of the events (one root code) or a quiet stretch.

    Returns
    -------
    DataFrame
        Long frame ``unique_id, ds, y``: ``ev:VNM``, ``ev:VNM:q4``, ``ev:VNM:r19``,
        ``ev:VNM:pASSAULT`` by what ``by`` names; an event counts for both its countries
        (and ``partial`` with ``partial="flag"``).

    Examples
    --------
    >>> import pandas as pd
    >>> events = pd.DataFrame({
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-09"]),
    ...     "source_country": ["VNM", "CHN", "VNM"], "target_country": ["CHN", "VNM", None],
    ...     "quad_class": [1, 4, 1], "root_code": ["04", "19", "04"]})
    >>> event_counts(events, by=["country", "quad_class"], freq="W", end="2024-01-14")
       unique_id         ds    y
    0  ev:CHN:q1 2024-01-01  1.0
    1  ev:CHN:q1 2024-01-08  0.0
    2  ev:CHN:q4 2024-01-01  1.0
    3  ev:CHN:q4 2024-01-08  0.0
    4  ev:VNM:q1 2024-01-01  1.0
    5  ev:VNM:q1 2024-01-08  1.0
    6  ev:VNM:q4 2024-01-01  1.0
    7  ev:VNM:q4 2024-01-08  0.0

    Events known up to Tuesday 9 January: the week of the 8th has two days of data.

    >>> event_counts(events, freq="W", partial="flag").query("unique_id == 'ev:VNM'")
      unique_id         ds    y  partial
    1    ev:VNM 2024-01-01  2.0    False
    2    ev:VNM 2024-01-08  1.0     True
    >>> event_counts(events, freq="W")["ds"].unique().tolist()
    [Timestamp('2024-01-01 00:00:00')]
    """
    unknown = set(by) - _BY
    if unknown or "country" not in by:
        raise UsageError(f"by={list(by)}: must include 'country' and only use {sorted(_BY)}")
    if freq not in _PERIODS:
        raise UsageError(f"freq={freq!r}: use one of {sorted(_PERIODS)}")
    check_partial(partial)
    needed = {"date", "source_country", "target_country"} | (set(by) & {"quad_class", "root_code"})
    missing = sorted(needed - set(events.columns))
    if missing:
        raise UsageError(
            f"events lack column(s) {missing}; pass Archive.events() or a frame with "
            f"date, source_country, target_country and the columns of by={list(by)}"
        )
    if events.empty:
        return _edges(
            _fill(pd.DataFrame(columns=["unique_id", "ds", "y"]), freq, None, None),
            freq, None, None, partial,
        )  # fmt: skip
    if "plover" in by:
        events = events.assign(plover=_plover_type(events))
    long = _long_by_country(events)
    long = long.assign(ds=_period(long["date"], freq))
    keys = ["country", *[b for b in by if b != "country"]]
    counts = long.groupby([*keys, "ds"], observed=True).size().rename("y").reset_index()
    covered = _covered(events["date"], start, end)
    if counts.empty:
        return _edges(_fill(counts.assign(unique_id=[]), freq, None, None), freq, *covered, partial)

    def uid(row: pd.Series) -> str:
        return series_id(
            "ev",
            row["country"],
            quad_class=int(row["quad_class"]) if "quad_class" in row else None,
            root=row.get("root_code"),
            plover=row.get("plover"),
        )

    counts["unique_id"] = counts.apply(uid, axis=1)
    lo = _grid_start(_day(start), freq)
    hi = _day(end)
    return _edges(_fill(counts[["unique_id", "ds", "y"]], freq, lo, hi), freq, *covered, partial)


def counterparts(
    events: pd.DataFrame, freq: str = "D", *, partial: str = "drop", **grid: object
) -> pd.DataFrame:
    """Distinct counterparts per period of each country (``net:ISO3``): how many other
    countries (or, without a country, named actors; not an agent named only by its kind,
    the coder's ``---`` *police*) it has events with. A jump means its place in the actor
    network is changing. ``start``/``end`` and ``partial`` as for :func:`event_counts`.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-01"] * 3),
    ...     "source_country": ["VNM", "VNM", "CHN"], "target_country": ["CHN", "LAO", "VNM"],
    ...     "source_name": ["Vietnam", "Vietnam", "China"], "target_name": ["China", "Laos", "Vietnam"]})
    >>> counterparts(ev).set_index("unique_id")["y"].to_dict()
    {'net:CHN': 1.0, 'net:LAO': 1.0, 'net:VNM': 2.0}
    """
    from earlywarn.extract.events import unknown_actor

    check_partial(partial)

    def side(country: str, name: str) -> pd.Series:
        names = events.get(name, pd.Series(None, index=events.index, dtype=object))
        names = names.astype(object).where(names.notna(), None)
        generic = {n: unknown_actor(n, None) for n in set(names.dropna())}
        names = names.where(~names.map(generic).fillna(False).astype(bool), None)
        # PETRARCH's '---' ('police', 'the capital') is no particular counterpart
        return events[country].where(events[country].notna(), names)

    src, dst = side("source_country", "source_name"), side("target_country", "target_name")
    pairs = pd.DataFrame({"ds": _period(events["date"], freq), "a": src, "b": dst})
    pairs = pairs[pairs["a"].notna() & pairs["b"].notna() & (pairs["a"] != pairs["b"])]
    both = pd.concat([pairs, pairs.rename(columns={"a": "b", "b": "a"})], ignore_index=True)
    both = both[
        both["a"].isin(
            set(events["source_country"].dropna()) | set(events["target_country"].dropna())
        )
    ]
    out = both.groupby(["a", "ds"])["b"].nunique().rename("y").reset_index()
    out["unique_id"] = "net:" + out["a"].astype(str)
    filled = _fill(
        out[["unique_id", "ds", "y"]].astype({"y": float}),
        freq,
        _grid_start(_day(grid.get("start")), freq),
        _day(grid.get("end")),
    )
    return _edges(
        filled, freq, *_covered(events["date"], grid.get("start"), grid.get("end")), partial
    )


def country_mentions(
    mentions: pd.DataFrame,
    perception: pd.DataFrame | None = None,
    tagged: Collection[str] | None = None,
) -> pd.DataFrame:
    """``article_id, country`` of every article naming a country, one tagger per country.

    The countries the focal tagger covers (``tagged``: the focal country and its peers;
    default every country of ``perception``) take its rows of the ``perception`` table
    (:func:`earlywarn.focal.tagging.tag_articles`, word-bounded, with a stop-list of false
    friends); every other country takes the gazetteer's ``mentions`` of kind ``country``.

    Examples
    --------
    >>> men = pd.DataFrame({"article_id": ["1", "1", "2"], "kind": "country",
    ...                     "country": ["VNM", "CHN", "VNM"]})
    >>> per = pd.DataFrame({"article_id": ["1", "2"], "country": "VNM", "count": [2, 0]})
    >>> country_mentions(men, per).values.tolist()  # "giờ Việt Nam" in 2: no mention
    [['1', 'CHN'], ['1', 'VNM']]
    """
    gaz = mentions[(mentions["kind"] == "country") & mentions["country"].notna()]
    gaz = gaz[["article_id", "country"]]
    if perception is None:
        return gaz.drop_duplicates().reset_index(drop=True)
    own = set(perception["country"]) if tagged is None else set(tagged)
    hits = perception[(perception["count"].fillna(0) > 0) & perception["country"].isin(own)]
    out = pd.concat([gaz[~gaz["country"].isin(own)], hits[["article_id", "country"]]])
    return out.drop_duplicates().sort_values(["article_id", "country"], ignore_index=True)


def coverage(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    freq: str = "D",
    perception: pd.DataFrame | None = None,
    tagged: Collection[str] = (),
    *,
    partial: str = "drop",
    **grid: object,
) -> pd.DataFrame:
    """Articles per period that mention each country (``cov:ISO3``) and in all (``cov:ALL``).

    Near-duplicates (``duplicate_of`` set) and articles without a publication date are left
    out. Mentions come from :func:`country_mentions`: the focal tagger's ``perception`` rows
    for the ``tagged`` countries (which get a series, zero when never named, over the grid
    from ``start``), the gazetteer's for the others. ``start``/``end`` (default: the first
    and last publication day) and ``partial`` as for :func:`event_counts`.
    """
    check_partial(partial)
    arts = articles[articles["duplicate_of"].isna() & articles["published"].notna()][
        ["article_id", "published"]
    ]
    arts = arts.assign(ds=_period(arts["published"], freq))
    cm = country_mentions(mentions, perception, tagged if perception is not None else None)
    m = cm.merge(arts, on="article_id")
    per = m.groupby(["country", "ds"]).size().rename("y").reset_index()
    per["unique_id"] = "cov:" + per["country"]
    total = arts.groupby("ds").size().rename("y").reset_index().assign(unique_id="cov:ALL")
    frames = [per[["unique_id", "ds", "y"]], total[["unique_id", "ds", "y"]]]
    start = _grid_start(_day(grid.get("start")), freq)
    silent = [c for c in tagged if c not in set(per["country"])]
    if silent and start is not None:
        frames.append(
            pd.DataFrame({"unique_id": [f"cov:{c}" for c in silent], "ds": start, "y": 0.0})
        )
    out = pd.concat(frames, ignore_index=True)
    filled = _fill(out, freq, start, _day(grid.get("end")))
    covered = _covered(arts["published"], grid.get("start"), grid.get("end"))
    return _edges(filled, freq, *covered, partial)


def tone_series(
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    tone: pd.DataFrame,
    freq: str = "D",
    perception: pd.DataFrame | None = None,
    tagged: Collection[str] | None = None,
) -> pd.DataFrame:
    """Mean tone per period of the articles that mention each country (``tone:ISO3``; the
    mentions of :func:`country_mentions`); no zero fill."""
    arts = articles[articles["duplicate_of"].isna() & articles["published"].notna()][
        ["article_id", "published"]
    ]
    arts = arts.assign(ds=_period(arts["published"], freq))
    m = country_mentions(mentions, perception, tagged).merge(arts, on="article_id")
    m = m.merge(tone[["article_id", "tone"]], on="article_id").dropna(subset=["tone"])
    out = m.groupby(["country", "ds"])["tone"].mean().rename("y").reset_index()
    out["unique_id"] = "tone:" + out["country"]
    return out[["unique_id", "ds", "y"]].astype({"y": float})


def collection_start(articles: pd.DataFrame) -> pd.Timestamp:
    """The first day news series cover: when collection began, not the oldest publication date.

    A feed's first fetch brings articles published weeks or years earlier; counting from
    the oldest of them would zero-fill the months before collection began, and every
    later count would look like a rise from 0. The start is the first collection night
    (``as_of`` of the articles table), else the day of the first ``fetched``, else the
    oldest ``published``.

    Examples
    --------
    >>> a = pd.DataFrame({"published": pd.to_datetime(["2019-03-01", "2024-05-02"], utc=True),
    ...                   "fetched": pd.to_datetime(["2024-05-02 06:00", "2024-05-03 09:00"], utc=True)})
    >>> collection_start(a)
    Timestamp('2024-05-02 00:00:00')
    """
    for col in ("as_of", "fetched", "published"):
        if col in articles:
            ts = pd.to_datetime(articles[col], utc=True).dropna()
            if not ts.empty:
                return ts.min().tz_localize(None).floor("D")
    raise ValueError("articles have neither a fetched nor a published time")


def build_series(
    *,
    as_of: date,
    events: pd.DataFrame,
    articles: pd.DataFrame,
    mentions: pd.DataFrame,
    tone: pd.DataFrame,
    counts: pd.DataFrame,
    days: int = 365,
    top_countries: int = 30,
    top_dyads: int = 20,
    focal_country: str = "VNM",
    perception: pd.DataFrame | None = None,
    peers: Sequence[str] = (),
) -> pd.DataFrame:
    """Every series the nightly job watches, as known at ``as_of``.

    Daily series cover the last ``days`` days up to ``as_of`` (from the first day with data),
    zero-filled; news series (coverage, tone, and events coded from news) start when
    collection began (:func:`collection_start`), not at the oldest article's publication
    date; imported counts keep their own frequency and full history up to ``as_of``.
    Event series are kept for the ``top_countries`` busiest countries and the focal country,
    by QuadClass and crisis root; dyads for the ``top_dyads`` busiest country pairs.
    With ``perception`` (the focal tagger's rows), the coverage and tone of the focal
    country and its ``peers`` count the articles that tagger found them in (each of them
    has a coverage series, zero when never named), and the perception series
    (:func:`earlywarn.focal.series.perception_series`) are added.
    """
    end = pd.Timestamp(as_of)
    lo = end - pd.Timedelta(days=days - 1)
    ev = events[(pd.to_datetime(events["date"]) >= lo) & (pd.to_datetime(events["date"]) <= end)]
    if "origin" in ev and not articles.empty and ev["origin"].eq("coder").any():
        # events coded from news are dated by publication: those before collection began
        # (the back catalogue a feed's first fetch brings) are a trickle, not a baseline
        began = collection_start(articles)
        ev = ev[ev["origin"].ne("coder") | (pd.to_datetime(ev["date"]) >= began)]
    frames = []
    if not ev.empty:
        start = pd.to_datetime(ev["date"]).min()
        by_country = _long_by_country(ev)["country"].value_counts()
        keep = set(by_country.index[:top_countries]) | {focal_country}
        sel = ev[ev["source_country"].isin(keep) | ev["target_country"].isin(keep)]
        totals = event_counts(sel, freq="D", start=start, end=end)
        frames.append(totals[totals["unique_id"].str[3:].isin(keep)])
        quads = event_counts(sel, by=["country", "quad_class"], start=start, end=end)
        frames.append(quads[quads["unique_id"].str[3:6].isin(keep)])
        crisis = sel[sel["root_code"].isin(CRISIS_ROOTS)]
        roots = event_counts(crisis, by=["country", "root_code"], start=start, end=end)
        frames.append(roots[roots["unique_id"].str[3:6].isin(keep)])
        net = counterparts(sel, start=start, end=end)
        frames.append(net[net["unique_id"].str[4:].isin(keep)])
        all_ev = ev.assign(date=pd.to_datetime(ev["date"]).dt.floor("D")).groupby("date").size()
        frames.append(
            _fill(
                pd.DataFrame(
                    {"unique_id": "ev:ALL", "ds": all_ev.index, "y": all_ev.to_numpy(float)}
                ),
                "D",
                start,
                end,
            )
        )
        pairs = ev[
            ev["source_country"].notna()
            & ev["target_country"].notna()
            & (ev["source_country"] != ev["target_country"])
        ]
        if not pairs.empty:
            top = pairs.groupby(["source_country", "target_country"]).size().nlargest(top_dyads)
            d = pairs.set_index(["source_country", "target_country"]).loc[top.index].reset_index()
            d = d.assign(
                unique_id="dyad:" + d["source_country"] + ">" + d["target_country"],
                ds=pd.to_datetime(d["date"]).dt.floor("D"),
            )
            dc = d.groupby(["unique_id", "ds"]).size().rename("y").reset_index()
            frames.append(_fill(dc, "D", start, end))
    arts = articles[articles["published"].notna()]
    pub = pd.to_datetime(arts["published"], utc=True).dt.tz_localize(None)
    arts = arts[(pub >= lo) & (pub < end + pd.Timedelta(days=1))]
    if not arts.empty:
        start = collection_start(arts)
        tagged = list(dict.fromkeys([focal_country, *peers])) if perception is not None else []
        frames.append(coverage(arts, mentions, "D", perception, tagged, start=start, end=end))
        t = tone_series(arts, mentions, tone, "D", perception, tagged or None)
        frames.append(t[t["ds"] >= start])
        if perception is not None:
            from earlywarn.focal.series import perception_series

            frames.append(
                perception_series(arts, perception, focal_country, peers, start=start, end=end)
            )
    if not counts.empty:
        c = counts[pd.to_datetime(counts["ds"]) <= end]
        frames.append(c[["unique_id", "ds", "y"]])
    if not frames:
        return pd.DataFrame(
            {
                "unique_id": pd.Series(dtype=object),
                "ds": pd.Series(dtype="datetime64[ns]"),
                "y": pd.Series(dtype=float),
            }
        )
    out = pd.concat(frames, ignore_index=True)
    out["ds"] = pd.to_datetime(out["ds"]).astype("datetime64[ns]")
    out["y"] = out["y"].astype(float)
    return out.drop_duplicates(["unique_id", "ds"]).sort_values(
        ["unique_id", "ds"], ignore_index=True
    )
