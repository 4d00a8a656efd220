"""YAML read from users' files (feed catalogs, alert rules, channels, model specs,
experiments): safe tags only, no aliases, bounded nesting.

A scalar YAML reads as a type but Python cannot build (a date with a 13th month, an
integer of thousands of digits) and a key written twice in one mapping (PyYAML keeps the
last value without a word) are :class:`yaml.YAMLError` too.

An alias of aliases (nine of nine, a few levels deep: a "billion laughs" of a few hundred
bytes) expands to gigabytes, and nesting past Python's recursion limit crashes the reader;
both are refused as :class:`yaml.YAMLError`, which every reader already turns into a
:class:`~earlywarn.errors.ConfigError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

__all__ = ["config_text", "read_config_text", "safe_load"]


def config_text(raw: bytes, where: str) -> str:
    """A config file's text: UTF-8 with or without the byte-order mark Windows editors
    write, or UTF-16 with its mark (PowerShell's ``Out-File``, Notepad's "Unicode"); any
    other bytes are a :class:`~earlywarn.errors.ConfigError` saying to save it as UTF-8.
    (A rules or channels file, a model spec or an experiment saved so was an internal
    error, ``UnicodeDecodeError``, that failed the stage.)

    Examples
    --------
    >>> config_text("\ufeffrules: []".encode(), "r.yaml")
    'rules: []'
    >>> config_text("name: ă".encode("utf-16"), "m.yaml")
    'name: ă'
    >>> config_text("name: café au lait".encode("cp1252"), "m.yaml")
    Traceback (most recent call last):
    ...
    earlywarn.errors.ConfigError: m.yaml: not UTF-8 text (invalid continuation byte at byte 9); save it as UTF-8
    """
    from earlywarn.errors import ConfigError

    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None


def read_config_text(path: str | os.PathLike[str], what: str) -> str:
    """The text of the config file ``path`` (see :func:`config_text`); a file that cannot
    be read is a :class:`~earlywarn.errors.ConfigError` naming it as ``what``."""
    from earlywarn.errors import ConfigError

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read {what} ({exc.strerror})") from None
    return config_text(raw, str(path))


class _NoAliasLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` refusing aliases (``*name``)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None,
                None,
                "aliases (*name) are not allowed: write the value out (an alias of aliases "
                "can expand a few hundred bytes into gigabytes)",
                self.peek_event().start_mark,
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        # a key written twice: PyYAML keeps the last value without a word (a second
        # 'url:' or 'threshold:' pasted below the first silently replaces it)
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                if not isinstance(key, str | int | float | bool) or key is None:
                    continue
                if key in first:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"the key {key!r} is written twice in one mapping (first on line "
                        f"{first[key] + 1}); the second value would silently replace the "
                        "first: keep one",
                        key_node.start_mark,
                    )
                first[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # a scalar that matches a YAML type but cannot be one (a 13th month, an integer of
        # 5,000 digits) raised Python's ValueError from inside PyYAML: an internal error
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:
            value, why = str(node.value), str(exc).split("; use sys.")[0]
            shown = value if len(value) <= 40 else value[:40] + "..."
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"cannot read the value {shown!r} ({why}); fix it, or quote it to keep it as text",
                node.start_mark,
            ) from None


def safe_load(text: str) -> Any:
    """:func:`yaml.safe_load` refusing aliases and nesting too deep (both ``yaml.YAMLError``).

    Examples
    --------
    >>> safe_load("rules: [{name: a, threshold: 3}]")
    {'rules': [{'name': 'a', 'threshold': 3}]}
    >>> safe_load("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ...
    yaml.composer.ComposerError: aliases (*name) are not allowed: ...
    >>> safe_load("[" * 3000 + "]" * 3000)
    Traceback (most recent call last):
    ...
    yaml.error.YAMLError: YAML nested too deeply (over Python's recursion limit); flatten it
    >>> safe_load("verified: 2025-13-45")
    Traceback (most recent call last):
    ...
    yaml.constructor.ConstructorError: cannot read the value '2025-13-45' (month must be in 1..12); ...
    """
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError(
            "YAML nested too deeply (over Python's recursion limit); flatten it"
        ) from None
