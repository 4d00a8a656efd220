from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def yemen() -> pd.DataFrame:
    return pd.read_csv(DATA / "event_counts" / "YEM_gdelt_monthly_long.csv")


@pytest.fixture(scope="session")
def yemen2(yemen: pd.DataFrame) -> pd.DataFrame:
    return yemen[yemen["unique_id"].isin(["YEM:total", "YEM:root14"])].reset_index(drop=True)
