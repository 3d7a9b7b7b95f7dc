"""The admin passphrase check: constant-time comparison and a lockout after failures.

Used when no identity provider is configured. One gate per process: a failed guess
counts for every session, so opening a new tab does not reset the lockout.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LockedOut", "PassphraseGate"]


class LockedOut(Exception):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"too many wrong passphrases; try again in {max(1, round(seconds))} s")
        self.seconds = seconds


@dataclass
class PassphraseGate:
    """``check(guess)`` -> bool; after ``max_failures`` wrong guesses in a row, every check
    raises :class:`LockedOut` for ``lockout_seconds``."""

    passphrase: str
    max_failures: int = 5
    lockout_seconds: float = 60.0
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self._digest = hashlib.sha256(self.passphrase.encode()).digest()
        self._failures = 0
        self._locked_until = 0.0
        self._lock = threading.Lock()

    def check(self, guess: str) -> bool:
        with self._lock:
            now = self.clock()
            if now < self._locked_until:
                raise LockedOut(self._locked_until - now)
            # Comparing digests of equal length keeps the time independent of the guess.
            ok = hmac.compare_digest(hashlib.sha256(guess.encode()).digest(), self._digest)
            if ok:
                self._failures = 0
                return True
            self._failures += 1
            if self._failures >= self.max_failures:
                self._failures = 0
                self._locked_until = now + self.lockout_seconds
            return False
