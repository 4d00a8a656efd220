"""The ensemble detector and the default detector sets."""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlywarn.detect._base import SCORE_COLUMNS, BaseDetector, cauchy_combine
from earlywarn.detect._rate import RateCusum, RateSurprise
from earlywarn.detect._robust import RobustZScore, ShareSpike
from earlywarn.errors import ConfigError

__all__ = ["Ensemble", "default_detectors"]


def default_detectors(kind: str = "count") -> dict[str, BaseDetector]:
    """The default component detectors for ``"count"`` series or ``"tone"`` series.

    Examples
    --------
    >>> sorted(default_detectors())
    ['rate_cusum', 'rate_surprise', 'robust_z', 'share_spike']
    >>> default_detectors("tone")["robust_z"].direction
    'down'
    """
    if kind == "tone":
        return {"robust_z": RobustZScore(direction="down", transform="none")}
    if kind != "count":
        raise ConfigError(f"default_detectors: kind={kind!r}; use 'count' or 'tone'")
    return {
        "robust_z": RobustZScore(),
        "rate_surprise": RateSurprise(),
        "rate_cusum": RateCusum(),
        "share_spike": ShareSpike(),
    }


class Ensemble(BaseDetector):
    """Combine detectors on a common, calibrated scale.

    Every component's score is mapped to an upper-tail probability ``p`` (see
    :func:`~earlywarn.detect.tail_probability`); the ensemble score is ``-log10`` of the
    combined p-value, over the components that could score the period: ``"cauchy"``
    (default) is the Cauchy combination test (:func:`~earlywarn.detect.cauchy_combine`,
    valid under dependence), ``"max"`` the most surprising component with a Bonferroni
    correction (``-log10(k * min p)``). Both keep a strong single signal: one component
    at ``p = 1e-5`` is not averaged away by three that see nothing.

    The same defaults serve daily and monthly series: component windows follow each
    series' frequency.

    Parameters
    ----------
    detectors : mapping of name to detector, or None
        Components; ``None`` uses :func:`default_detectors` (robust z, rate surprise,
        rate CUSUM, share spike).
    method : {"cauchy", "max"}
        How calibrated scores are combined.
    threshold : float
        Anomaly threshold on the combined ``-log10 p`` (3 means p < 0.001).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.DataFrame({"unique_id": "ev:VNM:r14", "ds": pd.date_range("2024-01-01", periods=30),
    ...                   "y": [4.0, 5, 3, 6, 4, 5] * 4 + [5, 4, 6, 40, 5, 4]})
    >>> out = Ensemble().fit(y).predict(y)
    >>> out.loc[out.is_anomaly, "y"].tolist()
    [40.0]
    """

    score_kind = "neglog10p"

    def __init__(
        self,
        detectors: Mapping[str, BaseDetector] | None = None,
        method: str = "cauchy",
        threshold: float = 3.0,
    ) -> None:
        self.detectors = detectors
        self.method = method
        self.threshold = threshold

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.method not in ("cauchy", "max"):
            raise ConfigError(f"Ensemble: method={self.method!r}; use 'cauchy' or 'max'")
        for name, det in (self.detectors or {}).items():
            if not isinstance(det, BaseDetector):
                raise ConfigError(f"Ensemble: component {name!r} is not a detector: {det!r}")

    def _components(self) -> dict[str, BaseDetector]:
        return dict(self.detectors) if self.detectors is not None else default_detectors()

    def _fit(self, frame: pd.DataFrame) -> None:
        self.detectors_ = {k: d.fit(frame) for k, d in self._components().items()}

    def score_all(self, y: pd.DataFrame, *, last: int | None = None) -> dict[str, pd.DataFrame]:
        """Scores of every component and of the ensemble (key ``"ensemble"``), in one pass."""
        if not hasattr(self, "detectors_"):
            self.score(y.iloc[:0])  # raises NotFittedError with the usual message
        parts = {name: det.score(y, last=last) for name, det in self.detectors_.items()}
        parts["ensemble"] = self._combine(parts)
        return parts

    def _score(self, frame: pd.DataFrame, last: int | None) -> pd.DataFrame:
        parts = {name: det.score(frame, last=last) for name, det in self.detectors_.items()}
        return self._combine(parts)

    def _combine(self, parts: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
        names = list(parts)
        if not names:
            raise ConfigError("Ensemble has no component detectors; pass at least one")
        base = parts[names[0]].loc[:, ["unique_id", "ds", "y", "expected"]]
        neglog = []
        expected = [base["expected"].to_numpy(float)]
        for name in names:
            frame = parts[name]
            det = self.detectors_[name]
            aligned = base[["unique_id", "ds"]].merge(
                frame[["unique_id", "ds", "expected", "score"]], on=["unique_id", "ds"], how="left"
            )
            p = det.tail_p(aligned["score"].to_numpy(float))
            neglog.append(-np.log10(np.clip(p, 1e-50, 1.0)))
            expected.append(aligned["expected"].to_numpy(float))
        stack = np.vstack(neglog)
        avail = np.sum(~np.isnan(stack), axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            if self.method == "cauchy":
                p = cauchy_combine(np.power(10.0, -stack))
                score = -np.log10(np.clip(p, 1e-300, 1.0))
            else:
                score = np.clip(np.nanmax(stack, axis=0) - np.log10(np.fmax(avail, 1)), 0, None)
        score[avail == 0] = np.nan
        exp = expected[0]
        for other in expected[1:]:
            exp = np.where(np.isnan(exp), other, exp)
        out = base.assign(expected=exp, score=score)
        return out.loc[:, SCORE_COLUMNS]
