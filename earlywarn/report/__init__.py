"""The HTML report: one self-contained file (Jinja2 + Plotly, plotly.js inlined, offline).

Examples
--------
>>> from earlywarn.report import safe_url
>>> safe_url("data:text/html,x") is None
True
"""

from __future__ import annotations

from earlywarn.report.html import plain_text, render_report, safe_url

__all__ = ["plain_text", "render_report", "safe_url"]
