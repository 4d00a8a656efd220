"""Internals of the actor gazetteer and the CAMEO event coder (not public API)."""

from __future__ import annotations

__all__: list[str] = []
