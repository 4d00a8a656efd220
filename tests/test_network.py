from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from earlywarn.errors import UsageError
from earlywarn.network import (
    comention_edges,
    communities,
    community_churn,
    ego_figure,
    ego_metrics,
    ego_network,
    event_edges,
    export_graph,
    network_change,
    resolve_actor,
    slice_edges,
    tie_series,
    tie_shift,
    to_graph,
)


@pytest.fixture(scope="module")
def september(icews_events: pd.DataFrame) -> pd.DataFrame:
    return event_edges(icews_events, "2018-09-30", "30D")


def test_icews_actors_become_person_org_and_country_nodes(
    icews_events: pd.DataFrame, september: pd.DataFrame
) -> None:
    ev = icews_events
    n_window = ((ev["date"] > "2018-08-31") & (ev["date"] <= "2018-09-30")).sum()
    assert 0 < september["n_events"].sum() <= n_window
    nodes = set(september["source"]) | set(september["target"])
    assert {"VNM", "CHN", "PER:VNM:nguyen-xuan-phuc", "ORG:VNM:police"} <= nodes
    # the gazetteer's person code, not the ICEWS spelling
    assert resolve_actor("Nguyen Phu Trong", None).node == "PER:VNM:nguyen-phu-trong"
    kinds = {n.split(":")[0] for n in nodes}
    assert {"PER", "ORG"} <= kinds


def test_ego_network_communities_and_metrics_on_icews(september: pd.DataFrame) -> None:
    g = to_graph(september, "all")
    ego = ego_network(g, "VNM")
    assert "PER:VNM:nguyen-xuan-phuc" in ego and "CHN" in ego
    m = ego_metrics(g, "VNM")
    assert (m["strength"].diff().dropna() <= 0).all()
    assert not m["node"].str.contains(":VNM:").any() and "VNM" not in set(m["node"])
    assert m.loc[m["node"] == "LAO", "n_events"].iloc[0] > 0
    c1, c2 = communities(ego, seed=3), communities(ego, seed=3)
    pd.testing.assert_frame_equal(c1, c2)  # seeded: reproducible
    assert c1["community"].nunique() > 1 and len(c1) == ego.number_of_nodes()


def test_network_change_between_months(icews_events: pd.DataFrame, september) -> None:
    october = event_edges(icews_events, "2018-10-31", "30D")
    before = september[(september["source"] == "VNM") | (september["target"] == "VNM")]
    after = october[(october["source"] == "VNM") | (october["target"] == "VNM")]
    change = network_change(before, after)
    assert change["neighbour_jaccard"].between(0, 1).all()
    assert change.set_index("node").loc["VNM", "neighbour_jaccard"] < 1


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_export_reads_back(september: pd.DataFrame, tmp_path: Path, fmt: str) -> None:
    g = ego_network(to_graph(september, "all"), "VNM")
    out = export_graph(g, tmp_path / f"ego.{fmt}")
    back = nx.read_gexf(out) if fmt == "gexf" else nx.read_graphml(out)
    assert set(back.nodes) == set(g.nodes)
    assert back.number_of_edges() == g.number_of_edges()
    assert back.nodes["PER:VNM:nguyen-xuan-phuc"]["kind"] == "person"
    assert back.nodes["CHN"]["label_vi"] == "Trung Quốc"
    w = {tuple(sorted(e)): d["weight"] for *e, d in back.edges(data=True)}
    assert w[tuple(sorted(("VNM", "LAO")))] == g["VNM"]["LAO"]["weight"]
    with pytest.raises(UsageError):
        export_graph(g, tmp_path / "ego.txt")


def test_window_is_checked() -> None:
    with pytest.raises(UsageError, match="whole days"):
        event_edges(pd.DataFrame(), "2024-01-01", "12h")


def test_comention_edges_join_persons_orgs_and_countries() -> None:
    arts = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "published": pd.to_datetime(["2024-01-02", "2024-01-03"], utc=True),
        }
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "b", "b", "b"],
            "entity": ["VNM", "CHN", "CHN", "VNM", "ORG:ASEAN", "CITY:VNM:hanoi"],
            "kind": ["country", "country", "country", "country", "org", "city"],
            "count": 1,
        }
    )
    e = comention_edges(mentions, arts, "2024-01-03", "7D")
    assert e[["source", "target", "n_events"]].values.tolist() == [
        ["CHN", "ORG:ASEAN", 1],
        ["CHN", "VNM", 2],
        ["ORG:ASEAN", "VNM", 1],
    ]
    daily = comention_edges(mentions, arts, "2024-01-03", "1D")
    assert daily["n_events"].sum() == 3


