"""Write a network slice as GEXF or GraphML (``networkx`` writers) for Gephi and friends."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pandas as pd

from earlywarn._atomic import write_atomic
from earlywarn.errors import UsageError, output_file
from earlywarn.network.actors import node_table

__all__ = ["FORMATS", "export_graph"]

#: File formats :func:`export_graph` writes, by name and file suffix.
FORMATS = {"gexf": ".gexf", "graphml": ".graphml"}


def export_graph(graph: nx.Graph, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``graph`` with node attributes ``kind, country, label_en, label_vi``.

    ``fmt`` is ``"gexf"`` or ``"graphml"``; by default the file suffix decides. Missing
    values (``None``, NaN) are written as empty strings or 0.0, which both formats accept.

    Examples
    --------
    >>> import tempfile, networkx as nx
    >>> g = nx.Graph(); g.add_edge("VNM", "ORG:ASEAN", weight=2.0)
    >>> p = export_graph(g, tempfile.mkdtemp() + "/g.graphml")
    >>> nx.read_graphml(p).nodes["ORG:ASEAN"]["kind"]
    'org'
    """
    p = output_file(path, "network.gexf")  # a folder was an IsADirectoryError (70)
    fmt = fmt or next((k for k, s in FORMATS.items() if p.suffix == s), None)
    if fmt not in FORMATS:
        raise UsageError(f"{p}: choose --format gexf or graphml (or a .gexf/.graphml file name)")
    clean = graph.copy()
    attrs = node_table(list(clean.nodes)).set_index("node").to_dict("index")
    for n, data in clean.nodes(data=True):
        for col in ("kind", "country", "label_en", "label_vi"):
            v = attrs[str(n)][col]
            data[col] = "" if v is None or pd.isna(v) else str(v)
        data["label"] = data["label_en"]
    for _, _, data in clean.edges(data=True):
        for k, v in list(data.items()):
            if v is None or (isinstance(v, float) and v != v):
                data[k] = 0.0
    buf = io.BytesIO()
    if fmt == "gexf":
        nx.write_gexf(clean, buf)
    else:
        nx.write_graphml(clean, buf)
    write_atomic(p, buf.getvalue())
    return p
