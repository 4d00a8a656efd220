"""The detector contract and the helpers every detector shares.

A detector is a scikit-learn style estimator over long frames (``unique_id, ds, y``):
parameters are stored by ``__init__``, ``fit`` returns ``self`` and learned state ends
with ``_``. Scores are *as_of-safe*: the score at period ``t`` only uses values at or
before ``t`` (trailing windows), so appending future points never changes past scores.
"""

from __future__ import annotations

import inspect
import json
import warnings
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from scipy import stats

from earlywarn.data import read_text
from earlywarn.errors import ConfigError, NotFittedError
from earlywarn.series.kinds import is_level

__all__ = [
    "SCORE_COLUMNS",
    "BaseDetector",
    "cauchy_combine",
    "default_window",
    "infer_freq",
    "tail_probability",
    "trailing_windows",
]

#: Columns returned by :meth:`BaseDetector.score`.
SCORE_COLUMNS = ["unique_id", "ds", "y", "expected", "score"]

_WINDOWS = {"D": (28, 14), "W": (26, 10), "MS": (12, 6)}



def load_model_json(name: str, path: str | Path | None, what: str, refit: str) -> Any:
    """A fitted model's parsed JSON: ``path``, or the shipped ``earlywarn/data/<name>`` when None.

    ``what`` names the model in errors and ``refit`` the script that rewrites it: an
    unreadable or invalid file is a :class:`~earlywarn.errors.ConfigError` saying so.

    Examples
    --------
    >>> load_model_json("onset_risk.json", None, "onset-risk model", "x.py")["fitted_on"]
    'tuning'
    """
    text, where = read_text(name, path, f"the {what}")
    try:
        model = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{where}: not valid JSON ({exc}); refit it with {refit}") from None
    return model

def infer_freq(ds: pd.Series | pd.DatetimeIndex) -> str:
    """Classify a series' spacing as daily ``"D"``, weekly ``"W"`` or monthly ``"MS"``.

    Examples
    --------
    >>> infer_freq(pd.date_range("2024-01-01", periods=5, freq="MS"))
    'MS'
    >>> infer_freq(pd.date_range("2024-01-01", periods=5, freq="D"))
    'D'
    """
    values = pd.DatetimeIndex(ds).sort_values()
    if len(values) < 2:
        return "D"
    step = float(np.median(np.diff(values.to_numpy()) / np.timedelta64(1, "D")))
    if step <= 1.5:
        return "D"
    if step <= 8:
        return "W"
    return "MS"


def default_window(freq: str) -> tuple[int, int]:
    """Default ``(window, min_periods)`` in periods for a frequency.

    Examples
    --------
    >>> default_window("MS")
    (12, 6)
    """
    return _WINDOWS.get(freq, _WINDOWS["D"])


def trailing_windows(x: np.ndarray, window: int) -> np.ndarray:
    """Row ``t`` holds ``x[t-window .. t-1]`` (NaN-padded): the history strictly before ``t``.

    Examples
    --------
    >>> trailing_windows(np.array([1.0, 2.0, 3.0]), 2)
    array([[nan, nan],
           [nan,  1.],
           [ 1.,  2.]])
    """
    padded = np.concatenate([np.full(window, np.nan), np.asarray(x, dtype=float)])
    return sliding_window_view(padded, window)[: len(x)]


