"""The admin passphrase check: constant-time comparison, a lockout per client and a slow-down
for everyone.

Used when no identity provider is configured. Two limits work together:

* **Per client** (the app passes the browser session): after ``max_failures`` wrong guesses
  in a row, that client is locked out for ``lockout_seconds``, doubling with each further
  lockout up to ``max_lockout_seconds``; a right guess clears it. One client's wrong guesses
  never lock out another, so nobody can keep the admins out by failing on purpose.
* **For everyone**: a new client starts with a clean slate, so opening tabs would reset the
  lockout. Once ``global_failures`` wrong guesses have come in within ``global_window``
  seconds (from any clients), the gate hears at most one guess every ``slow_seconds``; a
  guess that comes sooner is not checked and its client is told when to try again. This
  caps sustained guessing at one guess per ``slow_seconds`` however many tabs an attacker
  opens, while an admin is at most delayed, never locked out by someone else.

With the defaults, a single client gets 5 guesses, then 5 more after 60 s, 120 s, 240 s ...
(at most 5 an hour after that); many clients together get at most one guess every 5 s
(720 an hour) once 20 have failed within 10 minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.errors import AdvisorError

__all__ = ["LockedOut", "PassphraseGate"]


class LockedOut(AdvisorError):
    """A guess that was not checked; ``seconds`` until this client may try again. Part of
    the one exception family, so every surface shows it as it shows any other refusal."""

    def __init__(self, seconds: float, why: str = "too many wrong passphrases") -> None:
        super().__init__(f"{why}; try again in {max(1, round(seconds))} s")
        self.seconds = seconds


@dataclass
class _Client:
    failures: int = 0  # wrong guesses in a row since the last lockout or success
    lockouts: int = 0  # lockouts since the last success (each one twice as long)
    locked_until: float = 0.0


@dataclass
class PassphraseGate:
    """``check(guess, client)`` -> bool, or raises :class:`LockedOut` without checking."""

    passphrase: str
    max_failures: int = 5
    lockout_seconds: float = 60.0
    max_lockout_seconds: float = 3600.0
    global_failures: int = 20
    global_window: float = 600.0
    slow_seconds: float = 5.0
    max_clients: int = 10_000  # clients remembered; the least recently seen are forgotten
    clock: Callable[[], float] = time.monotonic
    _clients: OrderedDict[str, _Client] = field(default_factory=OrderedDict, init=False)
    _recent: deque[float] = field(init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._digest = hashlib.sha256(self.passphrase.encode()).digest()
        self._recent = deque(maxlen=self.global_failures)  # times of the latest failures

    def check(self, guess: str, client: str) -> bool:
        """Whether ``guess`` is the passphrase; :class:`LockedOut` when ``client`` (or
        everyone, under a flood of wrong guesses) must wait before guessing again."""
        with self._lock:
            now = self.clock()
            state = self._client(client)
            if now < state.locked_until:
                raise LockedOut(state.locked_until - now, "too many wrong passphrases from here")
            if self._under_pressure(now):
                wait = self._recent[-1] + self.slow_seconds - now
                if wait > 0:
                    raise LockedOut(wait, "many wrong passphrases are being tried on this server")
            # Comparing digests of equal length keeps the time independent of the guess.
            ok = hmac.compare_digest(hashlib.sha256(guess.encode()).digest(), self._digest)
            if ok:
                self._clients.pop(client, None)
                return True
            self._recent.append(now)
            state.failures += 1
            if state.failures >= self.max_failures:
                state.failures = 0
                lockout = self.lockout_seconds * 2**state.lockouts
                state.locked_until = now + min(lockout, self.max_lockout_seconds)
                state.lockouts += 1
            return False

    def _client(self, client: str) -> _Client:
        state = self._clients.pop(client, None) or _Client()
        self._clients[client] = state  # most recently seen last
        while len(self._clients) > self.max_clients:
            self._clients.popitem(last=False)
        return state

    def _under_pressure(self, now: float) -> bool:
        """``global_failures`` wrong guesses within the last ``global_window`` seconds."""
        return len(self._recent) == self.global_failures and (
            now - self._recent[0] < self.global_window
        )
