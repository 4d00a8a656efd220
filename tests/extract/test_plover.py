from __future__ import annotations

import pandas as pd

from earlywarn.extract.cameo import cameo_table
from earlywarn.extract.plover import PLOVER_TYPES, plover, plover_columns
from earlywarn.series import event_counts


def test_every_cameo_code_outside_plain_statements_has_a_plover_type() -> None:
    codes = cameo_table()["code"].astype(str)
    kinds = {c: plover(c)[0] for c in codes}
    assert {k for k in kinds.values() if k} <= set(PLOVER_TYPES)
    missing = sorted(c for c, k in kinds.items() if k is None)
    assert all(c.startswith("01") for c in missing)  # only statements have none
    assert plover("173") == ("COERCE", "arrest") and plover("0874") == ("RETREAT", "withdraw")
    assert plover("1312") == ("THREATEN", "sanction") and plover("xyz") == (None, None)


def test_series_by_plover() -> None:
    ev = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-02"]),
                       "source_country": ["VNM", "CHN", "VNM"], "target_country": ["CHN", "VNM", None],
                       "cameo_code": ["042", "190", "193"], "quad_class": [1, 4, 4],
                       "root_code": ["04", "19", "19"]})  # fmt: skip
    ev = ev.join(plover_columns(ev["cameo_code"]))
    out = event_counts(ev, by=["country", "plover"], freq="D")
    y = out.set_index(["unique_id", "ds"])["y"]
    assert y[("ev:VNM:pASSAULT", pd.Timestamp("2024-01-02"))] == 2.0
    assert y[("ev:CHN:pCONSULT", pd.Timestamp("2024-01-01"))] == 1.0
