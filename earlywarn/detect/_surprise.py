"""Forecast surprise: how improbable each month was under a calibrated one-step forecast,
accumulated over months and combined over a country's conflict series.

For every month ``t`` of every monthly conflict series (event counts of a conflict class
and deaths, as :func:`~earlywarn.detect._onset.onset_series` selects them), the pooled
quantile forecaster that beats the last value (the shipped ``ensemble``: global_gb and
global_nb averaged 3:1, :func:`earlywarn.forecast.rolling.default_surprise_model`) gives
the predictive distribution of ``y[t]`` from a model refitted once a year on earlier months
only (:func:`earlywarn.forecast.rolling.rolling_quantiles`). The observed count's
upper-tail probability (mid-p, interpolated between the 19 quantiles on the ``log1p``
scale, an exponential tail beyond the top one) becomes a normal score ``z``; a country's
series are combined each month (Stouffer: ``sum z / sqrt(n)``, or Fisher), and a one-sided
CUSUM accumulates the combined score: ``C_t = max(0, C_{t-1} + Z_t - reference)``. The
country's ``C`` is written on one series of the country (the anchor of
:class:`~earlywarn.detect.OnsetRisk`), so one country episode raises one alert.

Measured with ``earlywarn eval alerts`` (row ``forecast_surprise``; threshold for 0.015 false
alerts per country-year on the tuning half): tuning half 5 of 15 onsets caught with lead >= 0
at precision 0.39 (5/15, 0.33 leave-one-country-out), held-aside half 3/14 at 0.13, both below
the shipped rules (7/15 at 0.55; 3/14 at 0.27): no shipped rule uses it
(``experiments/RESULTS.md``).

With ``window=w`` the score of month ``t`` judges the sum of months ``t-w+1 .. t`` against
the predictive distribution of that sum made at ``t-w``, before any of them (a direct
pooled model of the sum), so a rise over several months is not followed month by month.
Two months without a CUSUM (:data:`WINDOW`, :data:`WINDOW_THRESHOLD`; row
``window_surprise``): tuning half 5/15 at precision 0.55 (5/15 at 0.50
leave-one-country-out), still below the shipped rules there; its held-aside half was not
read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from earlywarn.detect._base import BaseDetector, infer_freq
from earlywarn.detect._onset import onset_series
from earlywarn.errors import ConfigError
from earlywarn.series.kinds import series_kind

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "WINDOW",
    "WINDOW_THRESHOLD",
    "ForecastSurprise",
    "country_cusum",
    "upper_tail_p",
    "window_sums",
]

#: The default threshold on the CUSUM: on the tuning half of the African crisis series, the
#: lowest reaching 0.015 false alerts per country-year (the shipped rules' budget), with
#: ``reference=1.0`` and Stouffer's combination (``experiments/forecast_surprise/``).
THRESHOLD = 2.5

#: The multi-month variant chosen on the tuning half (``experiments/forecast_surprise/
#: window.py``): the last ``WINDOW`` months' sum against the forecast of that sum made before
#: them, a country's series combined (Stouffer), no CUSUM (``reference=None``), alert at a
#: combined ``Z`` of ``WINDOW_THRESHOLD`` (0.015 false alerts per country-year or fewer on
#: the tuning half): ``ForecastSurprise(window=WINDOW, reference=None,
#: threshold=WINDOW_THRESHOLD)``.
WINDOW = 2
WINDOW_THRESHOLD = 3.0

_Z_CAP = 8.0


def upper_tail_p(
    y: np.ndarray, quantiles: np.ndarray, levels: np.ndarray, floor: float = 0.1
) -> np.ndarray:
    """Mid-p upper-tail probability ``P(Y > y) + P(Y = y) / 2`` of counts ``y`` under
    predictive quantiles (rows), interpolated linearly on the ``log1p`` scale.

    Beyond the top quantile the tail is exponential on the ``log1p`` scale, its scale set
    by the spacing of the top quantile and the one 0.2 below it (never under ``floor``);
    below the bottom quantile likewise. Tied quantiles (a mass at 0) are read as a step
    of the distribution function.

    Examples
    --------
    >>> lv = np.array([0.05, 0.25, 0.5, 0.75, 0.95])
    >>> q = np.array([[2.0, 5, 8, 12, 20]] * 3)
    >>> p = upper_tail_p(np.array([8.0, 20.0, 200.0]), q, lv)
    >>> bool(0.4 < p[0] < 0.6), bool(0.03 < p[1] < 0.07), bool(p[2] < 1e-4)
    (True, True, True)
    """
    y = np.asarray(y, float)
    g = np.log1p(np.clip(np.sort(np.asarray(quantiles, float), axis=1), 0, None))
    levels = np.asarray(levels, float)
    top, bot = len(levels) - 1, 0
    below = int(np.argmin(np.abs(levels - (levels[-1] - 0.2))))
    above = int(np.argmin(np.abs(levels - (levels[0] + 0.2))))
    hi_scale = np.maximum(
        (g[:, top] - g[:, below]) / np.log((1 - levels[below]) / (1 - levels[top])), floor
    )
    lo_scale = np.maximum((g[:, above] - g[:, bot]) / np.log(levels[above] / levels[bot]), floor)

    def cdf(x: np.ndarray) -> np.ndarray:
        out = np.empty(len(x))
        for i, (xi, row) in enumerate(zip(x, g, strict=True)):
            if not np.isfinite(xi):
                out[i] = 0.0
            elif xi > row[top]:
                out[i] = 1 - (1 - levels[top]) * np.exp(-(xi - row[top]) / hi_scale[i])
            elif xi < row[bot]:
                out[i] = levels[bot] * np.exp((xi - row[bot]) / lo_scale[i])
            else:
                # right-continuous: the highest level whose quantile is at or below xi
                j = int(np.searchsorted(row, xi, side="right")) - 1
                if j >= top or row[j + 1] == row[j]:
                    out[i] = levels[min(j, top)]
                else:
                    w = (xi - row[j]) / (row[j + 1] - row[j])
                    out[i] = levels[j] + w * (levels[j + 1] - levels[j])
        return out

    with np.errstate(invalid="ignore", divide="ignore"):
        at = cdf(np.log1p(y))
        prev = cdf(np.where(y >= 1, np.log1p(y - 1), -np.inf))
    return np.clip(1.0 - 0.5 * (at + prev), 1e-300, 1.0)


def country_cusum(
    z: pd.DataFrame, reference: float = 1.0, combine: str = "stouffer"
) -> pd.DataFrame:
    """Combine per-series normal scores per ``(country, ds)`` and run a one-sided CUSUM.

    ``z``: columns ``country, ds, z``. Returns ``country, ds, Z, cusum``.

    Examples
    --------
    >>> z = pd.DataFrame({"country": "MLI", "ds": pd.date_range("2020-01-01", periods=4,
    ...                   freq="MS").repeat(2), "z": [0, 0, 3, 1, 2, 2, -1, -1.0]})
    >>> country_cusum(z, reference=0.5)["cusum"].round(2).tolist()
    [0.0, 2.33, 4.66, 2.74]
    """
    if combine == "stouffer":
        comb = z.groupby(["country", "ds"])["z"].agg(["sum", "count"])
        comb["Z"] = comb["sum"] / np.sqrt(comb["count"])
    elif combine == "fisher":
        p = stats.norm.sf(z["z"].to_numpy(float))
        chi = z.assign(chi=-2 * np.log(np.clip(p, 1e-300, 1)))
        comb = chi.groupby(["country", "ds"])["chi"].agg(["sum", "count"])
        comb["Z"] = stats.norm.isf(
            np.clip(stats.chi2.sf(comb["sum"], 2 * comb["count"]), 1e-300, 1)
        )
    else:
        raise ConfigError(f"combine={combine!r} is not one of 'stouffer', 'fisher'")
    comb = comb.reset_index().sort_values(["country", "ds"])
    comb["Z"] = comb["Z"].clip(-_Z_CAP, _Z_CAP)
    out = []
    for _, g in comb.groupby("country", sort=True):
        c, acc = 0.0, []
        for v in g["Z"].to_numpy(float):
            c = max(0.0, c + v - reference)
            acc.append(c)
        out.append(g.assign(cusum=acc))
    return pd.concat(out, ignore_index=True)[["country", "ds", "Z", "cusum"]]


class ForecastSurprise(BaseDetector):
    """CUSUM of calibrated one-step forecast surprise over a country's conflict series.

    Scores monthly series of conflict events and deaths (as :class:`OnsetRisk` selects
    them); the score of a country-month is the CUSUM ``C_t`` (module docstring) written on
    the country's anchor series, with ``expected`` its one-step median forecast. Other
    series, and non-monthly series, get no score; months before the first yearly refit
    with enough pooled history are not scored. As_of-safe: the forecast of month ``t`` comes
    from a model fitted on rows whose target is at or before the last December before
    ``t``, applied to features of month ``t - 1``.

    The forecaster is pooled over the series passed in (the more countries, the better).

    Parameters
    ----------
    model : forecaster or None
        A global model or quantile average of them (``None``: the shipped ensemble for
        horizon 1, :func:`earlywarn.forecast.rolling.default_surprise_model`).
    refit_every : int
        Months between refits (12: each January).
    horizon : int
        Months from the forecast's origin to the first month judged (1: the month before's
        forecast; 3 was no better on the tuning half).
    window : int
        Months judged together: month ``t``'s score compares ``y[t-window+1] + ... + y[t]``
        with the predictive distribution of that sum made ``horizon`` months before the
        window's first month (a direct model of the sum,
        :func:`~earlywarn.forecast.rolling.rolling_quantiles` with ``window``), so a rise
        over several months is judged against a forecast that had not yet seen it.
        ``expected`` is then the sum's median over ``window`` (a monthly level).
    reference : float or None
        The CUSUM's allowance ``k`` in standard-normal units (1.0: of 0.5, 1 and 2, chosen
        on the tuning half, leave-one-country-out); ``None``: no CUSUM, the score is the
        country's combined ``Z`` of the month.
    combine : {"stouffer", "fisher"}
        How a country's series' scores are combined each month.
    tail_floor : float
        Least scale of the exponential tail beyond the top quantile (``log1p`` units).
    threshold : float
        CUSUM value at or above which a month is anomalous.
    client : distributed.Client or None
        Run the yearly refits on Dask.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from earlywarn.forecast import GlobalNegBin
    >>> rng = np.random.default_rng(1)
    >>> ds = pd.date_range("2005-01-01", periods=120, freq="MS")
    >>> frames = []
    >>> for c in ("MLI", "NER", "TCD", "BFA"):
    ...     ev = rng.poisson(20, 120).astype(float)
    ...     if c == "MLI":
    ...         ev[-4:] = [90, 160, 220, 260]  # an escalation in the last four months
    ...     frames += [pd.DataFrame({"unique_id": f"{c}:pv_events", "ds": ds, "y": ev}),
    ...                pd.DataFrame({"unique_id": f"{c}:ucdp_fatalities", "ds": ds,
    ...                              "y": rng.poisson(2 * ev)})]
    >>> y = pd.concat(frames, ignore_index=True)
    >>> s = ForecastSurprise(model=GlobalNegBin(max_horizon=1)).fit(y).predict(y)
    >>> sorted(s["unique_id"].unique())  # one score per country
    ['BFA:pv_events', 'MLI:pv_events', 'NER:pv_events', 'TCD:pv_events']
    >>> last = s[s["ds"] == s["ds"].max()].set_index("unique_id")["score"]
    >>> last.idxmax(), bool(last["MLI:pv_events"] > 3 * last.drop("MLI:pv_events").max())
    ('MLI:pv_events', True)
    """

    score_kind = "z"

    def __init__(
        self,
        model: Any = None,
        horizon: int = 1,
        window: int = 1,
        refit_every: int = 12,
        reference: float | None = 1.0,
        combine: str = "stouffer",
        tail_floor: float = 0.1,
        threshold: float = THRESHOLD,
        client: Client | None = None,
    ) -> None:
        self.model = model
        self.horizon = horizon
        self.window = window
        self.refit_every = refit_every
        self.reference = reference
        self.combine = combine
        self.tail_floor = tail_floor
        self.threshold = threshold
        self.client = client

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.combine not in ("stouffer", "fisher"):
            raise ConfigError(
                f"ForecastSurprise: combine={self.combine!r} is not one of 'stouffer', 'fisher'"
            )
        for name in ("horizon", "window", "refit_every"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ConfigError(f"ForecastSurprise: {name}={v!r} must be a positive int")
        for name in ("reference", "tail_floor"):
            v = getattr(self, name)
            if name == "reference" and v is None:
                continue
            if not isinstance(v, (int, float)) or not np.isfinite(v) or v < 0:
                raise ConfigError(f"ForecastSurprise: {name}={v!r} must be a number >= 0")

    def series_scores(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Per series and month: ``unique_id, ds, y, q0.5, p, z`` (before combining; with
        ``window > 1``, ``y`` and ``q0.5`` are of the window's sum)."""
        from earlywarn.forecast.rolling import rolling_quantiles

        use = [
            u
            for u, g in frame.groupby("unique_id", sort=False)
            if onset_series(str(u)) is not None and infer_freq(g["ds"]) == "MS"
        ]
        sub = frame[frame["unique_id"].isin(use)]
        if sub.empty:
            return pd.DataFrame(columns=["unique_id", "ds", "y", "q0.5", "p", "z"])
        q = rolling_quantiles(
            sub,
            self.model,
            horizon=self.horizon + self.window - 1,
            window=self.window,
            refit_every=self.refit_every,
            client=self.client,
        )
        return surprise_from_quantiles(sub, q, self.tail_floor, self.window)

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        per = self.series_scores(frame)
        if per.empty:
            return pd.DataFrame()
        return self._from_series_scores(frame, per, last)

    def _from_series_scores(
        self, frame: pd.DataFrame, per: pd.DataFrame, last: int | None = None
    ) -> pd.DataFrame:
        per = per.assign(country=per["unique_id"].map(lambda u: series_kind(str(u)).country))
        ref = self.reference
        cus = country_cusum(per[["country", "ds", "z"]], 0.0 if ref is None else ref, self.combine)
        if ref is None:
            cus["cusum"] = cus["Z"]
        anchors = {}
        for c, g in per.groupby("country"):
            ids = sorted(g["unique_id"].unique())
            ev = [u for u in ids if onset_series(u) == "ev"]
            anchors[c] = (ev or ids)[0]
        cus["unique_id"] = cus["country"].map(anchors)
        out = frame.merge(cus[["unique_id", "ds", "cusum"]], on=["unique_id", "ds"], how="inner")
        out = out.merge(per[["unique_id", "ds", "q0.5"]], on=["unique_id", "ds"], how="left")
        out = out.rename(columns={"cusum": "score", "q0.5": "expected"})
        out["expected"] = out["expected"] / self.window
        out.loc[out["y"].isna(), "score"] = np.nan
        if last:
            out = out.groupby("unique_id", sort=False).tail(last)
        return out


