"""Additive grants that never answered: taken back when they land and nothing of the stack declares them.

An additive resource (one member, one assignee, one user) whose create had no answer leaves no
resource in the state: the engine saves nothing of a failed create. A slow server may still commit
the grant later. If the next run still declares that person, its create takes the grant over; if it
no longer does, nothing of the stack owns them, and they would keep access nobody declared.

So every additive grant is journaled (``providers.pending``) before it is sent, under the resource's
id and its group, and forgotten once a create of that id succeeds or the API refused it outright.
Each run's ``check`` of every people resource records who it declares in which group
(:class:`Wanted`); the stack's people ledger, which runs after every people resource, asks
:func:`landed` for the journaled grants that are in place and that no resource of the run declares,
names them at ``preview``, and takes them back (:func:`take_back`) at ``up``. A record is kept until
``<ns>:pendingWindow`` seconds after its write (a retried write may land twice), then forgotten.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable

from .. import pending
from ..cache import shared
from .adapter import PeopleAdapter, PersonId
from .directory import directory

SCOPE = "grant"


class Wanted:
    """The values every people resource of this run declares, per group, for one adapter kind and tenant."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, set[str]] = {}

    def declare(self, group_id: str, values: Iterable[str]) -> None:
        with self._lock:
            self._values.setdefault(group_id, set()).update(values)

    def values(self, group_id: str) -> list[str]:
        with self._lock:
            return sorted(self._values.get(group_id, ()))


def wanted(adapter: PeopleAdapter) -> Wanted:
    """The run's declarations of the adapter's kind (members, assignees, users) in its tenant."""
    return shared(("wanted", type(adapter).__name__, *adapter.scope), Wanted)


def key(resource_id: str, group: dict[str, Any], tenant: str) -> str:
    """The journal name of one additive resource: its id, the fields that name its group, and the API's
    address (two stacks of one project folder may use one connection name for two tenants)."""
    return json.dumps({"id": resource_id, "group": group, "tenant": tenant}, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True)
class Grant:
    """A journaled grant: its record's scope and name, the additive resource's id, its group's fields,
    and when its write began."""

    scope: tuple[str, ...]
    name: str
    resource_id: str
    group: dict[str, Any]
    attempted: float
    tenant: str = ""

    @property
    def connection(self) -> str:
        return self.scope[-1]

    @property
    def group_id(self) -> str:
        return str(self.group.get("group_id") or self.resource_id.rpartition("/")[0])

    @property
    def person(self) -> str:
        return self.resource_id.rpartition("/")[2]


def journaled(provider_kind: str) -> list[Grant]:
    """The grants of this kind, in any connection, whose create did not succeed."""
    grants = []
    for where, name, at in pending.entries((SCOPE, provider_kind)):
        try:
            data = json.loads(name)
            grants.append(Grant(where, name, str(data["id"]), dict(data["group"]), at, str(data.get("tenant") or "")))
        except (ValueError, KeyError, TypeError):
            continue
    return grants


def declared(adapter: PeopleAdapter, group_id: str, person_id: PersonId) -> bool:
    """Whether some people resource of this run declares the person in the group, by any spelling."""
    values = wanted(adapter).values(group_id)
    if not values:
        return False
    found, _ = directory(adapter).resolve(adapter, values)
    return any(p.id == person_id for p in found.values())


def landed(adapter: PeopleAdapter, grant: Grant, window: float) -> str | None:
    """How the API shows the person, when the grant is in place and nothing of this run declares them
    (``None`` otherwise). A grant that has not landed is forgotten once its window is over."""
    person_id = adapter.parse_id(grant.person)
    held = adapter.holds(grant.group_id, person_id)
    if held is None:
        forget_after_window(grant, window)
        return None
    return None if declared(adapter, grant.group_id, person_id) else held.shown


def take_back(adapter: PeopleAdapter, grant: Grant, window: float) -> None:
    """Removes the person the late grant put in; the record stays for its window (a retry may land too)."""
    from .engine import remove_each  # the engine journals its grants here

    remove_each(adapter, grant.group_id, [adapter.parse_id(grant.person)])
    forget_after_window(grant, window)


def forget_after_window(grant: Grant, window: float) -> None:
    if time.time() - grant.attempted >= window:
        pending.settle(grant.scope, grant.name)
