"""The stack's record of who each entry declared, so a people key that leaves an entry is noticed.

The engine deletes a people resource whose key left the stack file, and that removes everyone it
declared. The ledger is one resource of the stack (no API behind it) whose inputs are the people
each entry declares; its ``diff`` compares them with what the last ``up`` recorded and fails the
``preview``, before anything is written, when a key went away without the entry saying so
(:mod:`program.guards`). ``refresh`` reads it back unchanged: it holds no drift of its own.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, ResourceProvider, UpdateResult

from program import guards
from providers.lifecycle import PROVIDER_KEY

LEDGER_NAME = "people-ledger"


class PeopleLedgerProvider(ResourceProvider):
    """Keeps the declared people as the resource's state; refuses an edit that drops a people key."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        return CreateResult(LEDGER_NAME, dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        problems = guards.all_dropped(olds, news)
        if problems:
            raise guards.PeopleDropped(problems)
        # The pickled provider changes with the code, not with the people: it is no change of the ledger's.
        same = {k: v for k, v in olds.items() if k != PROVIDER_KEY} == {k: v for k, v in news.items()
                                                                         if k != PROVIDER_KEY}
        return DiffResult(changes=not same)

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(dict(news))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None


class PeopleLedger(pulumi.dynamic.Resource, module="usergroups", name="PeopleLedger"):
    """The people every entry of this stack declares, by list and key (see :class:`PeopleLedgerProvider`)."""

    def __init__(self, symphony: dict[str, Any], swo: dict[str, Any], where: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(PeopleLedgerProvider(), LEDGER_NAME,
                         {"symphonyGroups": symphony, "swoGroups": swo, "where": where}, opts)
