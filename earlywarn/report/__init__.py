"""The HTML report: one file per night (Jinja2 + Plotly), and the figures it shares with the
review page (:mod:`earlywarn.report.charts`).

A report with charts loads ``plotly-<version>.min.js`` and ``charts.js`` from its own folder
(written there once); a report without charts loads no script. Nothing is fetched from
elsewhere.

Examples
--------
>>> from earlywarn.report import safe_url
>>> safe_url("data:text/html,x") is None
True
"""

from __future__ import annotations

from earlywarn.report._text import plain_text, safe_url
from earlywarn.report.html import render_report

__all__ = ["plain_text", "render_report", "safe_url"]