def window_sums(frame: pd.DataFrame, window: int) -> pd.DataFrame:
    """``unique_id, ds, y`` with ``y`` the sum of the ``window`` calendar months ending at
    ``ds`` (NaN unless every one of them is observed).

    Examples
    --------
    >>> f = pd.DataFrame({"unique_id": "a", "ds": pd.to_datetime(
    ...     ["2020-01-01", "2020-02-01", "2020-03-01", "2020-05-01"]), "y": [1.0, 2, 4, 8]})
    >>> window_sums(f, 2)["y"].tolist()
    [nan, 3.0, 6.0, nan]
    """
    f = frame[["unique_id", "ds", "y"]]
    if window == 1:
        return f
    wide = f.pivot_table(index="ds", columns="unique_id", values="y", aggfunc="first")
    wide = wide.reindex(pd.date_range(wide.index.min(), wide.index.max(), freq="MS"))
    sums = wide.rolling(window, min_periods=window).sum()
    long = sums.rename_axis("ds").reset_index().melt(id_vars="ds", value_name="y")
    return f[["unique_id", "ds"]].merge(long, on=["unique_id", "ds"], how="left")


def surprise_from_quantiles(
    frame: pd.DataFrame, quantiles: pd.DataFrame, tail_floor: float = 0.1, window: int = 1
) -> pd.DataFrame:
    """Join observed ``y`` (summed over ``window`` months, :func:`window_sums`) to the
    quantiles of :func:`~earlywarn.forecast.rolling.rolling_quantiles` and add the mid-p
    ``p`` and ``z``."""
    cols = [c for c in quantiles.columns if c.startswith("q")]
    levels = np.array([float(c[1:]) for c in cols])
    order = np.argsort(levels)
    cols, levels = [cols[i] for i in order], levels[order]
    obs = window_sums(frame, window)
    j = obs.merge(quantiles, on=["unique_id", "ds"], how="inner")
    j = j[j["y"].notna()].reset_index(drop=True)
    p = upper_tail_p(j["y"].to_numpy(float), j[cols].to_numpy(float), levels, tail_floor)
    j["p"] = p
    j["z"] = np.clip(stats.norm.isf(p), -_Z_CAP, _Z_CAP)
    mid = "q0.5" if "q0.5" in j else cols[int(np.argmin(np.abs(levels - 0.5)))]
    return j.assign(**{"q0.5": j[mid]})[["unique_id", "ds", "y", "q0.5", "p", "z"]]
