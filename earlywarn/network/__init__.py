"""Actor networks from events and co-mentions, their metrics and their change over time.

One function per step, graphs in and plain frames out (networkx style).

Examples
--------
>>> import pandas as pd
>>> from earlywarn.network import event_edges, to_graph, node_metrics
>>> ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-03"]),
...     "source_name": ["China", "China", "Vietnam"], "source_country": ["CHN", "CHN", "VNM"],
...     "target_name": ["Vietnam", "Vietnam", "China"], "target_country": ["VNM", "VNM", "CHN"],
...     "goldstein": [-2.0, 1.0, 3.0]})
>>> e = event_edges(ev, as_of="2024-01-03")
>>> e[["source", "target", "n_events"]].values.tolist()
[['CHN', 'VNM', 2], ['VNM', 'CHN', 1]]
>>> float(node_metrics(to_graph(e)).set_index("node").loc["VNM", "in_strength"])
2.0
"""

from __future__ import annotations

from datetime import date
from itertools import combinations
from pathlib import Path

import networkx as nx
import pandas as pd

__all__ = [
    "comention_edges",
    "event_edges",
    "export_graph",
    "network_change",
    "node_metrics",
    "to_graph",
]

_EDGE_COLS = ["as_of", "kind", "source", "target", "weight", "n_events", "goldstein_mean"]


def _window(frame: pd.DataFrame, col: str, as_of: str | date, days: int) -> pd.DataFrame:
    ts = pd.to_datetime(frame[col], utc=True).dt.tz_localize(None).dt.floor("D")
    end = pd.Timestamp(as_of)
    return frame[(ts > end - pd.Timedelta(days=days)) & (ts <= end)]


def _node(name: pd.Series, country: pd.Series) -> pd.Series:
    return country.where(country.notna() & (country != ""), name)


def event_edges(events: pd.DataFrame, as_of: str | date, window_days: int = 30) -> pd.DataFrame:
    """Directed edges source -> target over the ``window_days`` up to ``as_of``.

    Nodes are ISO3 countries where known, else actor names; self-loops are dropped.
    ``weight`` is the number of events; ``goldstein_mean`` their mean Goldstein score.
    """
    ev = _window(events, "date", as_of, window_days)
    ev = ev.assign(
        source=_node(ev["source_name"], ev["source_country"]),
        target=_node(ev["target_name"], ev["target_country"]),
    )
    ev = ev[ev["source"].notna() & ev["target"].notna() & (ev["source"] != ev["target"])]
    g = ev.groupby(["source", "target"]).agg(
        n_events=("goldstein", "size"), goldstein_mean=("goldstein", "mean")
    )
    out = g.reset_index().assign(as_of=pd.Timestamp(as_of), kind="event")
    out["weight"] = out["n_events"].astype(float)
    return out[_EDGE_COLS].sort_values(["source", "target"], ignore_index=True)


def comention_edges(
    mentions: pd.DataFrame, articles: pd.DataFrame, as_of: str | date, window_days: int = 30
) -> pd.DataFrame:
    """Undirected country co-mention edges (``source < target``) over articles in the window."""
    arts = articles[articles["published"].notna()]
    arts = _window(arts, "published", as_of, window_days)[["article_id"]]
    m = mentions[(mentions["kind"] == "country") & mentions["country"].notna()].merge(
        arts, on="article_id"
    )
    pairs: dict[tuple[str, str], int] = {}
    for _, grp in m.groupby("article_id"):
        for a, b in combinations(sorted(set(grp["country"])), 2):
            pairs[(a, b)] = pairs.get((a, b), 0) + 1
    out = pd.DataFrame(
        [(a, b, n) for (a, b), n in sorted(pairs.items())], columns=["source", "target", "n_events"]
    )
    out = out.assign(
        as_of=pd.Timestamp(as_of),
        kind="comention",
        weight=out["n_events"].astype(float),
        goldstein_mean=float("nan"),
    )
    return out[_EDGE_COLS]


def to_graph(edges: pd.DataFrame, kind: str = "event") -> nx.Graph:
    """A networkx graph of one kind of edges (directed for events, undirected for co-mentions)."""
    e = edges[edges["kind"] == kind]
    graph: nx.Graph = nx.DiGraph() if kind == "event" else nx.Graph()
    for src, dst, weight, gold in zip(
        e["source"], e["target"], e["weight"].astype(float), e["goldstein_mean"], strict=True
    ):
        graph.add_edge(src, dst, weight=weight, goldstein=gold)
    return graph


def node_metrics(graph: nx.Graph) -> pd.DataFrame:
    """Per-node degree, strength (in/out for directed graphs), PageRank and betweenness."""
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(
            columns=["node", "degree", "in_strength", "out_strength", "pagerank", "betweenness"]
        )
    pr = nx.pagerank(graph, weight="weight")
    bt = nx.betweenness_centrality(graph, k=min(200, graph.number_of_nodes()), seed=0)
    directed = graph.is_directed()
    rows = []
    for n in graph.nodes:
        ins = graph.in_degree(n, weight="weight") if directed else graph.degree(n, weight="weight")
        outs = graph.out_degree(n, weight="weight") if directed else ins
        rows.append((n, graph.degree(n), float(ins), float(outs), pr[n], bt[n]))
    cols = ["node", "degree", "in_strength", "out_strength", "pagerank", "betweenness"]
    return pd.DataFrame(rows, columns=cols).sort_values(
        "pagerank", ascending=False, ignore_index=True
    )


def network_change(before: pd.DataFrame, after: pd.DataFrame, kind: str = "event") -> pd.DataFrame:
    """How each node's position changed between two edge sets: PageRank and strength deltas,
    and the Jaccard similarity of its neighbourhoods (1 = unchanged)."""
    ga, gb = to_graph(before, kind), to_graph(after, kind)
    ma = node_metrics(ga).set_index("node")
    mb = node_metrics(gb).set_index("node")
    nodes = sorted(set(ma.index) | set(mb.index))
    rows = []
    for n in nodes:
        na = set(nx.all_neighbors(ga, n)) if n in ga else set()
        nb = set(nx.all_neighbors(gb, n)) if n in gb else set()
        union = na | nb
        rows.append(
            {
                "node": n,
                "pagerank_before": float(ma["pagerank"].get(n, 0.0)),
                "pagerank_after": float(mb["pagerank"].get(n, 0.0)),
                "strength_before": float(
                    ma["in_strength"].get(n, 0.0) + ma["out_strength"].get(n, 0.0)
                ),
                "strength_after": float(
                    mb["in_strength"].get(n, 0.0) + mb["out_strength"].get(n, 0.0)
                ),
                "neighbour_jaccard": len(na & nb) / len(union) if union else 1.0,
            }
        )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["pagerank_delta"] = out["pagerank_after"] - out["pagerank_before"]
    return out.sort_values("pagerank_delta", key=abs, ascending=False, ignore_index=True)


def export_graph(graph: nx.Graph, path: str | Path) -> Path:
    """Write ``graph`` as GEXF (``.gexf``) or GraphML (``.graphml``) for Gephi and friends."""
    p = Path(path)
    clean = graph.copy()
    for _, _, data in clean.edges(data=True):
        for k, v in list(data.items()):
            if v is None or (isinstance(v, float) and v != v):
                data[k] = 0.0
    if p.suffix == ".gexf":
        nx.write_gexf(clean, p)
    elif p.suffix == ".graphml":
        nx.write_graphml(clean, p)
    else:
        raise ValueError(f"{p}: use a .gexf or .graphml file name")
    return p
