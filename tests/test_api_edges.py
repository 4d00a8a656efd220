"""The notebook flow's rough edges: what an analyst types into the public API either works
as meant or raises an EarlywarnError saying what to type (never a silent empty frame)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import earlywarn as ew
from earlywarn.errors import UsageError
from tests.web.archive import build


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "a.duckdb"
    build(path)
    return path


def test_archive_filters_as_typed(archive: Path) -> None:
    with ew.Archive(archive, read_only=True) as a:
        by_code = a.events(countries=["VNM"])
        assert len(by_code) > 0
        # a bare string is one country (was its letters 'V', 'N', 'M': no rows), names work
        for typed in ("VNM", "vnm", ["Vietnam"], ["Việt Nam"]):
            assert len(a.events(countries=typed)) == len(by_code), typed
        with pytest.raises(UsageError, match="ISO3"):
            a.events(countries=["Narnia"])
        with pytest.raises(ew.EarlywarnError, match="YYYY-MM-DD"):
            a.events(since="2018-13-01")
        arts = a.articles()
        assert len(arts) > 0
        assert len(a.articles(languages="vi")) == len(a.articles(languages=["VI"])) > 0
        # a timezone-aware time (Hanoi) is converted, not refused by pandas
        first = pd.Timestamp(arts["published"].min()).tz_convert("Asia/Ho_Chi_Minh")
        assert len(a.articles(since=first)) == len(arts)


def test_parameter_errors_are_earlywarn_errors() -> None:
    y = pd.DataFrame(
        {"unique_id": "A", "ds": pd.date_range("2020-01-01", periods=24, freq="MS"), "y": 1.0}
    )
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01"]),
            "source_country": ["VNM"],
            "target_country": ["CHN"],
        }
    )
    cases = [
        lambda: ew.forecast.Naive().fit(y).predict(h=0),
        lambda: ew.forecast.Prophet(seasonality_mode="sideways").fit(y),
        lambda: ew.forecast.SeasonalNaive(season_length=0).fit(y),
        lambda: ew.forecast.backtest(y, {"naive": ew.forecast.Naive()}, horizon=0, folds=2),
        # a list of names: "dictionary update sequence element #0 has length 5; 2 is required"
        lambda: ew.forecast.backtest(y, ["naive"], horizon=3, folds=2),  # type: ignore[arg-type]
        lambda: ew.forecast.backtest(y, {"naive": "naive"}, horizon=3, folds=2),  # type: ignore[dict-item]
        lambda: ew.series.event_counts(events, by=["nation"], freq="W"),
        lambda: ew.series.event_counts(events, by=["country"], freq="fortnight"),
        lambda: ew.series.event_counts(events, by=["country", "quad_class"]),  # no quad_class
        lambda: ew.brief.summarise(["Một câu."], "vi", n_sentences=0),
        # "could not convert string to float: 'a'" from numpy
        lambda: ew.forecast.Naive().fit(y).predict_quantiles(2, q=["a"]),  # type: ignore[list-item]
        lambda: ew.forecast.Naive().fit(y).predict_quantiles(2, q=95),
    ]
    for i, case in enumerate(cases):
        with pytest.raises(ew.EarlywarnError) as info:
            case()
        assert isinstance(info.value, ValueError), i  # still a ValueError, as sklearn's


def test_one_quantile_level_as_a_number() -> None:
    """``predict_quantiles(h, q=0.5)`` raised "TypeError: 'float' object is not iterable"."""
    y = pd.DataFrame(
        {"unique_id": "A", "ds": pd.date_range("2020-01-01", periods=24, freq="MS"), "y": 1.0}
    )
    model = ew.forecast.Naive().fit(y)
    one = model.predict_quantiles(2, q=0.5)
    assert list(one.columns) == ["unique_id", "ds", "q0.5"]
    pd.testing.assert_frame_equal(one, model.predict_quantiles(2, q=[0.5]))
