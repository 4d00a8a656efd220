"""Input handling shared by every forecaster: long frames in, clean regular series out.

Documented behaviour for awkward input (tested in ``tests/forecast/test_bad_input.py``):

* rows whose ``ds`` cannot be parsed are dropped (logged);
* non-monotonic dates are sorted; duplicate timestamps keep the **last** row given;
* the frequency is inferred per series (daily ``D``, weekly ``W-XXX``, monthly ``MS`` ...),
  dates are snapped to period starts, and missing periods (gaps) are inserted;
* gaps and ``NaN`` values are filled by carrying the last value forward (never from a later
  value, so a backtest's training part cannot see past its cutoff); leading ``NaN`` values are
  dropped;
* a series with no finite value, or shorter than a model needs, is skipped with a reason.

Examples
--------
>>> import pandas as pd
>>> y = pd.DataFrame({"unique_id": ["a", "a", "a"],
...                   "ds": ["2020-03-01", "2020-01-01", "2020-03-01"], "y": [3.0, 1.0, 4.0]})
>>> (s,), skipped = prepare(y)
>>> s.freq.freqstr, s.y.tolist(), skipped
('MS', [1.0, 1.0, 4.0], {})
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from pandas.tseries.offsets import BaseOffset

from earlywarn._log import get_logger
from earlywarn.errors import EarlywarnError

__all__ = ["SeriesData", "SeriesInputError", "infer_offset", "iter_groups", "prepare"]

_log = get_logger(__name__)

_SEASON = {"D": 7, "B": 5, "W": 52, "MS": 12, "ME": 12, "M": 12, "QS": 4, "QE": 4, "Y": 1}


class SeriesInputError(EarlywarnError, ValueError):
    """A series frame lacks the long layout ``unique_id, ds, y``; pass a long frame."""


@dataclass
class SeriesData:
    """One clean, regular series: its id, period-start dates, values and frequency."""

    uid: str
    ds: pd.DatetimeIndex
    y: np.ndarray
    freq: BaseOffset
    season: int

    def __len__(self) -> int:
        return len(self.y)

    def future(self, h: int) -> pd.DatetimeIndex:
        """The ``h`` period starts after the last observation."""
        return pd.date_range(self.ds[-1] + self.freq, periods=h, freq=self.freq)

    @property
    def nonnegative(self) -> bool:
        """True when the history has no negative value (forecasts are then clipped at 0)."""
        return bool(np.all(self.y >= 0))


def infer_offset(ds: pd.DatetimeIndex) -> BaseOffset:
    """Infer a series' frequency from its (sorted, unique) dates, tolerating gaps.

    Examples
    --------
    >>> infer_offset(pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-05-01"])).freqstr
    'MS'
    >>> infer_offset(pd.DatetimeIndex(["2020-01-06", "2020-01-20"])).freqstr
    'W-MON'
    """
    if len(ds) >= 3:
        guess = pd.infer_freq(ds)
        if guess is not None:
            return to_offset(guess)
    if len(ds) < 2:
        return to_offset("D")
    if bool((ds.day == 1).all()) and bool((ds.normalize() == ds).all()):
        months = np.diff(np.asarray(ds.year * 12 + ds.month, dtype=np.int64))
        step = int(np.gcd.reduce(months)) if len(months) else 1
        if step > 0:
            if step % 12 == 0:
                return to_offset("YS")
            if step % 3 == 0:
                return to_offset("QS")
            return to_offset("MS")
    seconds = np.diff(ds.values).astype("timedelta64[s]").astype(np.int64)
    days = int(np.gcd.reduce(seconds // 86400)) if len(seconds) else 1
    if days >= 7 and days % 7 == 0:
        return pd.offsets.Week(weekday=int(ds[0].weekday()))
    return to_offset(f"{max(days, 1)}D")


def _season(offset: BaseOffset) -> int:
    name = offset.freqstr
    if name.startswith("W"):
        return 52
    return _SEASON.get(name, 1)


def _snap(ds: pd.DatetimeIndex, offset: BaseOffset) -> pd.DatetimeIndex:
    name = offset.freqstr
    if name in ("MS", "ME", "M"):
        return ds.to_period("M").to_timestamp()
    if name in ("QS", "QE"):
        return ds.to_period("Q").to_timestamp()
    if name in ("YS", "Y", "YE"):
        return ds.to_period("Y").to_timestamp()
    return ds.normalize() if name.endswith("D") else ds


def _to_naive_utc(ds: pd.Series) -> pd.Series:
    if isinstance(ds.dtype, pd.DatetimeTZDtype):
        return ds.dt.tz_convert("UTC").dt.tz_localize(None)
    parsed = pd.to_datetime(ds, errors="coerce", utc=True)
    return parsed.dt.tz_localize(None)


def iter_groups(y: pd.DataFrame) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield ``(unique_id, frame)`` per series, in sorted id order."""
    for uid, group in y.groupby("unique_id", sort=True):
        yield str(uid), group


def _one(uid: str, frame: pd.DataFrame) -> SeriesData | str:
    frame = frame.sort_values("ds", kind="stable").drop_duplicates("ds", keep="last")
    ds = pd.DatetimeIndex(frame["ds"].to_numpy(dtype="datetime64[ns]"))
    if len(ds) == 0:
        return "no rows with a valid date"
    offset = infer_offset(ds)
    snapped = _snap(ds, offset)
    values = pd.Series(frame["y"].to_numpy(dtype=float), index=snapped)
    values = values[~values.index.duplicated(keep="last")]
    grid = pd.date_range(snapped.min(), snapped.max(), freq=offset)
    if not snapped.isin(grid).all():
        return f"dates do not fit one regular frequency (inferred {offset.freqstr})"
    full = values.reindex(grid)
    if not np.isfinite(full.to_numpy()).any():
        return "no finite values"
    first = int(np.argmax(np.isfinite(full.to_numpy())))
    filled = full.iloc[first:].ffill()
    return SeriesData(uid, grid[first:], filled.to_numpy(dtype=float), offset, _season(offset))


def prepare(y: pd.DataFrame) -> tuple[list[SeriesData], dict[str, str]]:
    """Split and clean a long frame ``unique_id, ds, y``; return series and skipped ids.

    Raises
    ------
    SeriesInputError
        If ``y`` is not a frame with the columns ``unique_id``, ``ds`` and ``y``.
    """
    if not isinstance(y, pd.DataFrame):
        raise SeriesInputError(
            f"y must be a pandas DataFrame with columns unique_id, ds, y; got {type(y).__name__}"
        )
    missing = {"unique_id", "ds", "y"} - set(y.columns)
    if missing:
        raise SeriesInputError(
            f"y lacks column(s) {sorted(missing)}; expected a long frame unique_id, ds, y "
            f"(got {list(y.columns)})"
        )
    frame = y[["unique_id", "ds", "y"]].copy()
    frame["ds"] = _to_naive_utc(frame["ds"])
    frame["y"] = pd.to_numeric(frame["y"], errors="coerce").astype(float)
    bad = int(frame["ds"].isna().sum())
    if bad:
        _log.warning("dropped %d row(s) whose ds is not a date", bad)
        frame = frame[frame["ds"].notna()]
    series: list[SeriesData] = []
    skipped: dict[str, str] = {}
    for uid, group in iter_groups(frame):
        result = _one(uid, group)
        if isinstance(result, str):
            skipped[uid] = result
            _log.warning("series %s skipped: %s", uid, result)
        else:
            series.append(result)
    return series, skipped
