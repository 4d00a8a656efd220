"""CAMEO event codes: names, Goldstein scores, root codes and QuadClass.

Codes are strings with their leading zeros (``"010"``), as GDELT and ICEWS print them.

Examples
--------
>>> from earlywarn.extract.cameo import goldstein, quad_class, root_code
>>> root_code("0231"), quad_class("0231"), goldstein("0231")
('02', 1, 3.4)
>>> quad_class("190")
4
"""

from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import pandas as pd

__all__ = ["QUAD_CLASSES", "cameo_table", "goldstein", "is_valid", "quad_class", "root_code"]

#: QuadClass labels, as in GDELT.
QUAD_CLASSES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@lru_cache(maxsize=1)
def cameo_table() -> pd.DataFrame:
    """The CAMEO codebook: ``code, name, goldstein, root_code, description, quad_class``."""
    path = files("earlywarn.data").joinpath("cameo_codes.csv")
    with path.open("r", encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype={"code": str, "root_code": str}, keep_default_na=False)
    df["quad_class"] = df["root_code"].astype(int).map(_quad_of_root)
    return df


def _quad_of_root(root: int) -> int:
    if 1 <= root <= 5:
        return 1
    if 6 <= root <= 9:
        return 2
    if 10 <= root <= 14:
        return 3
    if 15 <= root <= 20:
        return 4
    raise ValueError(f"CAMEO root {root} is outside 01..20")


@lru_cache(maxsize=1)
def _goldstein_map() -> dict[str, float]:
    t = cameo_table()
    return dict(zip(t["code"], t["goldstein"].astype(float), strict=True))


def is_valid(code: str) -> bool:
    """Whether ``code`` is in the CAMEO codebook."""
    return str(code) in _goldstein_map()


def root_code(code: str) -> str:
    """The two-digit root of a CAMEO code (``"0231"`` -> ``"02"``)."""
    code = str(code).strip()
    if len(code) < 2 or not code[:2].isdigit():
        raise ValueError(f"'{code}' is not a CAMEO event code (expected digits such as '010')")
    return code[:2]


def quad_class(code: str) -> int:
    """QuadClass 1-4 of a CAMEO code, from its root."""
    return _quad_of_root(int(root_code(code)))


def goldstein(code: str) -> float:
    """Goldstein score of a CAMEO code; unknown leaf codes fall back to their parent or root."""
    m = _goldstein_map()
    code = str(code).strip()
    for probe in (code, code[:3], code[:2]):
        if probe in m:
            return m[probe]
    raise ValueError(
        f"'{code}' is not a CAMEO event code; see earlywarn.extract.cameo.cameo_table()"
    )
