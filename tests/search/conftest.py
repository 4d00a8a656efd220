"""One real archive per session (the web tests' archive: real Vietnamese and English
articles, mentions and events) and its search index, built by ``rebuild``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from earlywarn.search import SearchIndex, index_path, rebuild
from tests.web.archive import build


@pytest.fixture(scope="session")
def search_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "archive.duckdb"
    build(path)
    rebuild(path)
    return path


@pytest.fixture(scope="session")
def index(search_archive: Path) -> SearchIndex:
    return SearchIndex.open(index_path(search_archive))


@pytest.fixture
def archive_copy(search_archive: Path, tmp_path: Path) -> Path:
    path = tmp_path / "archive.duckdb"
    shutil.copyfile(search_archive, path)
    return path
