"""Every YAML file a user hands the library (rules, channels, model specs, experiments; the
feed catalog has its own test in tests/collect) refuses alias bombs and nesting past the
recursion limit with a ConfigError naming the file, fast, and so do values YAML reads as a
date or an integer that Python cannot build (issue 14)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from earlywarn.alerts.channels import load_channels
from earlywarn.alerts.rules import load_rules
from earlywarn.errors import ConfigError
from earlywarn.forecast.experiment import run_experiment
from earlywarn.forecast.specs import load_models


def _bomb(key: str) -> str:
    """9**7 strings (about 4.8 million) from about 400 bytes: seconds and GB if expanded."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdef", "bcdefg", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    return "\n".join(lines) + f"\n{key}: [*g]\n"


def _deep(key: str) -> str:
    return f"{key}:\n- " + "[" * 3000 + "]" * 3000 + "\n"


LOADERS: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "rules": ("rules", load_rules),
    "channels": ("channels", load_channels),
    "model specs": ("models", load_models),
    "experiment": ("models", run_experiment),
}


@pytest.mark.parametrize("kind", ["alias bomb", "deep nesting"])
@pytest.mark.parametrize("what", list(LOADERS))
def test_user_yaml_bombs_are_config_errors(tmp_path: Path, what: str, kind: str) -> None:
    key, load = LOADERS[what]
    path = tmp_path / "file.yaml"
    path.write_text(_bomb(key) if kind == "alias bomb" else _deep(key))
    t0 = time.process_time()
    with pytest.raises(ConfigError) as err:
        load(path)
    assert time.process_time() - t0 < 5  # refused, never expanded
    msg = str(err.value)
    assert str(path) in msg and len(msg) < 2000
    assert (
        "aliases (*name) are not allowed" if kind == "alias bomb" else "nested too deeply"
    ) in msg


@pytest.mark.parametrize("value", ["2025-02-30", "2025-01-01 25:00:00", "9" * 5000])
@pytest.mark.parametrize("what", [*LOADERS, "feed catalog"])
def test_values_yaml_reads_as_a_type_python_cannot_build_are_config_errors(
    tmp_path: Path, what: str, value: str
) -> None:
    """A date that does not exist or an integer of 5,000 digits matches YAML's date or int
    and then failed inside PyYAML with Python's ValueError: an internal error (exit 70)."""
    from earlywarn.collect.catalog import load_catalog

    key, load = LOADERS.get(what, ("feeds", load_catalog))
    path = tmp_path / "file.yaml"
    path.write_text(f"{key}:\n- {{url: 'https://e.com/rss', verified: {value}}}\n")
    with pytest.raises(ConfigError) as err:
        load(path)
    msg = str(err.value)
    assert str(path) in msg and "cannot read the value" in msg and "line 2" in msg
    assert "sys.set_int_max_str_digits" not in msg and len(msg) < 2000


@pytest.mark.parametrize("what", [*LOADERS, "feed catalog"])
def test_a_key_written_twice_is_a_config_error_not_a_silent_override(
    tmp_path: Path, what: str
) -> None:
    """PyYAML keeps the last of two equal keys without a word: a second 'url:' pasted into
    a feed, a second 'threshold:' into a rule, silently replaced the first."""
    from earlywarn.collect.catalog import load_catalog

    key, load = LOADERS.get(what, ("feeds", load_catalog))
    path = tmp_path / "file.yaml"
    path.write_text(
        f"{key}:\n- name: a\n  url: https://e.com/rss\n  note: x\n  url: http://127.0.0.1/\n"
    )
    with pytest.raises(ConfigError) as err:
        load(path)
    msg = str(err.value)
    assert str(path) in msg and "'url' is written twice" in msg and "first on line 3" in msg
    merged = tmp_path / "merged.yaml"  # a merge key ('<<') may be overridden: that is YAML
    merged.write_text("a: 1\nb: {<<: {c: 1}, c: 2}\n")
    from earlywarn._yaml import safe_load

    assert safe_load(merged.read_text()) == {"a": 1, "b": {"c": 2}}
