"""Edits that would take people out of a group without saying so, refused before anything is written.

The engine deletes a people resource whose key left the stack file, and that removes or
deactivates everyone it declared: removing `members:` (or `users:`, `assignees:`) from an entry
would take every declared person out. The people ledger (:mod:`program.ledger`) records what each
entry declared at the last `up`; these functions compare that record with the entries now, and
the ledger fails `preview` naming the entry and the people, unless the entry says what is meant:
`members: []` with `maxRemovals` to remove them, or `retainPeople: true` (applied by an earlier
`up`) to leave them in place unmanaged.
"""

from __future__ import annotations

from typing import Any, Mapping

from providers.keyed import listed
from providers.swo.departures import Leaving

KINDS = ("members", "assignees", "users")
LISTS = ("symphonyGroups", "swoGroups")
SHOWN = 10


class PeopleDropped(Exception):
    """One or more entries lost a people key that the last ``up`` recorded people under."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("people would be removed by an edit that does not say so:\n  " + "\n  ".join(problems))


def dropped_people(list_name: str, now: Mapping[str, Any], before: Mapping[str, Any], where: str) -> list[str]:
    """One problem per entry of ``now`` whose people key is gone while ``before`` recorded people under it.

    Both map an entry's key to its record (:meth:`program.stack_config.Entry.ledger`); an entry
    that moved is compared with the record of the first of its ``formerKeys`` that has one.
    """
    problems = []
    for key, entry in now.items():
        if not isinstance(entry, Mapping):
            continue
        old = next((before[k] for k in (key, *entry.get("formerKeys", ())) if isinstance(before.get(k), Mapping)),
                   None)
        if old is None or old.get("retainPeople"):
            continue
        for kind in KINDS:
            gone = listed(old.get(kind)) if kind not in entry else None  # a map since 0.3.0, a list before
            if isinstance(gone, (list, tuple)) and gone:
                shown = ", ".join(map(str, gone[:SHOWN])) + (
                    f" and {len(gone) - SHOWN} more" if len(gone) > SHOWN else "")
                problems.append(
                    f"{where}: {list_name} ('{key}'): {kind}: removing the key would take {len(gone)} {kind} out of "
                    f"the group ({shown}); to remove them write `{kind}: []` with `maxRemovals: {len(gone)}`; to "
                    "stop managing them and leave them in place, set `retainPeople: true`, run `pulumi up`, then "
                    "remove the key")
    return problems


def all_dropped(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    """The problems of both lists, comparing the ledger's recorded state with its new inputs."""
    where = str(news.get("where") or "the stack file")
    problems: list[str] = []
    for name in LISTS:
        before, now = olds.get(name), news.get(name)
        if isinstance(before, Mapping) and isinstance(now, Mapping):
            problems += dropped_people(f"usergroups:{name}", now, before, where)
    return problems


Tenant = tuple[str, str]  # a SoftwareOne connection namespace and account id
# The groups leaving, and the kept ones' users (None: not known yet, so they may hold anyone).
Departures = tuple[list[Leaving], dict[str, list[str] | None]]


def named(users: Any) -> list[str] | None:
    """The users an entry's record holds (a list, or a map keyed by them); ``None`` while not known yet (at
    ``preview``, the users a query will choose in this run)."""
    if users is None:
        return []
    if isinstance(users, (list, tuple, Mapping)):
        return [str(u) for u in users]
    return None


def swo_departures(olds: Mapping[str, Any], news: Mapping[str, Any]) -> dict[Tenant, Departures]:
    """Per account, the SoftwareOne groups the ledger recorded that ``news`` no longer has (with the users the
    run takes out, none when ``retainPeople`` keeps them) and the groups it keeps, with the users each
    declares. An entry stays when a new entry has its key among its key and ``formerKeys``, or
    its group id; ``news`` of ``{}`` (``destroy``) keeps none."""
    before, now = olds.get("swoGroups"), news.get("swoGroups") or {}
    if not isinstance(before, Mapping) or not isinstance(now, Mapping):
        return {}
    staying_keys = {k for key, e in now.items() if isinstance(e, Mapping) for k in (key, *e.get("formerKeys", ()))}
    staying_ids = {e["groupId"] for e in now.values() if isinstance(e, Mapping) and isinstance(e.get("groupId"), str)}
    out: dict[Tenant, Departures] = {}

    def tenant(entry: Mapping[str, Any]) -> Departures:
        return out.setdefault((str(entry.get("connection") or "swo"), str(entry.get("accountId"))), ([], {}))

    for key, entry in before.items():
        gid = entry.get("groupId") if isinstance(entry, Mapping) else None
        if not isinstance(gid, str) or key in staying_keys or gid in staying_ids or not entry.get("accountId"):
            continue  # an older record (no group id) or a group that stays
        removes = () if entry.get("retainPeople") else tuple(named(entry.get("users")) or ())
        tenant(entry)[0].append(Leaving(str(key), gid, removes))
    for key, entry in now.items():
        if isinstance(entry, Mapping) and entry.get("accountId"):
            gid = entry.get("groupId")  # unknown while the group is still to be created: named by its key
            tenant(entry)[1][gid if isinstance(gid, str) else f"new:{key}"] = named(entry.get("users"))
    return out
