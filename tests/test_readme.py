"""The README's Python code and every example script run exactly as written.

Each ```python block of README.md is written to a file and run as a script (``python
file.py``, so Dask's worker processes re-import it as they would for a user), in a folder
where ``earlywarn-demo/`` is the demo built once per session; each ``examples/*.py`` runs
the same way. A script passes when it exits 0.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

#: the session's demo (built by the first test that needs it) takes minutes on a busy machine
pytestmark = pytest.mark.timeout(1500)

REPO = Path(__file__).resolve().parents[1]
BLOCKS = re.findall(r"```python\n(.*?)```", (REPO / "README.md").read_text(encoding="utf-8"), re.S)
EXAMPLES = sorted((REPO / "examples").glob("*.py"))


def _run_script(script: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, timeout=900
    )


@pytest.fixture
def workdir(demo_out: Path, tmp_path: Path) -> Path:
    (tmp_path / "earlywarn-demo").symlink_to(demo_out, target_is_directory=True)
    return tmp_path


def test_the_readme_has_python_and_examples() -> None:
    assert BLOCKS and EXAMPLES


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_python_block_runs(workdir: Path, index: int) -> None:
    script = workdir / f"readme_{index}.py"
    script.write_text(BLOCKS[index], encoding="utf-8")
    r = _run_script(script, workdir)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip(), "the block printed nothing"


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs(workdir: Path, example: Path) -> None:
    r = _run_script(example, workdir)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip(), "the example printed nothing"
