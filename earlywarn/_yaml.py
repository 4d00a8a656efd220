"""YAML read from users' files (feed catalogs, alert rules, channels, model specs,
experiments): safe tags only, no aliases, bounded nesting.

An alias of aliases (nine of nine, a few levels deep: a "billion laughs" of a few hundred
bytes) expands to gigabytes, and nesting past Python's recursion limit crashes the reader;
both are refused as :class:`yaml.YAMLError`, which every reader already turns into a
:class:`~earlywarn.errors.ConfigError` naming the file.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["safe_load"]


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
    """
    try:
        return yaml.load(text, Loader=_NoAliasLoader)  # a SafeLoader subclass
    except RecursionError:
        raise yaml.YAMLError(
            "YAML nested too deeply (over Python's recursion limit); flatten it"
        ) from None
