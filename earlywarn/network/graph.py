"""Graphs from edge frames, node metrics, Louvain communities and the focal ego network.

Examples
--------
>>> import pandas as pd
>>> e = pd.DataFrame({"kind": ["event", "event", "comention"],
...     "source": ["CHN", "PER:VNM:pham-binh-minh", "ORG:ASEAN"],
...     "target": ["VNM", "CHN", "VNM"], "weight": [2.0, 1.0, 3.0],
...     "n_events": [2, 1, 3], "goldstein_mean": [1.0, 3.0, float("nan")]})
>>> g = to_graph(e, "all")
>>> sorted(g["CHN"]["VNM"].items())
[('goldstein', 1.0), ('n_articles', 0), ('n_events', 2), ('weight', 2.0)]
>>> ego_metrics(g, "VNM")[["node", "strength", "n_events", "n_articles"]].values.tolist()
[['ORG:ASEAN', 3.0, 0, 3], ['CHN', 3.0, 3, 0]]
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from earlywarn.network.actors import node_country, node_table

__all__ = [
    "communities",
    "ego_metrics",
    "ego_network",
    "network_change",
    "node_metrics",
    "party",
    "to_graph",
]


def to_graph(edges: pd.DataFrame, kind: str = "event") -> nx.Graph:
    """A networkx graph of the edges of one ``kind``.

    ``"event"`` gives a directed graph, ``"comention"`` an undirected one and ``"all"``
    one undirected graph where ``weight`` adds the events (either way) and the articles
    naming both ends, kept apart as ``n_events`` and ``n_articles``.
    """
    if kind != "all":
        e = edges[edges["kind"] == kind]
        graph: nx.Graph = nx.DiGraph() if kind == "event" else nx.Graph()
        for src, dst, weight, gold in zip(
            e["source"], e["target"], e["weight"].astype(float), e["goldstein_mean"], strict=True
        ):
            graph.add_edge(src, dst, weight=weight, goldstein=gold)
        return graph
    graph = nx.Graph()
    for src, dst, k, n, gold in zip(
        edges["source"],
        edges["target"],
        edges["kind"],
        edges["n_events"],
        edges["goldstein_mean"],
        strict=True,
    ):
        if src == dst:
            continue
        if not graph.has_edge(src, dst):
            graph.add_edge(src, dst, weight=0.0, n_events=0, n_articles=0, goldstein=float("nan"))
        data = graph[src][dst]
        data["weight"] += float(n)
        if k == "event":
            prev = data["n_events"]
            if pd.notna(gold):
                g0 = data["goldstein"]
                data["goldstein"] = (
                    float(gold) if pd.isna(g0) else (g0 * prev + float(gold) * n) / (prev + n)
                )
            data["n_events"] = prev + int(n)
        else:
            data["n_articles"] += int(n)
    return graph


def node_metrics(graph: nx.Graph) -> pd.DataFrame:
    """Per-node degree, strength (in/out for directed graphs), PageRank and betweenness."""
    cols = ["node", "degree", "in_strength", "out_strength", "pagerank", "betweenness"]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=cols)
    pr = nx.pagerank(graph, weight="weight")
    bt = nx.betweenness_centrality(graph, k=min(200, graph.number_of_nodes()), seed=0)
    directed = graph.is_directed()
    rows = []
    for n in graph.nodes:
        ins = graph.in_degree(n, weight="weight") if directed else graph.degree(n, weight="weight")
        outs = graph.out_degree(n, weight="weight") if directed else ins
        rows.append((n, graph.degree(n), float(ins), float(outs), pr[n], bt[n]))
    return pd.DataFrame(rows, columns=cols).sort_values(
        "pagerank", ascending=False, ignore_index=True
    )


def network_change(before: pd.DataFrame, after: pd.DataFrame, kind: str = "event") -> pd.DataFrame:
    """How each node's position changed between two edge sets: PageRank and strength deltas,
    and the Jaccard similarity of its neighbourhoods (1 = unchanged)."""
    ga, gb = to_graph(before, kind), to_graph(after, kind)
    ma = node_metrics(ga).set_index("node")
    mb = node_metrics(gb).set_index("node")
    rows = []
    for n in sorted(set(ma.index) | set(mb.index)):
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


def communities(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> pd.DataFrame:
    """Louvain communities (``networkx``), numbered by size (0 = largest), reproducible
    for a given ``seed``: ``node, community``.

    Examples
    --------
    >>> g = nx.barbell_graph(4, 0)
    >>> communities(g).groupby("community")["node"].apply(sorted).tolist()
    [[0, 1, 2, 3], [4, 5, 6, 7]]
    """
    if graph.number_of_nodes() == 0:
        return pd.DataFrame({"node": [], "community": []})
    und = graph.to_undirected() if graph.is_directed() else graph
    parts = nx.community.louvain_communities(und, weight="weight", resolution=resolution, seed=seed)
    parts = sorted(parts, key=lambda c: (-len(c), min(map(str, c))))
    rows = [(n, i) for i, members in enumerate(parts) for n in sorted(members, key=str)]
    return pd.DataFrame(rows, columns=["node", "community"])


def party(node: str) -> str:
    """The side a node acts for: its country (``PER:VNM:x`` -> ``VNM``), else itself
    (``ORG:ASEAN``)."""
    return node_country(node) or node


def ego_network(graph: nx.Graph, focal: str) -> nx.Graph:
    """The focal country's ego network: every node of the focal country (the country,
    its persons and organisations) and their direct neighbours, with the edges among them."""
    own = [n for n in graph.nodes if party(str(n)) == focal]
    keep = set(own)
    for n in own:
        keep.update(nx.all_neighbors(graph, n))
    return graph.subgraph(keep).copy()


def ego_metrics(graph: nx.Graph, focal: str, *, seed: int = 0) -> pd.DataFrame:
    """The focal country's counterparts, strongest tie first.

    One row per node outside the focal country tied to one of its nodes: ``node, kind,
    country, label_en, label_vi, strength`` (events + articles), ``n_events``,
    ``n_articles``, ``community`` (Louvain on the whole ``graph``) and ``same_community``
    (whether it shares the focal country node's community).
    """
    cols = [
        "node",
        "kind",
        "country",
        "label_en",
        "label_vi",
        "strength",
        "n_events",
        "n_articles",
        "community",
        "same_community",
    ]
    und = graph.to_undirected() if graph.is_directed() else graph
    ties: dict[str, list[float]] = {}
    for u, v, d in und.edges(data=True):
        pu, pv = party(str(u)), party(str(v))
        if (pu == focal) == (pv == focal):
            continue
        other = v if pu == focal else u
        row = ties.setdefault(str(other), [0.0, 0, 0])
        row[0] += float(d.get("weight", 1.0))
        row[1] += int(d.get("n_events", d.get("weight", 0)) or 0)
        row[2] += int(d.get("n_articles", 0) or 0)
    if not ties:
        return pd.DataFrame(columns=cols)
    comm = communities(und, seed=seed).set_index("node")["community"]
    focal_comm = comm.get(focal)
    out = node_table(list(ties))
    out["strength"] = [ties[n][0] for n in out["node"]]
    out["n_events"] = [int(ties[n][1]) for n in out["node"]]
    out["n_articles"] = [int(ties[n][2]) for n in out["node"]]
    out["community"] = [int(comm.get(n, -1)) for n in out["node"]]
    out["same_community"] = (out["community"] == focal_comm) if focal_comm is not None else False
    return out.sort_values(["strength", "node"], ascending=[False, False], ignore_index=True)[cols]
