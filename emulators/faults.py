"""Fault injection: rules a test switches on per route, consumed by the HTTP layer."""

from __future__ import annotations

import random
import threading
from enum import Enum
from typing import Optional

from pydantic import BaseModel, Field


class FaultKind(str, Enum):
    """What the emulator does to a matching request."""

    LATENCY = "latency"  # wait `delay` seconds, then answer normally
    STATUS = "status"  # answer `status` (429, 5xx, 401, 403...) without touching state
    DROP_BEFORE = "drop_before"  # reset the connection before the request is processed
    DROP_AFTER = "drop_after"  # process (commit) the request, then reset instead of answering
    SLOW = "slow"  # wait `delay` seconds before processing: a client read timeout fires first
    REDIRECT = "redirect"  # answer `status` (307 unless set) with Location: `location` + the request's path
    HOLD = "hold"  # hold the request until released (``/_emulator/release``) or `delay` seconds at most, then
    # process it: a commit that lands exactly when a test says, however slow the machine is


class FaultRule(BaseModel):
    """One fault. ``route`` is ``"METHOD /template"`` as counted, ``"METHOD *"`` or ``"*"``."""

    route: str = "*"
    kind: FaultKind
    status: int = 503
    retry_after: Optional[float] = None
    delay: float = 0.0
    location: Optional[str] = Field(default=None, description="redirect target (scheme://host:port), for redirect")
    times: Optional[int] = Field(default=None, description="fire this many times, then retire; None = until cleared")
    probability: float = Field(default=1.0, ge=0.0, le=1.0, description="chance that a matching request is hit")
    seed: Optional[int] = None
    within: Optional[str] = Field(default=None, description="only requests whose path contains this (a group's or "
                                                            "a user's id): faults aimed at one group share a run")
    fired: int = 0

    def matches(self, route: str, path: str = "") -> bool:
        if self.within is not None and self.within not in path:
            return False
        if self.route == "*" or self.route == route:
            return True
        method, _, template = self.route.partition(" ")
        return template == "*" and route.startswith(method + " ")


class FaultPlan:
    """The active rules of one emulator; the first matching rule that fires wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._rngs: dict[int, random.Random] = {}
        self._released = threading.Condition()
        self._generation = 0  # bumped by release(): every request held before it goes on
        self._held = 0

    def hold(self, at_most: float) -> None:
        """Blocks the calling request until the next ``release()`` or ``at_most`` seconds."""
        with self._released:
            generation, self._held = self._generation, self._held + 1
            try:
                self._released.wait_for(lambda: self._generation != generation, timeout=at_most)
            finally:
                self._held -= 1

    def release(self) -> int:
        """Lets every held request go on; how many there were."""
        with self._released:
            held, self._generation = self._held, self._generation + 1
            self._released.notify_all()
        return held

    def held(self) -> int:
        with self._released:
            return self._held

    def add(self, rule: FaultRule) -> None:
        with self._lock:
            self._rules.append(rule)
            self._rngs[id(rule)] = random.Random(rule.seed)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()
            self._rngs.clear()

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return [r.model_copy() for r in self._rules]

    def take(self, route: str, path: str = "") -> FaultRule | None:
        """The rule that applies to this request, if any; counts it as fired."""
        with self._lock:
            for rule in list(self._rules):
                if not rule.matches(route, path):
                    continue
                if rule.probability < 1.0 and self._rngs[id(rule)].random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.times is not None and rule.fired >= rule.times:
                    self._rules.remove(rule)
                return rule.model_copy()
        return None
