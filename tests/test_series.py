from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlywarn.errors import UsageError
from earlywarn.series import build_series, event_counts, parse_id


@pytest.fixture(scope="module")
def icews(icews_events: pd.DataFrame) -> pd.DataFrame:
    return icews_events


def test_counts_on_real_icews_match_pandas(icews: pd.DataFrame) -> None:
    y = event_counts(icews, freq="D")
    ind = y[y["unique_id"] == "ev:IND"]
    involved = icews[(icews["source_country"] == "IND") | (icews["target_country"] == "IND")]
    assert ind["y"].sum() == len(involved)
    assert ind["ds"].is_monotonic_increasing
    assert ind["ds"].diff().dropna().eq(pd.Timedelta(days=1)).all()  # regular grid, zero-filled


def test_quad_class_split_adds_up(icews: pd.DataFrame) -> None:
    total = event_counts(icews, freq="W")
    quads = event_counts(icews, by=["country", "quad_class"], freq="W")
    q = quads.assign(country=quads["unique_id"].str[3:6]).groupby("country")["y"].sum()
    t = total.assign(country=total["unique_id"].str[3:]).groupby("country")["y"].sum()
    pd.testing.assert_series_equal(q.sort_index(), t.sort_index(), check_names=False)


def test_partial_first_and_last_periods_on_real_icews(icews: pd.DataFrame) -> None:
    """The extract runs from Wednesday 29 August to Wednesday 31 October 2018: its first and
    last weeks have 5 and 3 days of events and August 3 days. They were counted as whole
    weeks and months, so the last week read as a fall to under half the usual count."""
    days = event_counts(icews, freq="D")
    weeks = event_counts(icews, freq="W", partial="flag")
    edges = [pd.Timestamp("2018-08-27"), pd.Timestamp("2018-10-29")]
    assert sorted(weeks.loc[weeks["partial"], "ds"].unique()) == edges
    per_week = weeks.groupby("ds")["y"].sum()
    assert per_week[edges[1]] < 0.6 * per_week.drop(edges).median()  # what a detector saw
    # by default the partial weeks are left out; the whole weeks hold seven days' counts
    kept = event_counts(icews, freq="W")
    assert "partial" not in kept and set(kept["ds"]) == set(weeks["ds"]) - set(edges)
    day_week = days.assign(ds=days["ds"] - pd.to_timedelta(days["ds"].dt.weekday, unit="D"))
    whole = day_week[~day_week["ds"].isin(edges)].groupby(["unique_id", "ds"])["y"].sum()
    pd.testing.assert_series_equal(
        kept.set_index(["unique_id", "ds"])["y"].sort_index(), whole.sort_index()
    )
    months = event_counts(icews, freq="MS", partial="flag")
    assert sorted(months.loc[months["partial"], "ds"].unique()) == [pd.Timestamp("2018-08-01")]
    # kept as they are, no event is lost, even from a grid that starts mid-week (the first
    # week was left off the grid, with its events)
    kept_all = event_counts(icews, freq="W", start="2018-08-29", end="2018-10-31", partial="keep")
    assert kept_all["y"].sum() == days["y"].sum()
    assert kept_all["ds"].min() == edges[0]


def test_partial_periods_of_coverage_and_counterparts(icews: pd.DataFrame) -> None:
    from earlywarn.series.build import counterparts, coverage

    net = counterparts(icews, "W", partial="flag", start="2018-09-03", end="2018-10-31")
    assert sorted(net.loc[net["partial"], "ds"].unique()) == [pd.Timestamp("2018-10-29")]
    arts = pd.DataFrame(
        {"article_id": ["a", "b", "c"], "duplicate_of": None,
         "published": pd.to_datetime(["2024-01-03", "2024-01-10", "2024-01-31"], utc=True)}
    )  # fmt: skip
    men = pd.DataFrame({"article_id": ["a", "b", "c"], "kind": "country", "country": "VNM"})
    cov = coverage(arts, men, "MS", start="2024-01-01", end="2024-02-14", partial="flag")
    assert cov.set_index(["unique_id", "ds"])["partial"].to_dict() == {
        ("cov:ALL", pd.Timestamp("2024-01-01")): False, ("cov:ALL", pd.Timestamp("2024-02-01")): True,
        ("cov:VNM", pd.Timestamp("2024-01-01")): False, ("cov:VNM", pd.Timestamp("2024-02-01")): True,
    }  # fmt: skip
    assert coverage(arts, men, "MS", start="2024-01-01", end="2024-02-14")["ds"].nunique() == 1
    with pytest.raises(UsageError, match="partial='half'"):
        event_counts(icews.head(), freq="W", partial="half")


