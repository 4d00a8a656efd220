from __future__ import annotations

from pathlib import Path

import pytest

from earlywarn.config import load_settings
from earlywarn.errors import ConfigError


def test_layers_in_order(tmp_path: Path) -> None:
    cfg = tmp_path / "ew.toml"
    cfg.write_text(
        'archive = "from_file.duckdb"\nfocal_country = "PHL"\n[http]\nuser_agent = "file"\n'
    )
    env = {"EARLYWARN_FOCAL_COUNTRY": "CHN", "EARLYWARN_HTTP__USER_AGENT": "env"}
    s = load_settings(cfg, environ=env, focal_country="LAO")
    assert s.archive == Path("from_file.duckdb")  # file beats default
    assert s.http.user_agent == "env"  # environment beats file
    assert s.focal_country == "LAO"  # arguments beat environment
    assert load_settings(cfg, environ=env).focal_country == "CHN"


def test_unknown_key_names_file_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text('archiv = "typo.duckdb"\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: unknown key 'archiv'") as info:
        load_settings(cfg, environ={})
    assert "(did you mean 'archive'?)" in str(info.value)  # the likely key, when one is close
    cfg.write_text('[http]\nuser_agnet = "x"\nzzz = 1\n')
    with pytest.raises(ConfigError) as info:
        load_settings(cfg, environ={})
    assert "unknown key 'http.user_agnet' (did you mean 'user_agent'?)" in str(info.value)
    assert "unknown key 'http.zzz'; allowed" in str(info.value)  # nothing close: no guess


def test_bad_value_names_key(tmp_path: Path) -> None:
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[http]\nconnect_timeout = -1\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: key 'http\.connect_timeout'"):
        load_settings(cfg, environ={})


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    cfg = tmp_path / "broken.toml"
    cfg.write_text("archive = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(cfg, environ={})
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", environ={})


def test_bad_environment_names_variable_source() -> None:
    bogus = r"environment \(EARLYWARN_\*\): unknown variable EARLYWARN_BOGUS \(key 'bogus'\)"
    with pytest.raises(ConfigError, match=bogus):
        load_settings(environ={"EARLYWARN_BOGUS": "1"})
    # a bad value names the variable that holds it (it said only "key 'n_workers'")
    with pytest.raises(ConfigError, match=r"EARLYWARN_N_WORKERS \(key 'n_workers'\)"):
        load_settings(environ={"EARLYWARN_N_WORKERS": "zero"})


def test_default_tracking_uri_is_local_sqlite(tmp_path: Path) -> None:
    s = load_settings(environ={}, output_dir=tmp_path)
    assert s.resolved_tracking_uri() == f"sqlite:///{tmp_path.resolve()}/mlflow.db"


@pytest.mark.parametrize(
    ("option", "setting", "mlflow_env", "expected"),
    [
        ("http://option", "http://setting", "http://mlflow-env", "http://option"),
        (None, "http://setting", "http://mlflow-env", "http://setting"),
        (None, None, "http://mlflow-env", "http://mlflow-env"),
        (None, None, None, "sqlite:///{out}/mlflow.db"),
    ],
)
def test_tracking_uri_precedence(
    tmp_path: Path, option: str | None, setting: str | None, mlflow_env: str | None, expected: str
) -> None:
    """--tracking-uri > EARLYWARN_TRACKING_URI > MLFLOW_TRACKING_URI > a sqlite store in --out."""
    env = {"EARLYWARN_TRACKING_URI": setting, "MLFLOW_TRACKING_URI": mlflow_env}
    env = {k: v for k, v in env.items() if v}
    s = load_settings(environ=env, tracking_uri=option, output_dir=tmp_path)
    assert s.resolved_tracking_uri(env) == expected.format(out=tmp_path.resolve())


def test_example_config_shows_every_setting() -> None:
    """The README says examples/earlywarn.toml "shows every setting": every key of Settings
    (and of its [http] and [web] tables) is in it, set or commented out with its default, and
    the file loads; it listed 11 of 46 keys."""
    import re

    from earlywarn.config import HttpSettings, Settings, WebSettings

    path = Path(__file__).resolve().parents[1] / "examples" / "earlywarn.toml"
    text = path.read_text("utf-8")
    chunks = re.split(r"^\[(\w+)\][^\n]*$", text, flags=re.M)
    sections = {"": chunks[0], **dict(zip(chunks[1::2], chunks[2::2], strict=True))}
    for table, model in (("", Settings), ("http", HttpSettings), ("web", WebSettings)):
        keys = set(re.findall(r"^#? ?(\w+) =", sections.get(table, ""), flags=re.M))
        fields = set(model.model_fields) - {"http", "web"}
        assert fields <= keys, f"[{table or 'top'}] lacks {sorted(fields - keys)}"
    settings = load_settings(path, environ={})
    assert settings.http.max_entries == 1000 and settings.focal_country == "VNM"
