"""Byte-level sniffing shared by the HTTP client and the page decoder."""

from __future__ import annotations

__all__ = ["utf16_order"]


def utf16_order(head: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` if ``head`` is UTF-16 text without a BOM, else None.

    Markup and most letters of UTF-16 text have a zero high byte: the NUL bytes fall on one
    parity only (odd offsets little-endian, even big-endian). A binary file's NULs fall on
    both.

    Examples
    --------
    >>> utf16_order("<p>Việt Nam</p>".encode("utf-16-le")), utf16_order(b"\\x89PNG\\x00\\x00\\x00\\r")
    ('utf-16-le', None)
    """
    head = head[:1024]
    n = len(head) // 2
    if n < 8:
        return None
    even, odd = head[0 : 2 * n : 2].count(0), head[1 : 2 * n : 2].count(0)
    if odd >= 0.4 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.4 * n and odd <= 0.02 * n:
        return "utf-16-be"
    return None