def test_tie_series_and_shift_on_icews(icews_events: pd.DataFrame) -> None:
    """Turkey's tie with Saudi Arabia after 2 October 2018 (Khashoggi's killing in the
    Saudi consulate in Istanbul) is flagged as strengthening; with the same days shuffled
    (bursts kept, the lasting change spread out) it is not, nor is the tie with Russia."""
    s = tie_series(icews_events, None, None, focal="TUR", start="2018-08-29", end="2018-10-31")
    assert {"tie:TUR~SAU", "tie:TUR~RUS", "tie:TUR~ALL"} <= set(s["unique_id"])
    an = tie_shift(s, as_of="2018-10-31", lookback=30)
    sau = an[an["unique_id"] == "tie:TUR~SAU"]
    hit = sau[sau["is_anomaly"]]
    assert not hit.empty and (hit["y"] > hit["expected"]).all()
    assert hit["ds"].min() <= pd.Timestamp("2018-10-12")
    assert not an[(an["unique_id"] == "tie:TUR~RUS") & an["is_anomaly"]].shape[0]
    wide = s.pivot(index="ds", columns="unique_id", values="y")
    rng = np.random.default_rng(0)
    shuffled = (
        pd.DataFrame(
            wide.to_numpy()[rng.permutation(len(wide))], index=wide.index, columns=wide.columns
        )
        .stack()
        .rename("y")
        .reset_index()
    )
    null = tie_shift(shuffled, as_of="2018-10-31", lookback=30)
    assert not null[(null["unique_id"] == "tie:TUR~SAU") & null["is_anomaly"]].shape[0]


def test_community_churn_counts_changes() -> None:
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-02"] * 3 + ["2024-01-09"] * 3),
            "source_name": ["Vietnam", "Laos", "Japan", "Vietnam", "Japan", "Japan"],
            "source_country": ["VNM", "LAO", "JPN", "VNM", "JPN", "JPN"],
            "target_name": ["Laos", "Vietnam", "Korea", "Japan", "Vietnam", "Laos"],
            "target_country": ["LAO", "VNM", "KOR", "JPN", "VNM", "LAO"],
            "goldstein": 1.0,
        }
    )
    c = community_churn(ev, None, None, focal="VNM", start="2024-01-01", end="2024-01-14")
    assert c["unique_id"].eq("comm:VNM").all() and len(c) == 1
    assert c["y"].iloc[0] >= 1


def test_community_churn_last_week_stops_at_end() -> None:
    """The last week's window ran to its Sunday, past ``end``: events after ``end`` (here
    Japan joining Vietnam's community on Thursday 18 January, ``end`` Tuesday the 16th)
    made churn, and a week of two days was counted as a whole one. Now that week's network
    stops at ``end`` and the week is dropped (default) or flagged partial."""

    def ev(day: str, a: tuple[str, str], b: tuple[str, str], n: int = 1) -> pd.DataFrame:
        return pd.DataFrame(
            {"date": pd.to_datetime([day] * n), "source_name": a[0], "source_country": a[1],
             "target_name": b[0], "target_country": b[1], "goldstein": 1.0}
        )  # fmt: skip

    vn, la, jp, kr = ("Vietnam", "VNM"), ("Laos", "LAO"), ("Japan", "JPN"), ("Korea", "KOR")
    events = pd.concat(
        [ev(d, vn, la, 3) for d in ("2024-01-02", "2024-01-09", "2024-01-15")]
        + [ev(d, jp, kr, 3) for d in ("2024-01-02", "2024-01-09", "2024-01-15")]
        + [ev("2024-01-18", vn, jp, 20)],
        ignore_index=True,
    )
    kw = {"focal": "VNM", "start": "2024-01-01", "end": "2024-01-16"}
    dropped = community_churn(events, None, None, **kw)
    assert dropped["ds"].tolist() == [pd.Timestamp("2024-01-08")]
    assert dropped["y"].tolist() == [0.0]
    flagged = community_churn(events, None, None, **kw, partial="flag")
    assert flagged["ds"].tolist() == [pd.Timestamp("2024-01-08"), pd.Timestamp("2024-01-15")]
    assert flagged["partial"].tolist() == [False, True]
    assert flagged["y"].tolist() == [0.0, 0.0]  # Thursday's events are after end
    whole = community_churn(events, None, None, **{**kw, "end": "2024-01-21"})
    assert whole["y"].tolist() == [0.0, 2.0]  # in a whole week Japan (and Korea) join


def test_ego_figure_is_plotly_json(september: pd.DataFrame) -> None:
    fig = json.loads(ego_figure(september, "VNM", locale="vi", top=10))
    names = fig["data"][1]["text"]
    assert "Việt Nam" in names and "Trung Quốc" in names
    assert len(names) <= 10 + sum(1 for n in names if "Việt Nam" in n) + 40
    assert slice_edges(None, None, None, "2024-01-01").empty
