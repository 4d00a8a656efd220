"""A past night with alert rules, for the tests of alerts raised on a forced rerun."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from earlywarn.config import Settings

#: the stages that turn imported counts into alerts
STAGES = ["series", "detect", "alerts"]
#: the night run first (the demo's Yemen monthly counts reach it)
NIGHT = "2015-03-31"


def yemen_night(tmp_path: Path, rules: str, **extra: Any) -> tuple[Settings, Path]:
    """Settings over a new archive in ``tmp_path`` holding the demo's Yemen monthly GDELT
    counts, with ``rules`` (YAML rule lines) as ``rules.yaml``, after :data:`NIGHT` ran
    through :data:`STAGES` once; returns the settings and the rules file (rewrite it to add
    a rule before forcing the night again); ``extra`` are further settings."""
    from earlywarn.demo import CORPUS
    from earlywarn.io.history import import_history
    from earlywarn.pipeline import run_nightly

    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n" + rules)
    s = Settings(
        archive=tmp_path / "a.duckdb",
        output_dir=tmp_path / "out",
        scheduler="synchronous",
        rules=path,
        **extra,
    )
    import_history(s, "counts", CORPUS / "YEM_gdelt_monthly_long.csv")
    run_nightly(s, NIGHT, stages=STAGES)
    return s, path
