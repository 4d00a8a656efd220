"""Fetch errors with machine-readable reasons, and the SSRF guard at the socket level.

The guard is a :class:`httpcore.NetworkBackend`: every TCP connection (the first
request, every redirect, robots.txt) resolves the host, refuses private, loopback,
link-local, reserved and multicast addresses unless allow-listed, and then connects
to the very address it checked (no second DNS look-up, so no rebinding window).

Name resolution is under the request's deadline too
(:func:`earlywarn.collect._deadline.resolve_within`); the resolver is a plain function
(host, port) -> addresses, the system's unless one is passed (``HttpClient(resolver=...)``:
a local DNS cache, a DNS-over-HTTPS client, a test).

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
from collections.abc import Iterable
from typing import Any

import httpcore

from earlywarn.collect._deadline import (
    DeadlineStream,
    Resolver,
    resolve_within,
    system_resolver,
    time_left,
)
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
    "embedded_ipv4",
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


_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215: local-use translation
# IPv4 address in the low 32 bits: IPv4-compatible (RFC 4291), SIIT (RFC 2765), NAT64 (RFC 6052)
_LOW32 = tuple(ipaddress.IPv6Network(n) for n in ("::/96", "::ffff:0:0:0/96", "64:ff9b::/96"))


def embedded_ipv4(addr: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (6to4, Teredo, NAT64, mapped, compatible).

    Examples
    --------
    >>> [str(a) for a in embedded_ipv4(ipaddress.IPv6Address("2002:a00:1::1"))]
    ['10.0.0.1']
    >>> [str(a) for a in embedded_ipv4(ipaddress.IPv6Address("64:ff9b::7f00:1"))]
    ['127.0.0.1']
    >>> embedded_ipv4(ipaddress.IPv6Address("2001:4860::8888"))
    []
    """
    out: list[ipaddress.IPv4Address] = []
    if addr.ipv4_mapped is not None:
        out.append(addr.ipv4_mapped)
    if addr.sixtofour is not None:
        out.append(addr.sixtofour)
    if addr.teredo is not None:
        out += list(addr.teredo)
    if any(addr in net for net in _LOW32):
        out.append(ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF))
    return out


class AddressGuard:
    """Decide which addresses may be contacted.

    Parameters
    ----------
    allow : iterable of str
        Host names or IP networks (``"127.0.0.1"``, ``"10.1.0.0/16"``) exempt from the guard.
    resolver : callable, optional
        ``(host, port) -> addresses``; :func:`system_resolver` by default.
    """

    def __init__(self, allow: Iterable[str] = (), resolver: Resolver | None = None) -> None:
        self._resolver = resolver or system_resolver
        self._hosts: set[str] = set()
        self._nets: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for item in allow:
            try:
                self._nets.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                self._hosts.add(item.strip().lower().rstrip("."))

    def is_allowed_ip(self, ip: str) -> bool:
        """True if ``ip`` is public or allow-listed.

        An IPv6 address that carries an IPv4 address (IPv4-mapped and -compatible, SIIT,
        NAT64 ``64:ff9b::/96``, 6to4 ``2002::/16``, Teredo) is public only if every
        IPv4 address it carries is public too; local-use NAT64 ``64:ff9b:1::/48`` never is.

        Examples
        --------
        >>> g = AddressGuard()
        >>> [g.is_allowed_ip(a) for a in ("64:ff9b::8.8.8.8", "64:ff9b::10.0.0.1", "2002:a00:1::")]
        [True, False, False]
        """
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
        candidates: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = [addr]
        if isinstance(addr, ipaddress.IPv6Address):
            if addr.ipv4_mapped is not None:
                candidates = [addr.ipv4_mapped]
            else:
                candidates += embedded_ipv4(addr)
        if any(c in net for c in candidates for net in self._nets):
            return True
        if isinstance(addr, ipaddress.IPv6Address) and addr in _NAT64_LOCAL:
            return False
        return all(c.is_global and not c.is_multicast for c in candidates)

    def check(self, host: str, port: int, timeout: float | None = None) -> list[str]:
        """Resolve ``host``; return its addresses, or raise :class:`SSRFBlockedError`.

        Every address must pass (a name resolving to one public and one private address
        is refused). Resolution gets at most ``timeout`` seconds
        (:class:`httpcore.ConnectTimeout` after that).
        """
        name = host.strip("[]").lower().rstrip(".")
        try:
            ipaddress.ip_address(name.split("%", 1)[0])
            addresses = [name]
        except ValueError:
            try:
                addresses = resolve_within(self._resolver, name, port, timeout)
            except (OSError, UnicodeError) as exc:
                raise HttpFetchError(
                    f"cannot resolve {host}: {exc}", url=host, reason="dns_error"
                ) from None
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
    """A network backend that checks every address with :class:`AddressGuard` before connecting.

    Connects and every later read and write are bounded by the request deadline
    (:mod:`earlywarn.collect._deadline`).
    """

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
        # the name is resolved within the time left too (connect timeout, request deadline)
        addresses = self._guard.check(host, port, time_left(timeout, httpcore.ConnectTimeout))
        for ip in addresses[:-1]:
            try:
                left = time_left(timeout, httpcore.ConnectTimeout)
                stream = self._inner.connect_tcp(ip, port, left, local_address, socket_options)
            except httpcore.ConnectError:
                continue
            return DeadlineStream(stream)
        left = time_left(timeout, httpcore.ConnectTimeout)
        stream = self._inner.connect_tcp(addresses[-1], port, left, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise SSRFBlockedError(f"unix socket {path} refused", url=path)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
