"""Actor networks around the focal country: nodes, slices, communities, ego metrics, series.

One function per step, graphs in and plain frames out (networkx style). Nodes are
countries, persons and organisations (:mod:`earlywarn.network.actors`), from coded events
and from articles naming them together.

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

from earlywarn.network.actors import node_label, node_table, resolve_actor
from earlywarn.network.edges import comention_edges, event_edges, parse_window
from earlywarn.network.export import export_graph
from earlywarn.network.figure import ego_figure
from earlywarn.network.graph import (
    communities,
    ego_metrics,
    ego_network,
    network_change,
    node_metrics,
    to_graph,
)
from earlywarn.network.series import community_churn, tie_series
from earlywarn.network.shift import tie_shift
from earlywarn.network.slices import archive_slice, slice_edges

__all__ = [
    "archive_slice",
    "comention_edges",
    "communities",
    "community_churn",
    "ego_figure",
    "ego_metrics",
    "ego_network",
    "event_edges",
    "export_graph",
    "network_change",
    "node_label",
    "node_metrics",
    "node_table",
    "parse_window",
    "resolve_actor",
    "slice_edges",
    "tie_series",
    "tie_shift",
    "to_graph",
]