def test_build_series_never_reads_past_as_of(icews: pd.DataFrame) -> None:
    empty_art = pd.DataFrame(columns=["article_id", "published", "duplicate_of"])
    empty_m = pd.DataFrame(columns=["article_id", "entity", "name", "country", "kind", "count"])
    empty_t = pd.DataFrame(columns=["article_id", "tone"])
    counts = pd.DataFrame(
        {
            "unique_id": "YEM:total",
            "ds": pd.date_range("2018-01-01", periods=12, freq="MS"),
            "y": 1.0,
            "source": "test",
        }
    )
    y = build_series(
        as_of=pd.Timestamp("2018-09-30").date(),
        events=icews,
        articles=empty_art,
        mentions=empty_m,
        tone=empty_t,
        counts=counts,
        focal_country="VNM",
    )
    assert y["ds"].max() <= pd.Timestamp("2018-09-30")
    kinds = {parse_id(u).kind for u in y["unique_id"].unique()}
    assert {"ev", "counts", "dyad"} <= kinds
    assert "ev:IND:r14" in set(y["unique_id"])
    assert not y.duplicated(["unique_id", "ds"]).any()


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 60),
            st.sampled_from(["VNM", "CHN", None]),
            st.sampled_from(["VNM", "USA", None]),
            st.integers(1, 4),
        ),
        min_size=1,
        max_size=50,
    )
)
def test_event_counts_conserve_events(rows: list[tuple[int, str | None, str | None, int]]) -> None:
    ev = pd.DataFrame(rows, columns=["day", "source_country", "target_country", "quad_class"])
    ev["date"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(ev["day"], unit="D")
    ev["root_code"] = "01"
    ev["event_id"] = range(len(ev))
    y = event_counts(ev, freq="D")
    for c in ["VNM", "CHN", "USA"]:
        n = ((ev["source_country"] == c) | (ev["target_country"] == c)).sum()
        assert y.loc[y["unique_id"] == f"ev:{c}", "y"].sum() == n


def test_news_series_start_when_collection_began() -> None:
    # a first collection night (2024-05-02) brings articles published up to a year earlier
    published = pd.to_datetime(
        ["2023-05-10", "2024-01-03", "2024-05-01", "2024-05-02", "2024-05-03", "2024-05-03"],
        utc=True,
    )
    arts = pd.DataFrame(
        {
            "article_id": [f"a{i}" for i in range(6)],
            "published": published,
            "as_of": pd.to_datetime(["2024-05-02"] * 4 + ["2024-05-03"] * 2),
            "fetched": pd.Timestamp("2026-01-01", tz="UTC"),  # a replay: wall clock later
            "duplicate_of": None,
        }
    )
    mentions = pd.DataFrame(
        {"article_id": arts["article_id"], "kind": "country", "country": "VNM", "entity": "x"}
    )
    tone = pd.DataFrame({"article_id": arts["article_id"], "tone": [-1.0, -2, 0, 1, 2, 3]})
    empty_ev = pd.DataFrame(
        columns=["date", "source_country", "target_country", "quad_class", "root_code"]
    )
    y = build_series(
        as_of=pd.Timestamp("2024-05-03").date(),
        events=empty_ev,
        articles=arts,
        mentions=mentions,
        tone=tone,
        counts=pd.DataFrame(columns=["unique_id", "ds", "y", "source"]),
    )
    cov = y[y["unique_id"] == "cov:VNM"]
    assert cov["ds"].min() == pd.Timestamp("2024-05-02")  # no zero-filled year before
    assert cov["y"].tolist() == [1.0, 2.0]
    assert y.loc[y["unique_id"] == "tone:VNM", "ds"].min() == pd.Timestamp("2024-05-02")


def test_events_coded_from_news_start_when_collection_began() -> None:
    # the first collection night (2024-05-02) codes an article published in 2023: that
    # event is not a baseline (days before were never collected); imported events are
    arts = pd.DataFrame(
        {
            "article_id": ["old", "new"],
            "published": pd.to_datetime(["2023-11-10", "2024-05-02"], utc=True),
            "as_of": pd.to_datetime(["2024-05-02", "2024-05-02"]),
            "fetched": pd.Timestamp("2024-05-02 06:00", tz="UTC"),
            "duplicate_of": None,
        }
    )
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2023-11-10", "2024-05-02", "2024-05-03", "2024-04-20"]),
            "source_country": ["VNM", "VNM", "VNM", "PHL"],
            "target_country": ["CHN", "CHN", "CHN", "CHN"],
            "quad_class": [4, 4, 4, 3],
            "root_code": ["19", "19", "19", "17"],
            "origin": ["coder", "coder", "coder", "icews"],
        }
    )
    no_articles = pd.DataFrame(columns=["article_id", "published", "as_of", "duplicate_of"])
    kw = dict(
        as_of=pd.Timestamp("2024-05-03").date(),
        events=ev,
        mentions=pd.DataFrame(columns=["article_id", "kind", "country", "entity"]),
        tone=pd.DataFrame(columns=["article_id", "tone"]),
        counts=pd.DataFrame(columns=["unique_id", "ds", "y", "source"]),
    )
    y = build_series(articles=arts, **kw)
    vnm = y[y["unique_id"] == "ev:VNM"]
    assert vnm["y"].sum() == 2  # the 2023 event is left out
    assert vnm["ds"].min() == pd.Timestamp("2024-04-20")  # the imported event starts the grid
    assert y.loc[y["unique_id"] == "ev:PHL", "y"].sum() == 1
    # without articles nothing tells when collection began: every event counts
    assert build_series(articles=no_articles, **kw).query("unique_id == 'ev:VNM'")["y"].sum() == 3
