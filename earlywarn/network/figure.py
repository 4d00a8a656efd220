"""The focal country's ego network as a Plotly figure (report and review page).

Nodes are placed by a seeded spring layout (the same slice draws the same picture),
sized by their tie with the focal country and coloured by Louvain community; the
hover text says what each node is and how many events and articles tie it.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
from markupsafe import Markup

from earlywarn.network.graph import ego_metrics, ego_network, party, to_graph

__all__ = ["ego_figure"]

_PALETTE = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#6b7280"]
_SYMBOL = {"country": "circle", "person": "diamond", "org": "square"}


def ego_figure(edges: pd.DataFrame, focal: str, *, locale: str = "en", top: int = 25) -> Markup:
    """The ego network of ``focal`` in an edge slice, as figure JSON for ``charts.js``.

    Shows the focal country's own nodes and its ``top`` strongest counterparts; empty
    ``Markup`` when the focal country has no tie in the slice.

    Examples
    --------
    >>> import pandas as pd
    >>> e = pd.DataFrame({"kind": ["event", "comention"], "source": ["CHN", "ORG:ASEAN"],
    ...     "target": ["VNM", "VNM"], "weight": [2.0, 1.0], "n_events": [2, 1],
    ...     "goldstein_mean": [1.0, float("nan")]})
    >>> import json
    >>> json.loads(ego_figure(e, "VNM", locale="vi"))["data"][1]["text"]
    ['Trung Quốc', 'Việt Nam', 'ASEAN']
    >>> ego_figure(e.iloc[:0], "VNM")
    Markup('')
    """
    import plotly.graph_objects as go

    from earlywarn.i18n import translations
    from earlywarn.report.charts import _LAYOUT, figure_json, label

    tr = translations(locale).gettext
    ngettext = translations(locale).ngettext
    graph = to_graph(edges, "all") if not edges.empty else nx.Graph()
    metrics = ego_metrics(graph, focal)
    if metrics.empty:
        return Markup("")
    ego = ego_network(graph, focal)
    others = set(metrics["node"].head(top))
    own = sorted(
        (n for n in ego.nodes if party(str(n)) == focal),
        key=lambda n: -sum(d.get("weight", 1.0) for m, d in ego[n].items() if m in others),
    )
    keep_own = {focal} | {n for n in own[: max(3, top // 3)] if set(ego[n]) & others}
    sub = ego.subgraph((others | keep_own) & set(ego.nodes))
    labelled = set(metrics["node"].head(12)) | {focal}
    pos = nx.spring_layout(sub, weight="weight", seed=0, k=1.5 / max(1, len(sub)) ** 0.5)
    vi = str(locale).startswith("vi")
    info = metrics.set_index("node")
    focal_comm = (
        int(metrics.loc[metrics["same_community"], "community"].iloc[0])
        if metrics["same_community"].any()
        else -1
    )
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for u, v in sub.edges:
        edge_x += [pos[u][0], pos[v][0], None]
        edge_y += [pos[u][1], pos[v][1], None]
    traces = [
        go.Scatter(
            x=edge_x, y=edge_y, mode="lines", line={"width": 0.7, "color": "#cbd5e1"},
            hoverinfo="skip", showlegend=False,
        )
    ]  # fmt: skip
    from earlywarn.network.actors import node_kind, node_label

    kinds = {"country": tr("country"), "person": tr("person"), "org": tr("organisation")}
    xs, ys, texts, hovers, sizes, colours, symbols = [], [], [], [], [], [], []
    for n in sub.nodes:
        n = str(n)
        name = label(node_label(n, "vi" if vi else "en"), 40)
        kind = node_kind(n)
        if n in info.index:
            row = info.loc[n].to_dict()
            strength = float(row["strength"])
            comm = int(row["community"])
            ne, na = int(row["n_events"]), int(row["n_articles"])
            how = (
                ngettext("%(num)s event", "%(num)s events", ne) % {"num": ne}
                + ", "
                + ngettext("%(num)s article with %(focal)s", "%(num)s articles with %(focal)s", na)
                % {"num": na, "focal": label(node_label(focal, "vi" if vi else "en"), 40)}
            )
        else:
            strength = float(sub.degree(n, weight="weight"))
            comm = focal_comm
            how = tr("focal country")
        xs.append(float(pos[n][0]))
        ys.append(float(pos[n][1]))
        texts.append(name if n in labelled else "")
        hovers.append(f"{name} ({kinds[kind]})<br>{how}")
        sizes.append(10 + 30 * min(1.0, (strength / max(1.0, info["strength"].max())) ** 0.5))
        colours.append(_PALETTE[comm % len(_PALETTE)] if comm >= 0 else "#6b7280")
        symbols.append(_SYMBOL[kind])
    traces.append(
        go.Scatter(
            x=xs, y=ys, mode="markers+text", text=texts, textposition="top center",
            hovertext=hovers, hoverinfo="text", showlegend=False,
            marker={"size": sizes, "color": colours, "symbol": symbols,
                    "line": {"width": 1, "color": "#ffffff"}},
            textfont={"size": 10},
        )
    )  # fmt: skip
    fig = go.Figure(traces, layout=_LAYOUT)
    title = tr(
        "Ties of %(country)s (colour: community; circle country, diamond person, "
        "square organisation)"
    ) % {"country": label(node_label(focal, locale), 40)}
    fig.update_layout(
        title={"text": title, "font": {"size": 13}},
        height=460,
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return figure_json(fig)
