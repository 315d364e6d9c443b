"""The stack's record of who each entry declared, so a people key that leaves an entry is noticed.

The engine deletes a people resource whose key left the stack file, and that removes everyone it
declared. The ledger is one resource of the stack (no API behind it) whose inputs are the people
each entry declares; its ``diff`` compares them with what the last ``up`` recorded and fails the
``preview``, before anything is written, when a key went away without the entry saying so
(:mod:`program.guards`). ``refresh`` reads it back unchanged: it holds no drift of its own.

It also takes out a person whose additive grant had no answer and landed after its create failed,
when nothing the run declares holds them (:mod:`providers.people.late_grants`): it runs after every
people resource, so it alone sees everything the run declares.

It is registered last and depends on every group and people resource of the stack, so ``destroy``
deletes it first: its ``delete`` (and its ``diff``, for entries an ``up`` drops) reads the leaving
SoftwareOne groups' users and refuses the run, before anything is written, when one of them would be
left with no group or would keep a group from being deleted (:mod:`providers.swo.departures`).
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, UpdateResult

from program import guards
from providers.errors import ProviderError
from providers.lifecycle import PROVIDER_KEY, ConfiguredProvider
from providers.notices import warn
from providers.people.provider import LateGrant, OnePersonProvider
from providers.swo import provider as swo_provider
from providers.swo.departures import departure_error, departure_problems
from providers.swo.members import SwoUserGroupMemberProvider
from providers.symphony.members import SymphonyUserGroupAssignmentProvider, SymphonyUserGroupMemberProvider

LEDGER_NAME = "people-ledger"
# The additive kinds, whose failed creates may still land with no resource to own them.
ADDITIVE: tuple[type[OnePersonProvider[Any]], ...] = (
    SymphonyUserGroupMemberProvider, SymphonyUserGroupAssignmentProvider, SwoUserGroupMemberProvider)


class PeopleLedgerProvider(ConfiguredProvider):
    """Keeps the declared people as the resource's state; refuses an edit that drops a people key, and a
    run whose leaving SoftwareOne groups would strand users."""

    def create(self, props: dict[str, Any]) -> CreateResult:
        self._take_back_late_grants()
        return CreateResult(LEDGER_NAME, dict(props))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        problems = guards.all_dropped(olds, news)
        if problems:
            raise guards.PeopleDropped(problems)
        self._check_departures(olds, news)
        # The pickled provider changes with the code, not with the people: it is no change of the ledger's.
        same = {k: v for k, v in olds.items() if k != PROVIDER_KEY} == {k: v for k, v in news.items()
                                                                         if k != PROVIDER_KEY}
        late = self._late_grants()
        for grant in late:
            warn(f"{grant} will be taken out: an earlier run's grant had no answer and landed after its create "
                 "failed, and no resource of this stack declares them; declare them to keep them")
        return DiffResult(changes=not same or bool(late))

    def update(self, _id: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        self._take_back_late_grants()
        return UpdateResult(dict(news))

    def _late_grants(self) -> list[LateGrant]:
        """The grants that landed after their create failed and that nothing this run declares: the ledger
        runs after every people resource, so it sees what the whole run declares (see
        :mod:`providers.people.late_grants`)."""
        return [grant for kind in ADDITIVE for grant in self.sibling(kind).late_grants()]

    def _take_back_late_grants(self) -> None:
        for grant in self._late_grants():
            grant.take_back()
            warn(f"took out {grant}: granted by an earlier run's write that had no answer, and declared by nothing")

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        return ReadResult(id_, dict(props))

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        self._check_departures(props, {})

    def _check_departures(self, olds: dict[str, Any], news: dict[str, Any]) -> None:
        for (connection, account_id), (leaving, kept) in guards.swo_departures(olds, news).items():
            if not leaving:
                continue
            client = swo_provider.API.connect(connection, self.config)
            try:
                problems = departure_problems(client, account_id, leaving, kept)
            except ProviderError as exc:
                raise ProviderError(f"could not check who the groups leaving account {account_id} would strand, "
                                    f"so nothing was changed: {exc}") from None
            if problems:
                raise ProviderError(departure_error(account_id, problems))


class PeopleLedger(pulumi.dynamic.Resource, module="usergroups", name="PeopleLedger"):
    """The people every entry of this stack declares, by list and key (see :class:`PeopleLedgerProvider`)."""

    def __init__(self, symphony: dict[str, Any], swo: dict[str, Any], where: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        # Its record repeats what the people resources' own plan already shows, person by person.
        shown = pulumi.ResourceOptions(hide_diffs=["symphonyGroups", "swoGroups"])
        super().__init__(PeopleLedgerProvider(), LEDGER_NAME,
                         {"symphonyGroups": symphony, "swoGroups": swo, "where": where},
                         pulumi.ResourceOptions.merge(opts, shown))
