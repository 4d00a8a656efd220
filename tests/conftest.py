"""Shared fixtures: paths to the real data beside the repository."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]

SHARED = Path(os.environ.get("EARLYWARN_SHARED_DATA", REPO.parent / "shared" / "data"))

# Under `pytest -n N --dist loadfile` (the Makefile's test target) each file's tests run in one
# pytest-xdist worker, so its module fixtures are built once. The files using demo_out, a ~2 min
# `earlywarn demo` run whose archive some tests open read-write or rerun in place, run in one
# worker too: two workers may neither share that archive nor each afford to build their own.
# (xdist's own --dist loadgroup cannot do this here: its group mark is lost on pytest 9.2,
# pytest-xdist issue #1386.) The controller sees test ids only, so a file is in the demo's
# group if its source names the fixture.
_DEMO_FILES = frozenset(
    path.relative_to(REPO).as_posix()
    for path in (REPO / "tests").rglob("test_*.py")
    if "demo_out" in path.read_text(encoding="utf-8")
)


def _scope(nodeid: str) -> str:
    path = nodeid.split("::", 1)[0]
    return "demo_out" if path in _DEMO_FILES else path


class _DemoInOneWorker:
    """--dist loadfile, with the demo's files as one unit of work (see _DEMO_FILES); a plugin
    registered only where pytest-xdist runs (an unknown hook otherwise stops pytest)."""

    def pytest_xdist_make_scheduler(self, config: pytest.Config, log: Any) -> Any:
        if config.getvalue("dist") != "loadfile":
            return None
        from xdist.scheduler import LoadScopeScheduling

        class Scheduler(LoadScopeScheduling):
            def _split_scope(self, nodeid: str) -> str:
                return _scope(nodeid)

        return Scheduler(config, log)


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_DemoInOneWorker(), "earlywarn-demo-in-one-worker")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a pytest-xdist worker: the units of work holding a ``slow`` test come first (with
    --no-loadscope-reorder the controller hands units out in collection order), so the long
    ones start at once and the many short files fill in around them. A run without workers
    keeps the collection order."""
    if not hasattr(config, "workerinput"):  # not a pytest-xdist worker
        return
    slow = {_scope(item.nodeid) for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: _scope(item.nodeid) not in slow)  # stable: file order kept


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


@pytest.fixture(autouse=True)
def _logging_enabled_again() -> Iterator[None]:
    """Undo a test's ``logging.disable`` (process-wide): left in place it silenced every later
    test's warnings in that worker, and a test checking a warning failed only in suite order
    (the round-5 credentials test, after an extraction-set test, in clean-clone CI runs)."""
    yield
    logging.disable(logging.NOTSET)


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
