"""Who would be stranded when groups of a SoftwareOne account go away, found before anything is written.

The platform keeps every account user in at least one group (a removal that would leave none is
refused) and never deletes a group that still has users. A ``destroy`` (or an ``up`` that drops
entries) that runs into either rule fails part-way: some people removed, others not, and whatever
else the run had done already done. :func:`departure_problems` reads the leaving groups' users and
names, per group, everyone who would be left with no group and everyone the run would not take out
(added outside the stack, or kept by ``retainPeople``), so the run can be refused whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

from .client import SwoClient
from .people import AccountUsers, person

SHOWN = 10  # people named per group; the rest are counted


@dataclass(frozen=True)
class Leaving:
    """One group the run deletes: the entry's key, the group id and the users the run takes out of it."""

    key: str
    group_id: str
    removes: tuple[str, ...] = ()  # declared users (ids or addresses) whose resources go with the group


@dataclass
class _Stranded:
    no_group: list[str] = field(default_factory=list)
    staying: list[str] = field(default_factory=list)


def departure_problems(client: SwoClient, account_id: str, leaving: Iterable[Leaving],
                       kept: Mapping[str, Iterable[str] | None] | None = None) -> list[str]:
    """One line per leaving group that strands someone; ``kept`` maps each group the stack keeps to the
    users it declares (a user declared there has a group after the run, even before it is written), or to
    ``None`` while they are not known yet (a query's choice at ``preview``): such a group may hold anyone,
    and the run's own check, once they are known, decides."""
    leaving = list(leaving)
    gone = {g.group_id for g in leaving}
    if any(values is None for values in (kept or {}).values()):
        return []
    kept_keys = {gid: {AccountUsers.key(v) for v in values or ()} for gid, values in (kept or {}).items()}
    problems = []
    for group in leaving:
        removes = {AccountUsers.key(v) for v in group.removes}
        found = _Stranded()
        for user in client.group_users(account_id, group.group_id):
            names = {AccountUsers.key(n) for n in person(user).names}
            after = {g.id for g in user.groups} - gone
            after |= {gid for gid, declared in kept_keys.items() if names & declared}
            shown = user.id + (f" ({user.address()})" if user.address() else "")
            if not after:
                found.no_group.append(shown)
            elif not names & removes:
                found.staying.append(shown)
        parts = []
        if found.no_group:
            parts.append(f"{_some(found.no_group)} would have no group left")
        if found.staying:
            parts.append(f"{_some(found.staying)} would stay in it (not removed by this stack)")
        if parts:
            problems.append(f"{group.key} ({group.group_id}): {'; '.join(parts)}")
    return problems


def departure_error(account_id: str, problems: list[str]) -> str:
    """The one-paragraph refusal for :func:`departure_problems`' answer, with the ways out."""
    return (f"nothing was changed: the groups leaving account {account_id} would strand users ("
            + "; ".join(problems) + "). The platform keeps every user in at least one group and deletes only "
            "empty groups: put each user in a group the stack keeps (declare them in its `users`) or in another "
            "group in the Marketplace portal, or declare them in the leaving entry's `users` so they are removed "
            "with it, then run the command again")


def _some(people: list[str]) -> str:
    more = len(people) - SHOWN
    return ", ".join(people[:SHOWN]) + (f" and {more} more" if more > 0 else "")
