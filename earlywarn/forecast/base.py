"""The forecaster contract (scikit-learn estimator + sktime fit/predict split).

* ``__init__`` only stores parameters; ``get_params``/``set_params``/``clone`` read them back;
* ``fit(y)`` takes a long frame ``unique_id, ds, y`` (many series, each with its own frequency),
  validates it (see :mod:`earlywarn.forecast._data` for gaps, duplicates, NaN ...), fits every
  series through the private ``_fit`` and returns ``self``; learned state ends with ``_``;
* a series too short for the model, or whose fit fails, is skipped and recorded in
  ``skipped_`` (``{unique_id: reason}``), never a crash;
* ``predict``/``predict_quantiles``/``predict_interval``/``predict_proba_exceed`` read the
  per-series predictive distribution from the private ``_predict``.

Examples
--------
>>> import pandas as pd
>>> from earlywarn.forecast import Naive
>>> y = pd.DataFrame({"unique_id": "a", "ds": pd.date_range("2020-01-01", periods=4, freq="MS"),
...                   "y": [1.0, 2.0, 3.0, 4.0]})
>>> Naive().fit(y).predict(2)
  unique_id         ds  yhat
0         a 2020-05-01   4.0
1         a 2020-06-01   4.0
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from earlywarn._log import get_logger
from earlywarn.errors import NotFittedError, UsageError
from earlywarn.forecast._data import SeriesData, prepare
from earlywarn.forecast._dist import Predictive, clip_nonnegative

__all__ = ["BaseForecaster", "quantile_column"]

_log = get_logger(__name__)


def quantile_column(q: float, style: str = "q") -> str:
    """Column name of quantile ``q``: ``"q0.05"`` (``style="q"``) or ``"q05"`` (``"pct"``).

    Examples
    --------
    >>> quantile_column(0.05), quantile_column(0.5, "pct"), quantile_column(0.975, "pct")
    ('q0.05', 'q50', 'q97.5')
    """
    if style == "pct":
        pct = q * 100
        return f"q{round(pct):02d}" if abs(pct - round(pct)) < 1e-9 else f"q{pct:g}"
    return f"q{q:g}"


class BaseForecaster:
    """Base class of every earlywarn forecaster (see the module docstring)."""

    _tags: ClassVar[dict[str, Any]] = {
        "capability:exogenous": False,
        "capability:pred_int": True,
        "y:counts": False,
        "requires:min_length": 2,
    }

    # -- parameters -----------------------------------------------------------------------
    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in sig.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor parameters and their current values."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseForecaster:
        """Set constructor parameters; unknown names raise ``ValueError`` listing valid ones."""
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise UsageError(
                    f"{type(self).__name__} has no parameter {name!r} (value {value!r}); "
                    f"valid parameters: {valid}"
                )
            setattr(self, name, value)
        return self

    def clone(self) -> BaseForecaster:
        """An unfitted copy with the same parameters."""
        return type(self)(**copy.deepcopy(self.get_params()))

    @classmethod
    def get_tags(cls) -> dict[str, Any]:
        """Capability tags, merged along the class hierarchy."""
        tags: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            tags.update(getattr(klass, "_tags", {}))
        return tags

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # -- hooks for subclasses -----------------------------------------------------------------
    def _validate_params(self) -> None:
        """Raise ``ValueError`` naming a bad parameter (called once per ``fit``)."""

    def _check_bounds(self, **bounds: tuple[float, float, bool]) -> None:
        """Raise a UsageError naming the first parameter outside ``(low, high, low_included)``.

        For parameters handed to a library that checks them only when fitting: a value it
        refuses (sklearn's ``learning_rate=-1``) made every series fail, each night, with
        a warning per series and no forecast, while the spec loaded without a word.

        >>> from earlywarn.forecast.ml import GBQuantile
        >>> GBQuantile(learning_rate=0)._validate_params()
        Traceback (most recent call last):
        ...
        earlywarn.errors.UsageError: GBQuantile: learning_rate=0 must be a number > 0
        """
        for name, (low, high, closed) in bounds.items():
            value = getattr(self, name)
            if value is None:
                continue
            side = f">= {low:g}" if closed else f"> {low:g}"
            rule = side if high == np.inf else f"{side} and <= {int(high)}"
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = np.nan
            if not (number > low or (number == low and closed)) or number > high:
                raise UsageError(f"{type(self).__name__}: {name}={value!r} must be a number {rule}")

    def _min_length(self, s: SeriesData) -> int:
        return int(self.get_tags()["requires:min_length"])

    def _fit(self, s: SeriesData) -> Any:
        raise NotImplementedError

    def _predict(self, state: Any, s: SeriesData, h: int) -> Predictive:
        raise NotImplementedError

    # -- public API -----------------------------------------------------------------------
    def fit(self, y: pd.DataFrame, X: pd.DataFrame | None = None) -> BaseForecaster:
        """Fit every series of the long frame ``y`` (``unique_id, ds, y``); return ``self``."""
        if X is not None and not self.get_tags()["capability:exogenous"]:
            raise UsageError(
                f"{type(self).__name__} does not use exogenous variables; call fit(y) without X"
            )
        self._validate_params()
        series, skipped = prepare(y)
        fitted: dict[str, tuple[SeriesData, Any]] = {}
        for s in series:
            need = self._min_length(s)
            if len(s) < need:
                skipped[s.uid] = f"too short: {len(s)} periods, {type(self).__name__} needs {need}"
                _log.warning("series %s skipped: %s", s.uid, skipped[s.uid])
                continue
            try:
                fitted[s.uid] = (s, self._fit(s))
            except Exception as exc:  # a bad series must not stop the others
                skipped[s.uid] = f"fit failed: {type(exc).__name__}: {exc}"
                _log.warning("series %s skipped: %s", s.uid, skipped[s.uid])
        self.fitted_ = fitted
        self.skipped_ = skipped
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "fitted_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(y) before predicting"
            )

    def _predictives(self, h: int) -> list[tuple[str, pd.DatetimeIndex, Predictive]]:
        self._check_fitted()
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise UsageError(f"h must be a positive integer number of periods, got {h!r}")
        out = []
        for uid, (s, state) in self.fitted_.items():
            try:
                dist = self._predict(state, s, int(h))
            except Exception as exc:
                _log.warning("series %s: prediction failed (%s: %s)", uid, type(exc).__name__, exc)
                continue
            out.append((uid, s.future(int(h)), clip_nonnegative(dist) if s.nonnegative else dist))
        return out

    @staticmethod
    def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
        if not rows:
            frame = pd.DataFrame({c: pd.Series(dtype=float) for c in columns})
            frame["unique_id"] = frame["unique_id"].astype(object)
            frame["ds"] = pd.Series(dtype="datetime64[ns]")
            return frame
        return pd.concat([pd.DataFrame(r) for r in rows], ignore_index=True)[columns]

    def predict(self, h: int) -> pd.DataFrame:
        """Point forecasts (predictive means): ``unique_id, ds, yhat``."""
        rows = [{"unique_id": uid, "ds": ds, "yhat": d.mean} for uid, ds, d in self._predictives(h)]
        return self._frame(rows, ["unique_id", "ds", "yhat"])

    def predict_quantiles(
        self, h: int, q: Sequence[float] | float = (0.05, 0.5, 0.95)
    ) -> pd.DataFrame:
        """Quantile forecasts: ``unique_id, ds`` and one column per level (``"q0.05"`` ...);
        ``q`` is a list of levels in (0, 1) or one level."""
        levels = _levels(q)
        cols = [quantile_column(v) for v in levels]
        rows = []
        for uid, ds, d in self._predictives(h):
            qv = d.quantile(levels)
            rows.append({"unique_id": uid, "ds": ds, **{c: qv[:, i] for i, c in enumerate(cols)}})
        return self._frame(rows, ["unique_id", "ds", *cols])

    def predict_interval(self, h: int, coverage: float = 0.9) -> pd.DataFrame:
        """Central prediction intervals: ``unique_id, ds, lower, upper``."""
        if not 0 < coverage < 1:
            raise UsageError(f"coverage must be in (0, 1), got {coverage!r}")
        a = (1 - coverage) / 2
        frame = self.predict_quantiles(h, (a, 1 - a))
        frame.columns = ["unique_id", "ds", "lower", "upper"]
        return frame

    def predict_proba_exceed(self, h: int, threshold: float | Mapping[str, float]) -> pd.DataFrame:
        """``P(y > threshold)`` per step: ``unique_id, ds, p_exceed`` (NaN if no threshold)."""
        rows = []
        for uid, ds, d in self._predictives(h):
            thr = _threshold_for(threshold, uid)
            p = d.sf(thr) if np.isfinite(thr) else np.full(len(ds), np.nan)
            rows.append({"unique_id": uid, "ds": ds, "p_exceed": p})
        return self._frame(rows, ["unique_id", "ds", "p_exceed"])

    def predict_frame(
        self,
        h: int,
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
        threshold: float | Mapping[str, float] | None = None,
    ) -> pd.DataFrame:
        """Everything at once (one pass): ``unique_id, ds, yhat, q05.., p_exceed, threshold``.

        ``quantiles`` columns are named by percent (``q05``, ``q50``, ``q95``) as in the
        archive's ``forecasts`` table; ``threshold`` missing for a series gives NaN.
        """
        levels = _levels(quantiles)
        cols = [quantile_column(v, "pct") for v in levels]
        rows = []
        for uid, ds, d in self._predictives(h):
            qv = d.quantile(levels)
            thr = np.nan if threshold is None else _threshold_for(threshold, uid)
            p = d.sf(thr) if np.isfinite(thr) else np.full(len(ds), np.nan)
            row = {"unique_id": uid, "ds": ds, "yhat": d.mean}
            row.update({c: qv[:, i] for i, c in enumerate(cols)})
            row.update({"p_exceed": p, "threshold": np.full(len(ds), thr, dtype=float)})
            rows.append(row)
        return self._frame(rows, ["unique_id", "ds", "yhat", *cols, "p_exceed", "threshold"])


def _levels(q: Sequence[float] | float) -> np.ndarray:
    """Quantile levels as a 1-D array; one number is one level (``q=0.5``, as sktime's
    ``alpha``).

    Examples
    --------
    >>> _levels(0.5).tolist(), _levels([0.05, 0.95]).tolist()
    ([0.5], [0.05, 0.95])
    """
    try:
        levels = np.atleast_1d(np.asarray(q, dtype=float))
    except (TypeError, ValueError):
        levels = np.array([np.nan])
    if levels.ndim != 1 or not len(levels) or not np.all((levels > 0) & (levels < 1)):
        raise UsageError(
            f"quantile levels must be numbers in (0, 1), got {q!r}; e.g. q=[0.05, 0.5, 0.95]"
        )
    return levels


def _threshold_for(threshold: float | Mapping[str, float], uid: str) -> float:
    if isinstance(threshold, Mapping):
        value = threshold.get(uid)
        return float("nan") if value is None else float(value)
    return float(threshold)
