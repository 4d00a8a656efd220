from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd

from earlywarn.network import (
    comention_edges,
    event_edges,
    export_graph,
    network_change,
    node_metrics,
    to_graph,
)


def test_event_network_on_icews(icews_events: pd.DataFrame, tmp_path: Path) -> None:
    ev = icews_events
    sep, octo = event_edges(ev, "2018-09-30"), event_edges(ev, "2018-10-31")
    assert len(sep) > 1000
    n_window = ((ev["date"] > "2018-08-31") & (ev["date"] <= "2018-09-30")).sum()
    assert sep["n_events"].sum() <= n_window
    g = to_graph(sep)
    assert isinstance(g, nx.DiGraph)
    m = node_metrics(g)
    assert m.iloc[0]["node"] in {"IND", "USA", "CHN", "RUS"}
    change = network_change(sep, octo)
    assert {"node", "pagerank_delta", "neighbour_jaccard"} <= set(change.columns)
    assert change["neighbour_jaccard"].between(0, 1).all()
    out = export_graph(g, tmp_path / "g.gexf")
    assert nx.read_gexf(out).number_of_edges() == g.number_of_edges()


def test_comention_edges_are_undirected_pairs() -> None:
    arts = pd.DataFrame(
        {
            "article_id": ["a", "b"],
            "published": pd.to_datetime(["2024-01-02", "2024-01-03"], utc=True),
        }
    )
    mentions = pd.DataFrame(
        {
            "article_id": ["a", "a", "b", "b", "b"],
            "entity": ["VNM", "CHN", "CHN", "VNM", "USA"],
            "name": "",
            "country": ["VNM", "CHN", "CHN", "VNM", "USA"],
            "kind": "country",
            "count": 1,
        }
    )
    e = comention_edges(mentions, arts, "2024-01-03")
    assert e[["source", "target", "n_events"]].values.tolist() == [
        ["CHN", "USA", 1],
        ["CHN", "VNM", 2],
        ["USA", "VNM", 1],
    ]
