"""The track record section (the ledger's skill tables), shared by the report and the review page.

Examples
--------
>>> import pandas as pd
>>> html = track_section({"forecasts": pd.DataFrame({"model": ["naive"], "n": [4],
...     "crps": [2.0], "crps_rel": [1.0], "coverage90": [0.75], "brier": [0.1]})})
>>> "naive" in html and "75%" in html
True
"""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["track_rows", "track_section"]

_KEYS = ("forecasts", "monthly", "series", "alerts")


def track_rows(track: dict[str, pd.DataFrame] | None) -> dict[str, list[dict[str, Any]]]:
    """The ledger's skill tables (:func:`earlywarn.ledger.track_record`) as template rows:
    NaN as None, months as ``YYYY-MM``."""
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in _KEYS}
    for key in out:
        frame = (track or {}).get(key)
        if frame is None or not len(frame):
            continue
        frame = frame.copy()
        if "period" in frame and pd.api.types.is_datetime64_any_dtype(frame["period"]):
            frame["period"] = frame["period"].dt.strftime("%Y-%m")
        clean = frame.astype(object).where(frame.notna(), None)
        out[key] = [{str(k): v for k, v in r.items()} for r in clean.to_dict("records")]
    return out


def track_section(track: dict[str, pd.DataFrame] | None, locale: str = "en") -> Any:
    """The "Track record" section as HTML (``markupsafe.Markup``), in ``locale``."""
    import jinja2
    from markupsafe import Markup

    from earlywarn.report._templates import report_env

    env = report_env(locale, jinja2.ChainableUndefined)
    return Markup(env.get_template("track.html.j2").render(t=track_rows(track)))
