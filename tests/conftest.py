"""Shared fixtures: paths to the real data beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]

SHARED = Path(os.environ.get("EARLYWARN_SHARED_DATA", REPO.parent / "shared" / "data"))

# Fixtures built once per process whose tests must all run in one pytest-xdist worker:
# demo_out is a ~2 min `earlywarn demo` run whose archive some tests open read-write or rerun
# in place, so two workers may neither share it nor each afford to build their own.
_ONE_WORKER_FIXTURES = ("demo_out",)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``pytest -n N --dist loadgroup --no-loadscope-reorder`` (the Makefile's test
    target), in each worker: the tests of one file form one group (its module fixtures are
    built once), the tests of an expensive session fixture (_ONE_WORKER_FIXTURES) one group,
    and the groups holding a ``slow`` test come first, so the long ones start at once and the
    many short files fill in around them. Runs before pytest-xdist's own hook, which reads the
    xdist_group marks; a run without workers keeps the collection order."""
    if not hasattr(config, "workerinput"):  # not a pytest-xdist worker
        return
    groups: dict[pytest.Item, str] = {}
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        shared = [name for name in _ONE_WORKER_FIXTURES if name in used]
        groups[item] = shared[0] if shared else item.nodeid.split("::", 1)[0]
        item.add_marker(pytest.mark.xdist_group(groups[item]))
    slow = {groups[item] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: groups[item] not in slow)  # stable: file order otherwise


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared evaluation data (../shared/data); its absence is an error, not a skip."""
    assert SHARED.is_dir(), f"shared data not found at {SHARED}; set EARLYWARN_SHARED_DATA"
    return SHARED


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("EARLYWARN_") and key != "EARLYWARN_SHARED_DATA":
            monkeypatch.delenv(key)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`earlywarn demo` run once per session, as the README runs it (offline, bundled corpus)."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    r = subprocess.run(
        [sys.executable, "-m", "earlywarn.cli", "-q", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return out


@pytest.fixture(scope="session")
def icews_events(shared_data: Path) -> pd.DataFrame:
    """The real ICEWS extract (95,540 events) through the real importer."""
    from earlywarn.io import read_icews

    frame, report = read_icews(
        shared_data / "icews/icews18_renet_valid_test_2018-08-29_2018-10-31.tsv.gz"
    )
    assert report.rows_kept == 95_540
    return frame
