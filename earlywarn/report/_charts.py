"""Plotly figures for the report, returned as HTML fragments (plotly.js is inlined once)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = ["bar_chart", "evidence_chart", "figure_html", "line_chart"]

_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}
_LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 48, "r": 16, "t": 36, "b": 36},
    "height": 300,
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    "legend": {"orientation": "h", "y": -0.2},
}


def figure_html(fig: go.Figure, div_id: str) -> str:
    """The figure as a ``<div>`` + inline script, without plotly.js and without any URL."""
    fig.update_layout(**_LAYOUT)
    return str(
        fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=div_id,
            config=_CONFIG,
        )
    )


def evidence_chart(evidence: dict[str, Any], div_id: str) -> str:
    """Series, forecast band (q05..q95), forecast median and the anomalous periods."""
    pts = pd.DataFrame(evidence.get("series") or [], columns=["ds", "y"])
    fig = go.Figure()
    band = pd.DataFrame(evidence.get("forecast_band") or [])
    if not band.empty and {"q05", "q95"} <= set(band.columns):
        band = band.dropna(subset=["q05", "q95"])
        fig.add_trace(
            go.Scatter(
                x=band["ds"],
                y=band["q95"],
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=band["ds"],
                y=band["q05"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(37,99,235,0.15)",
                name="forecast 90% band",
            )
        )
        mid = "q50" if "q50" in band and band["q50"].notna().any() else "yhat"
        if mid in band:
            fig.add_trace(
                go.Scatter(
                    x=band["ds"],
                    y=band[mid],
                    mode="lines",
                    line={"dash": "dot", "color": "#2563eb"},
                    name="forecast",
                )
            )
    fig.add_trace(
        go.Scatter(
            x=pts["ds"],
            y=pts["y"],
            mode="lines+markers",
            marker={"size": 4},
            line={"color": "#111827"},
            name="observed",
        )
    )
    marked = set(evidence.get("anomalous_periods") or [evidence.get("ds")])
    hit = pts[pts["ds"].isin(marked)]
    if not hit.empty:
        fig.add_trace(
            go.Scatter(
                x=hit["ds"],
                y=hit["y"],
                mode="markers",
                name="anomaly",
                marker={"size": 11, "color": "#dc2626", "symbol": "diamond"},
            )
        )
    fig.update_layout(title={"text": evidence.get("label", ""), "font": {"size": 13}})
    return figure_html(fig, div_id)


def line_chart(
    frame: pd.DataFrame, x: str, y: str, title: str, div_id: str, color: str = "#2563eb"
) -> str:
    """A single line chart."""
    fig = go.Figure(
        go.Scatter(
            x=frame[x],
            y=frame[y],
            mode="lines+markers",
            marker={"size": 4},
            line={"color": color},
            name=y,
        )
    )
    fig.update_layout(title={"text": title, "font": {"size": 13}})
    return figure_html(fig, div_id)


def bar_chart(labels: list[str], values: list[float], title: str, div_id: str) -> str:
    """A horizontal bar chart, largest on top."""
    fig = go.Figure(
        go.Bar(x=values[::-1], y=labels[::-1], orientation="h", marker={"color": "#2563eb"})
    )
    fig.update_layout(
        title={"text": title, "font": {"size": 13}}, height=max(220, 28 * len(labels) + 80)
    )
    return figure_html(fig, div_id)
