"""Fetch errors with machine-readable reasons, and the SSRF guard at the socket level.

The guard is a :class:`httpcore.NetworkBackend`: every TCP connection (the first
request, every redirect, robots.txt) resolves the host, refuses private, loopback,
link-local, reserved and multicast addresses unless allow-listed, and then connects
to the very address it checked (no second DNS look-up, so no rebinding window).

Examples
--------
>>> g = AddressGuard(["127.0.0.1", "intranet.example"])
>>> g.is_allowed_ip("127.0.0.1"), g.is_allowed_ip("10.0.0.1"), g.is_allowed_ip("8.8.8.8")
(True, False, True)
>>> g.check("10.0.0.1", 80)
Traceback (most recent call last):
...
earlywarn.collect._guard.SSRFBlockedError: ssrf_blocked: 10.0.0.1 resolves to non-public address 10.0.0.1; add it to http.allow_private if this is intended
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import Any

import httpcore

from earlywarn.errors import FetchError

__all__ = [
    "AddressGuard",
    "BadContentTypeError",
    "GuardedBackend",
    "HttpFetchError",
    "HttpStatusError",
    "RedirectError",
    "RobotsDisallowedError",
    "SSRFBlockedError",
    "TooLargeError",
]


class HttpFetchError(FetchError):
    """A fetch failed; ``reason`` is a short code such as ``timeout`` or ``http_404``."""

    reason = "fetch_failed"

    def __init__(self, message: str, *, url: str = "", reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        self.url = url
        super().__init__(f"{self.reason}: {message}")


class SSRFBlockedError(HttpFetchError):
    """The address is private, loopback, link-local or reserved and not allow-listed."""

    reason = "ssrf_blocked"


class TooLargeError(HttpFetchError):
    """The body (compressed or decompressed) is larger than ``http.max_bytes``."""

    reason = "too_large"


class BadContentTypeError(HttpFetchError):
    """The response is not of a content type we read (or is binary under a text label)."""

    reason = "bad_content_type"


class RobotsDisallowedError(HttpFetchError):
    """robots.txt of the host disallows our user agent for this path."""

    reason = "robots_disallowed"


class RedirectError(HttpFetchError):
    """Too many redirects, a redirect loop, or a redirect to a non-http(s) URL."""

    reason = "too_many_redirects"


class HttpStatusError(HttpFetchError):
    """The server answered with an error status; ``reason`` is ``http_<status>``."""

    def __init__(self, status: int, *, url: str = "", retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(
            f"server answered HTTP {status} for {url}", url=url, reason=f"http_{status}"
        )


class AddressGuard:
    """Decide which addresses may be contacted.

    Parameters
    ----------
    allow : iterable of str
        Host names or IP networks (``"127.0.0.1"``, ``"10.1.0.0/16"``) exempt from the guard.
    """

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self._hosts: set[str] = set()
        self._nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in allow:
            try:
                self._nets.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                self._hosts.add(item.strip().lower().rstrip("."))

    def is_allowed_ip(self, ip: str) -> bool:
        """True if ``ip`` is public or allow-listed."""
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        if any(addr in net for net in self._nets):
            return True
        return addr.is_global and not addr.is_multicast

    def check(self, host: str, port: int) -> list[str]:
        """Resolve ``host``; return its addresses, or raise :class:`SSRFBlockedError`.

        Every address must pass (a name resolving to one public and one private address
        is refused).
        """
        name = host.strip("[]").lower().rstrip(".")
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            addresses = [name]
        except ValueError:
            try:
                infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
            except OSError as exc:
                raise HttpFetchError(
                    f"cannot resolve {host}: {exc}", url=host, reason="dns_error"
                ) from None
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not addresses:
            raise HttpFetchError(f"{host} has no address", url=host, reason="dns_error")
        if name in self._hosts:
            return addresses
        for ip in addresses:
            if not self.is_allowed_ip(ip):
                raise SSRFBlockedError(
                    f"{host} resolves to non-public address {ip}; "
                    "add it to http.allow_private if this is intended",
                    url=host,
                )
        return addresses


class GuardedBackend(httpcore.NetworkBackend):
    """A network backend that checks every address with :class:`AddressGuard` before connecting."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self._guard.check(host, port)
        for ip in addresses[:-1]:
            try:
                return self._inner.connect_tcp(ip, port, timeout, local_address, socket_options)
            except httpcore.ConnectError:
                continue
        return self._inner.connect_tcp(addresses[-1], port, timeout, local_address, socket_options)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise SSRFBlockedError(f"unix socket {path} refused", url=path)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
