"""Login rate limiting: failures counted per user name and per client address.

After ``max_failures`` failed logins for one user name within ``window`` seconds (or
``max_per_address`` from one address), further attempts are refused for ``lockout``
seconds, whatever the password: a guesser gets a handful of tries per quarter hour.
Counts live in the server process (a restart forgets them).

Examples
--------
>>> t = [0.0]
>>> lim = LoginLimiter(max_failures=2, max_per_address=5, window=60, lockout=300,
...                    clock=lambda: t[0])
>>> lim.failed("lan", "10.0.0.1"); lim.retry_after("lan", "10.0.0.1")
0.0
>>> lim.failed("lan", "10.0.0.1"); lim.retry_after("lan", "10.0.0.1")
300.0
>>> t[0] = 301.0; lim.retry_after("lan", "10.0.0.1")
0.0
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

__all__ = ["LoginLimiter"]


class _Counter:
    """Failure times per key within a window, and lock-out ends."""

    def __init__(self, limit: int, window: float, lockout: float) -> None:
        self.limit, self.window, self.lockout = limit, window, lockout
        self.failures: dict[str, deque[float]] = {}
        self.until: dict[str, float] = {}

    def retry_after(self, key: str, now: float) -> float:
        end = self.until.get(key, 0.0)
        if end <= now:
            self.until.pop(key, None)
            return 0.0
        return end - now

    def fail(self, key: str, now: float) -> None:
        times = self.failures.setdefault(key, deque())
        times.append(now)
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            self.until[key] = now + self.lockout
            times.clear()

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)

    def prune(self, now: float) -> None:
        for key in [k for k, t in self.failures.items() if not t or t[-1] <= now - self.window]:
            del self.failures[key]
        for key in [k for k, end in self.until.items() if end <= now]:
            del self.until[key]


class LoginLimiter:
    """Per-user and per-address failure counts with lock-out (thread-safe).

    Parameters
    ----------
    max_failures : int
        Failures for one user name within ``window`` that lock the name out.
    max_per_address : int
        Failures from one client address within ``window`` that lock the address out.
    window, lockout : float
        Seconds.
    clock : callable
        Monotonic seconds (tests pass a fake one).
    """

    def __init__(
        self,
        max_failures: int = 5,
        max_per_address: int = 20,
        window: float = 900.0,
        lockout: float = 900.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._users = _Counter(max_failures, window, lockout)
        self._addrs = _Counter(max_per_address, window, lockout)
        self._clock = clock
        self._lock = threading.Lock()
        self._calls = 0

    def retry_after(self, username: str, address: str) -> float:
        """Seconds until ``username`` from ``address`` may try again (0: now)."""
        with self._lock:
            now = self._clock()
            return max(
                self._users.retry_after(username.lower(), now),
                self._addrs.retry_after(address, now),
            )

    def failed(self, username: str, address: str) -> None:
        """Count a failed login (unknown user names count too)."""
        with self._lock:
            now = self._clock()
            self._users.fail(username.lower(), now)
            self._addrs.fail(address, now)
            self._calls += 1
            if self._calls % 256 == 0:  # keep memory bounded under a spray of names
                self._users.prune(now)
                self._addrs.prune(now)

    def succeeded(self, username: str) -> None:
        """Forget the user name's failures after a good login."""
        with self._lock:
            self._users.forget(username.lower())