def nan_stats(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, MAD and count of non-missing values per row (NaN where a row is empty)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(windows, axis=1)
        mad = np.nanmedian(np.abs(windows - med[:, None]), axis=1)
    count = np.sum(~np.isnan(windows), axis=1)
    return med, mad, count


def tail_probability(score: np.ndarray | pd.Series, kind: str) -> np.ndarray:
    """Map detector scores to an upper-tail probability (small = surprising).

    ``kind`` is ``"z"`` (standard-normal scale), ``"neglog10p"`` (``-log10 p``) or
    ``"unit"`` (a score in [0, 1], higher = more anomalous).

    Examples
    --------
    >>> tail_probability(np.array([0.0, 3.0]), "neglog10p").tolist()
    [1.0, 0.001]
    """
    s = np.asarray(score, dtype=float)
    if kind == "z":
        return np.asarray(stats.norm.sf(s))
    if kind == "neglog10p":
        return np.power(10.0, -np.clip(s, 0, None))
    if kind == "unit":
        return np.clip(1.0 - s, 1e-12, 1.0)
    raise ConfigError(f"unknown score kind {kind!r}; use 'z', 'neglog10p' or 'unit'")


def cauchy_combine(p: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Combine p-values (rows) per column with the Cauchy combination test (Liu & Xie 2020).

    ``T = sum w_i tan((0.5 - p_i) pi)``, ``p = 0.5 - arctan(T) / pi``: valid under
    arbitrary dependence in the tail, and the combination of one very small p-value with
    unremarkable ones stays small (about ``k`` times the smallest: it is not averaged
    away). p-values above 0.99 count as 0.99, so a component that sees nothing at all
    (``p = 1``, whose term is minus infinity) cannot cancel another's evidence. NaN rows
    are left out per column; a column without any p-value gives NaN.

    Examples
    --------
    >>> p = np.array([[1e-6, 0.5], [0.6, 0.4], [0.7, np.nan]])
    >>> out = cauchy_combine(p)
    >>> bool(out[0] < 1e-5), round(float(out[1]), 3)
    (True, 0.449)
    """
    p = np.atleast_2d(np.asarray(p, dtype=float))
    ok = ~np.isnan(p)
    w = (
        np.ones_like(p)
        if weights is None
        else np.broadcast_to(np.asarray(weights, dtype=float).reshape(-1, 1), p.shape)
    )
    w = np.where(ok, w, 0.0)
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        w = w / total
        q = np.clip(np.where(ok, p, 0.5), 1e-300, 0.99)
        # tan((0.5 - p) pi) = 1 / tan(p pi), accurate for tiny p
        t = np.where(q < 1e-15, 1.0 / (q * np.pi), np.tan((0.5 - q) * np.pi))
        stat = np.sum(w * t, axis=0)
        out = np.where(stat > 1e15, 1.0 / (stat * np.pi), 0.5 - np.arctan(stat) / np.pi)
    out[total == 0] = np.nan
    return np.clip(out, 0.0, 1.0)


class BaseDetector:
    """Base class of detectors: parameters in ``__init__``, ``fit``/``score``/``predict``.

    Subclasses implement ``_score_series(uid, ds, y, freq, frame)`` returning
    ``(expected, score)`` arrays aligned with ``y``, or override ``_score``.

    Parameters
    ----------
    threshold : float
        Periods with ``score >= threshold`` are anomalies in :meth:`predict`.
    """

    #: How scores read: ``"z"``, ``"neglog10p"`` or ``"unit"`` (see :func:`tail_probability`).
    score_kind: ClassVar[str] = "z"

    threshold: float

    def __init__(self, threshold: float = 3.5) -> None:
        self.threshold = threshold

    # -- scikit-learn parameter protocol -------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return [p for p in sig.parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this detector (as given to ``__init__``)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseDetector:
        """Set parameters; unknown names raise :class:`~earlywarn.errors.ConfigError`."""
        valid = set(self._param_names())
        for key, value in params.items():
            if key not in valid:
                raise ConfigError(
                    f"{type(self).__name__} has no parameter {key!r}; valid: {sorted(valid)}"
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- public API ------------------------------------------------------------------
    def fit(self, y: pd.DataFrame) -> BaseDetector:
        """Check the frame and record each series' frequency; returns ``self``."""
        frame = _check_frame(y)
        self._validate_params()
        self.freqs_ = {
            uid: infer_freq(g["ds"]) for uid, g in frame.groupby("unique_id", sort=False)
        }
        self._fit(frame)
        return self

    def score(self, y: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
        """Score every period (or the ``last`` periods of each series).

        Returns a frame ``unique_id, ds, y, expected, score``; higher scores are more
        anomalous, and periods without enough history have a NaN score.
        """
        if not hasattr(self, "freqs_"):
            raise NotFittedError(
                f"this {type(self).__name__} is not fitted yet; call fit(frame) before score()"
            )
        frame = _check_frame(y)
        out = self._score(frame, last)
        if out.empty:
            return pd.DataFrame({c: pd.Series(dtype=_DTYPES[c]) for c in SCORE_COLUMNS})
        return out.loc[:, SCORE_COLUMNS].reset_index(drop=True)

    def predict(self, y: pd.DataFrame, *, last: int | None = None) -> pd.DataFrame:
        """Like :meth:`score`, plus ``is_anomaly`` (``score >= threshold``)."""
        out = self.score(y, last=last)
        out["is_anomaly"] = (out["score"] >= self.threshold).fillna(False).astype(bool)
        return out

    def tail_p(self, score: np.ndarray | pd.Series) -> np.ndarray:
        """Calibrated upper-tail probability of scores (used by :class:`Ensemble`)."""
        return tail_probability(score, self.score_kind)

    # -- hooks ----------------------------------------------------------------------
    def _validate_params(self) -> None:
        if not isinstance(self.threshold, (int, float)) or not np.isfinite(self.threshold):
            raise ConfigError(
                f"{type(self).__name__}: threshold={self.threshold!r} must be a finite number"
            )

    def _fit(self, frame: pd.DataFrame) -> None:
        """Learn state from ``frame`` (most detectors are online and learn nothing)."""

    def _freq(self, uid: str, ds: pd.Series) -> str:
        return self.freqs_.get(uid) or infer_freq(ds)

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        parts = []
        for uid, g in frame.groupby("unique_id", sort=False):
            expected, score = self._score_series(
                str(uid), g["ds"], g["y"].to_numpy(float), self._freq(str(uid), g["ds"]), frame
            )
            part = pd.DataFrame(
                {
                    "unique_id": uid,
                    "ds": g["ds"].to_numpy(),
                    "y": g["y"].to_numpy(float),
                    "expected": expected,
                    "score": score,
                }
            )
            parts.append(part.iloc[-last:] if last else part)
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()

    def _score_series(
        self, uid: str, ds: pd.Series, y: np.ndarray, freq: str, frame: pd.DataFrame
    ) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError


_DTYPES = {
    "unique_id": "object",
    "ds": "datetime64[ns]",
    "y": "float64",
    "expected": "float64",
    "score": "float64",
}


def _check_frame(y: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(y, pd.DataFrame):
        raise ConfigError(f"expected a long DataFrame (unique_id, ds, y), got {type(y).__name__}")
    missing = {"unique_id", "ds", "y"} - set(y.columns)
    if missing:
        raise ConfigError(
            f"series frame lacks columns {sorted(missing)}; pass a long frame unique_id, ds, y"
        )
    frame = y.loc[:, ["unique_id", "ds", "y"]].copy()
    frame["ds"] = pd.to_datetime(frame["ds"])
    if frame["ds"].dt.tz is not None:
        frame["ds"] = frame["ds"].dt.tz_convert("UTC").dt.tz_localize(None)
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").astype(float)
    frame = frame.sort_values(["unique_id", "ds"], kind="stable")
    if frame.duplicated(["unique_id", "ds"]).any():
        raise ConfigError("series frame has duplicate (unique_id, ds) rows; aggregate them first")
    return frame.reset_index(drop=True)


def resolve_window(window: int | None, min_periods: int | None, freq: str) -> tuple[int, int]:
    """Explicit ``window``/``min_periods`` or the defaults for ``freq``."""
    w, mp = default_window(freq)
    w = int(window) if window else w
    mp = int(min_periods) if min_periods else min(mp, w)
    return w, max(1, min(mp, w))


def transform_values(y: np.ndarray, uid: str, transform: str) -> np.ndarray:
    """Apply ``"log1p"`` (sign-safe), ``"none"`` or ``"auto"`` (none for ``tone:`` series)."""
    if transform == "auto":
        transform = "none" if is_level(uid) else "log1p"
    if transform == "log1p":
        return np.sign(y) * np.log1p(np.abs(y))
    if transform == "none":
        return np.asarray(y, dtype=float)
    raise ConfigError(f"transform={transform!r} is not one of 'auto', 'log1p', 'none'")


def orient(z: np.ndarray, direction: str) -> np.ndarray:
    """Orient a signed z so that higher = more anomalous in ``direction``."""
    if direction == "up":
        return z
    if direction == "down":
        return -z
    if direction == "both":
        return np.abs(z)
    raise ConfigError(f"direction={direction!r} is not one of 'up', 'down', 'both'")
