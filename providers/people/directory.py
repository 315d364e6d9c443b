"""The people one run has looked up, per tenant: N names cost N / batch requests, and a name
looked up by ``preview``'s check is not asked for again by ``create``.

A declared value resolves to a person only by the adapter's own comparison (``adapter.key``) with a
name the API gave that person (their id, username or address), never by what the lookup matched:
a lookup may match more broadly (a collation, a prefix), and a looser match could let another
person in. Two people whose names compare equal make the value ambiguous, which is refused.
"""

from __future__ import annotations

import threading
from typing import Iterable

from ..cache import shared
from ..errors import ProviderError
from .adapter import PeopleAdapter, Person


class Directory:
    """Who each looked-up value names, in one tenant (one provider process, one run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._people: dict[str, dict[object, Person]] = {}  # key -> {person id: person}
        self._asked: set[str] = set()

    def resolve(self, adapter: PeopleAdapter, values: Iterable[str]) -> tuple[dict[str, Person], list[str]]:
        """``({value: person}, [values that name nobody])``; only values not asked before are looked up.
        A value two people answer to fails naming both."""
        values = list(dict.fromkeys(values))
        with self._lock:
            missing = [v for v in values if adapter.key(v) not in self._asked]
        if missing:
            found = adapter.look_up(missing)
            with self._lock:
                self._asked.update(adapter.key(v) for v in missing)
            self.learn(adapter, found)
        known: dict[str, Person] = {}
        with self._lock:
            for value in values:
                matches = list(self._people.get(adapter.key(value), {}).values())
                if len(matches) > 1:
                    raise ProviderError(
                        f"{value} names {len(matches)} accounts of {adapter.where} "
                        f"({', '.join(sorted(str(p.id) for p in matches))}); name the person by id instead")
                if matches:
                    known[value] = matches[0]
        return known, [v for v in values if v not in known]

    def learn(self, adapter: PeopleAdapter, people: Iterable[Person]) -> None:
        with self._lock:
            for person in people:
                for name in person.names:
                    if name:
                        self._people.setdefault(adapter.key(name), {})[person.id] = person
                        self._asked.add(adapter.key(name))


def directory(adapter: PeopleAdapter) -> Directory:
    """The run's directory of the adapter's tenant."""
    return shared(("people", *adapter.scope), Directory)
