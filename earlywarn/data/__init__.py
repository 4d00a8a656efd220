"""Small data shipped with earlywarn (see SOURCES.md)."""

from __future__ import annotations

import os
from importlib.resources import files

from earlywarn.errors import ConfigError, path_problem

__all__: list[str] = []


def read_text(name: str | None, path: str | os.PathLike[str] | None, what: str) -> tuple[str, str]:
    """The text of ``path``, or of the shipped file ``name`` when ``path`` is None, and where
    it came from (for messages). ``what`` names the file in the error an unreadable path
    raises (a :class:`~earlywarn.errors.ConfigError`).

    Examples
    --------
    >>> text, where = read_text("alerts.yaml", None, "rules file")
    >>> where, text.startswith("#")
    ('earlywarn/data/alerts.yaml', True)
    >>> read_text(None, "/no/such.yaml", "channels file")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ConfigError: /no/such.yaml: cannot read channels file (No such file or directory)
    """
    if path is None:
        if name is None:
            raise ValueError("give a shipped file name or a path")
        return files("earlywarn.data").joinpath(name).read_text(encoding="utf-8"), (
            f"earlywarn/data/{name}"
        )
    where = str(path)
    problem = path_problem(path)  # a named pipe would be read for ever
    if problem is not None and problem != "does not exist":
        raise ConfigError(f"{where}: cannot read {what}: it {problem}")
    from earlywarn._yaml import read_config_text

    return read_config_text(path, what), where
