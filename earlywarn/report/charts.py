"""The Plotly figures of the report and the review page, as JSON for ``static/charts.js``.

One module for both views of the same data: the HTML report and the review web page
place each figure in a ``<script type="application/json">`` block that ``charts.js``
draws with Plotly, so neither needs an inline script (their Content-Security-Policy
allows scripts from their own folder or server only).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from markupsafe import Markup

from earlywarn.report._text import plain_text

__all__ = ["evidence_figure", "figure_json", "focal_figures", "label", "trend_figure"]

_LAYOUT: dict[str, Any] = {
    "template": "plotly_white",
    "margin": {"l": 48, "r": 16, "t": 40, "b": 36},
    "height": 320,
    "font": {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 12},
    "legend": {"orientation": "h", "y": -0.18},
}
_BAR_MS = {u: d * 86_400_000 * 0.8 for u, d in (("day", 1), ("week", 7), ("month", 30))}
_PALETTE = ["#2563eb", "#d97706", "#059669", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#6b7280"]


def figure_json(fig: go.Figure) -> Markup:
    """The figure as JSON safe to place inside ``<script type="application/json">``.

    Examples
    --------
    >>> import plotly.graph_objects as go
    >>> "</script>" in figure_json(go.Figure(layout={"title": {"text": "</script>"}}))
    False
    """
    text = str(fig.to_json(validate=False, engine="json"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def label(value: Any, limit: int = 40) -> str:
    """Text for a Plotly label: tags stripped, then escaped (Plotly reads ``<b>``, ``<a>``).

    Examples
    --------
    >>> label("<b>evil</b> &lt;a href=x&gt;")
    'evil &lt;a href=x&gt;'
    """
    return html.escape(plain_text(value, limit), quote=False)


def _figure(*traces: Any) -> go.Figure:
    return go.Figure(list(traces), layout=_LAYOUT)


def _english(locale: str | None) -> bool:
    return (locale or "en").lower().startswith("en")


def _separators(locale: str | None) -> str:
    """Plotly's ``separators`` (decimal mark, then thousands) for ``locale``, from CLDR:
    axis ticks and hover numbers read ``-0,5`` and ``1.234`` in Vietnamese.

    Examples
    --------
    >>> _separators("vi"), _separators("en")
    (',.', '.,')
    """
    from babel.numbers import get_decimal_symbol, get_group_symbol

    loc = locale or "en"
    return get_decimal_symbol(loc) + get_group_symbol(loc)


def _tr(locale: str) -> Any:
    from earlywarn.i18n import translations

    return translations(locale).gettext


def evidence_figure(evidence: dict[str, Any], locale: str = "en") -> Markup:
    """Observed series, forecast band (q05..q95) and median, and the anomalous periods
    (legend in ``locale``)."""
    tr = _tr(locale)
    pts = pd.DataFrame(evidence.get("series") or [], columns=["ds", "y"])
    fig = _figure()
    band = pd.DataFrame(evidence.get("forecast_band") or [])
    if not band.empty and {"q05", "q95"} <= set(band.columns):
        band = band.dropna(subset=["q05", "q95"])
        fig.add_trace(
            go.Scatter(
                x=band["ds"], y=band["q95"], mode="lines", line={"width": 0},
                showlegend=False, hoverinfo="skip",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=band["ds"], y=band["q05"], mode="lines", line={"width": 0}, fill="tonexty",
                fillcolor="rgba(37,99,235,0.15)", name=tr("forecast 90% band"),
            )
        )  # fmt: skip
        mid = "q50" if "q50" in band and band["q50"].notna().any() else "yhat"
        if mid in band:
            fig.add_trace(
                go.Scatter(
                    x=band["ds"], y=band[mid], mode="lines",
                    line={"dash": "dot", "color": "#2563eb"}, name=tr("forecast"),
                )
            )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=pts["ds"], y=pts["y"], mode="lines+markers", marker={"size": 4},
            line={"color": "#111827"}, name=tr("observed"),
        )
    )  # fmt: skip
    marked = set(evidence.get("anomalous_periods") or [evidence.get("ds")])
    hit = pts[pts["ds"].isin(marked)]
    if not hit.empty:
        fig.add_trace(
            go.Scatter(
                x=hit["ds"], y=hit["y"], mode="markers", name=tr("anomaly"),
                marker={"size": 11, "color": "#dc2626", "symbol": "diamond"},
            )
        )  # fmt: skip
    fig.update_layout(title={"text": label(evidence.get("label"), 120), "font": {"size": 13}})
    if not _english(locale):  # Plotly names months in English only (no locale is bundled)
        fig.update_xaxes(tickformat="%d/%m/%Y", hoverformat="%d/%m/%Y")
    fig.update_layout(separators=_separators(locale))
    return figure_json(fig)


def trend_figure(
    series: list[dict[str, Any]], band: list[dict[str, Any]], title: str, locale: str = "en"
) -> Markup:
    """Observed points and the forecast's median and 90% band (the watch list's charts)."""
    return evidence_figure(
        {"series": series, "forecast_band": band, "label": title, "anomalous_periods": ["-"]},
        locale,
    )


def _period(published: pd.Series) -> tuple[pd.Series, str]:
    when = pd.to_datetime(published, utc=True).dt.tz_localize(None)
    span = (when.max() - when.min()) if when.notna().any() else pd.Timedelta(0)
    if span > pd.Timedelta(days=730):
        return when.dt.to_period("M").dt.start_time, "month"
    if span > pd.Timedelta(days=90):
        return when.dt.to_period("W-SUN").dt.start_time, "week"
    return when.dt.normalize(), "day"


def focal_figures(articles: pd.DataFrame, top: int = 8, locale: str = "en") -> dict[str, Markup]:
    """Charts of the focal view: articles over time by language and by outlet, tone over time.

    ``articles`` has ``published``, ``language``, ``outlet`` and ``tone`` (may be NaN);
    titles and legends in ``locale``.
    """
    from earlywarn.i18n import N_, translations

    tr = _tr(locale)
    whats = {"language": N_("language"), "outlet": N_("outlet")}
    if articles.empty or articles["published"].isna().all():
        return {}
    arts = articles.dropna(subset=["published"]).copy()
    arts["period"], unit = _period(arts["published"])
    out: dict[str, Markup] = {}
    periods = arts["period"].dropna().unique()
    xaxis: dict[str, Any] = {
        "tickformat": ("%b %Y" if _english(locale) else "%m/%Y") if unit == "month" else "%Y-%m-%d",
        "type": "date",
    }
    if len(periods) == 1:  # one period: a readable range instead of milliseconds
        mid = pd.Timestamp(periods[0])
        xaxis["range"] = [mid - pd.Timedelta(days=3), mid + pd.Timedelta(days=3)]
    from earlywarn.labels import language_name

    for col in ("language", "outlet"):
        keys = arts[col].fillna(tr(N_("unknown"))).astype(str)
        if col == "language":
            keys = keys.map(lambda c: language_name(c, locale) or c)
        keep = keys.value_counts().head(top).index
        arts["_k"] = keys.where(keys.isin(keep), tr(N_("other")))
        table = arts.groupby(["period", "_k"]).size().unstack(fill_value=0).sort_index()
        fig = _figure()
        order = table.sum().sort_values(ascending=False).index
        for i, key in enumerate(order):
            fig.add_trace(
                go.Bar(
                    x=table.index, y=table[key], name=label(key), width=_BAR_MS[unit],
                    marker={"color": _PALETTE[i % len(_PALETTE)]},
                )
            )  # fmt: skip
        fig.update_layout(
            barmode="stack",
            xaxis=xaxis,
            title={
                "text": tr("Articles per %(period)s, by %(what)s")
                % {"period": tr(unit), "what": tr(whats[col])},
                "font": {"size": 13},
            },
            height=360,
            separators=_separators(locale),
        )
        out[col] = figure_json(fig)
    tone = arts.dropna(subset=["tone"])
    if not tone.empty:
        g = tone.groupby("period")["tone"].agg(["mean", "size"]).sort_index()
        ngettext = translations(locale).ngettext
        counts = [
            ngettext("%(num)s article", "%(num)s articles", int(n)) % {"num": int(n)}
            for n in g["size"]
        ]
        fig = _figure(
            go.Scatter(
                x=g.index, y=g["mean"], mode="lines+markers", line={"color": "#b45309"},
                customdata=counts, name=tr("mean tone"),
                hovertemplate="%{x|%Y-%m-%d}: %{y:.2f} (%{customdata})<extra></extra>",
            )
        )  # fmt: skip
        fig.add_hline(y=0, line={"color": "#9ca3af", "width": 1})
        fig.update_layout(
            title={
                "text": tr("Mean tone per %(period)s (−1..1)") % {"period": tr(unit)},
                "font": {"size": 13},
            },
            height=360,
            yaxis={"range": [-1, 1]},
            xaxis=xaxis,
            separators=_separators(locale),
        )
        out["tone"] = figure_json(fig)
    return out
