"""Fixtures: one real archive built per session, copied per test so writes stay local."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.web.archive import build


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("web") / "archive.duckdb"
    facts = build(path)
    return path, facts


@pytest.fixture
def archive(built: tuple[Path, dict[str, Any]], tmp_path: Path) -> Path:
    path = tmp_path / "archive.duckdb"
    shutil.copyfile(built[0], path)
    return path


@pytest.fixture
def facts(built: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return built[1]
