"""Fixtures: one real archive built per session, copied per test so writes stay local."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from earlywarn.search import index_path, rebuild
from tests.web.archive import build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("web") / "archive.duckdb"
    facts = build(path)
    rebuild(path)  # the search index beside it, as the nightly job leaves it
    return path, facts


@pytest.fixture
def archive(built: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    path = tmp_path / "archive.duckdb"
    shutil.copyfile(built[0], path)
    shutil.copytree(index_path(built[0]), index_path(path))
    return path


@pytest.fixture
def facts(built: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return built[1]
