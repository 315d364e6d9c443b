"""The people one run has looked up, per tenant: N names cost N / batch requests, and a name
looked up by ``preview``'s check is not asked for again by ``create``."""

from __future__ import annotations

import threading
from typing import Iterable

from ..cache import shared
from .adapter import PeopleAdapter, Person


class Directory:
    """Who each looked-up value names, in one tenant (one provider process, one run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._people: dict[str, Person] = {}

    def resolve(self, adapter: PeopleAdapter, values: Iterable[str]) -> tuple[dict[str, Person], list[str]]:
        """``({value: person}, [values that name nobody])``; only values not seen before are asked for."""
        values = list(dict.fromkeys(values))
        with self._lock:
            missing = [v for v in values if adapter.key(v) not in self._people]
        if missing:
            self.learn(adapter, adapter.look_up(missing))
        with self._lock:
            known = {v: self._people[adapter.key(v)] for v in values if adapter.key(v) in self._people}
        return known, [v for v in values if v not in known]

    def learn(self, adapter: PeopleAdapter, people: Iterable[Person]) -> None:
        with self._lock:
            for person in people:
                for name in person.names:
                    if name:
                        self._people[adapter.key(name)] = person


def directory(adapter: PeopleAdapter) -> Directory:
    """The run's directory of the adapter's tenant."""
    return shared(("people", *adapter.scope), Directory)
