"""Small data shipped with earlywarn (see SOURCES.md)."""

__all__: list[str] = []
