"""Who is in a Symphony compliance group and who oversees it: ``SymphonyUserGroupMembers`` (the whole
list of members), ``SymphonyUserGroupMember`` (one member) and ``SymphonyUserGroupAssignment`` (one
assignee, e.g. a compliance officer).

People are named by username and resolved to pod user ids with the users lookup, 100 at a time.
Every write is one of the pod's documented upserts (``PUT .../memberships/{userId}``,
``PUT .../assignments/{userId}`` with ``{"active": ...}``) or the replace-all of the member list
(``PUT .../memberships``), so each is safe to send again after an ambiguous failure. The API has
no delete: a member or assignee is removed by ``active: false``.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from pulumi.dynamic import CheckFailure

from ..cache import shared
from ..errors import ConfigError, ProviderError
from ..lifecycle import Provider, Service
from ..membership import check_people, claims, leave_claimed, write_each
from .models import (
    SymphonyUserGroupAssignmentInputs,
    SymphonyUserGroupMemberInputs,
    SymphonyUserGroupMembersInputs,
    UserGroupLink,
)
from .provider import connect, connection_problems

if TYPE_CHECKING:
    from .client import SymphonyClient

# Above this many changes, the member list is written with one replace-all request instead of
# one request per person (which is cheaper for a handful and never touches anyone else).
BULK_FROM = 50
LIST_AND_ADD = ("both a whole member list (SymphonyUserGroupMembers, `members: [...]`) and additive members "
                "(SymphonyUserGroupMember, `members: {add: [...]}`) in this stack: the list would deactivate the added "
                "members at every update. Put the members in the list, or use additive members only")


class PodDirectory:
    """The pod users a run has looked up, by username (one provider process, one run)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, int] = {}

    def resolve(self, client: "SymphonyClient", usernames: Iterable[str]) -> tuple[dict[str, int], list[str]]:
        """``({username: user id}, [usernames the pod does not know])``."""
        names = list(dict.fromkeys(usernames))
        with self._lock:
            missing = [n for n in names if n.casefold() not in self._ids]
        if missing:
            found, _ = client.users_by_username(missing)
            self.learn((u.username or "", u.id) for u in found)
        with self._lock:
            known = {n: self._ids[n.casefold()] for n in names if n.casefold() in self._ids}
        return known, [n for n in names if n not in known]

    def learn(self, pairs: Iterable[tuple[str, int]]) -> None:
        with self._lock:
            for name, uid in pairs:
                if name:
                    self._ids[name.casefold()] = uid


def _directory(connection: str) -> PodDirectory:
    return shared(("symphony-users", connection), PodDirectory)


def _scope(connection: str) -> tuple[str, ...]:
    return ("symphony", connection)


def _unknown(group_id: str, unknown: list[str]) -> ProviderError:
    return ProviderError(f"{', '.join(unknown)} {'is not a user' if len(unknown) == 1 else 'are not users'} of "
                         f"this pod, so not added to {group_id}; check the username (the users lookup matches it "
                         "exactly, without case)")


def _resolve(client: "SymphonyClient", connection: str, group_id: str, usernames: list[str],
             known: dict[str, int] | None = None) -> dict[str, int]:
    known = known or {}
    resolved, unknown = _directory(connection).resolve(client, [u for u in usernames if u not in known])
    if unknown:
        raise _unknown(group_id, unknown)
    return {u: known.get(u) or resolved[u] for u in usernames}


def _set_each(client: "SymphonyClient", group_id: str, kind: str, user_ids: Iterable[int], active: bool) -> None:
    what = ("adding " if active else "deactivating ") + ("member" if kind == "members" else "assignee")
    # Deactivating someone whose group or user is gone (404) leaves nothing to do.
    write_each(what, group_id, [str(u) for u in user_ids],
               lambda uid: client.set_link(group_id, kind, int(uid), active), done_on=() if active else (404,))


class SymphonyMembersService(Service[SymphonyUserGroupMembersInputs]):
    """A group's whole member list. The resource id is the group id (one list per group)."""

    def __init__(self, client: "SymphonyClient") -> None:
        self.client = client

    def create(self, inputs: SymphonyUserGroupMembersInputs) -> dict[str, Any]:
        claims(_scope(inputs.connection)).enter(inputs.group_id, "list", LIST_AND_ADD)
        resolved = _resolve(self.client, inputs.connection, inputs.group_id, inputs.usernames)
        current = self.client.links(inputs.group_id, "members")
        if current is None:
            raise ProviderError(f"group {inputs.group_id} does not exist on the pod")
        self._apply(inputs, {link.user_id for link in current}, resolved)
        return self._outputs(inputs, resolved)

    def update(self, id_: str, inputs: SymphonyUserGroupMembersInputs, olds: dict[str, Any]) -> dict[str, Any]:
        # Only the difference from the stored state (which `refresh` brings up to date): a one-member
        # change is one request, not a listing of the whole group.
        claims(_scope(inputs.connection)).enter(inputs.group_id, "list", LIST_AND_ADD)
        known = {k: int(v) for k, v in (olds.get("resolved") or {}).items() if k in inputs.usernames}
        resolved = _resolve(self.client, inputs.connection, inputs.group_id, inputs.usernames, known)
        self._apply(inputs, _ids(olds.get("user_ids")), resolved)
        return self._outputs(inputs, resolved)

    def _apply(self, inputs: SymphonyUserGroupMembersInputs, before: set[int], resolved: dict[str, int]) -> None:
        wanted = set(resolved.values())
        claims(_scope(inputs.connection)).claim(inputs.group_id, map(str, wanted), "list")
        add, drop = wanted - before, before - wanted
        if len(add) + len(drop) >= BULK_FROM:
            self.client.replace_members(inputs.group_id, list(inputs.usernames))
            return
        _set_each(self.client, inputs.group_id, "members", add, True)
        _set_each(self.client, inputs.group_id, "members", drop, False)

    def get(self, id_: str, inputs: SymphonyUserGroupMembersInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        links = self.client.links(inputs.group_id, "members")
        if links is None:
            return None
        resolved = {name: int(uid) for name, uid in (stored.get("resolved") or {}).items()}
        declared = {uid: name for name, uid in resolved.items()}
        names = [declared.get(link.user_id) or _name(link) for link in links]
        return {"id": id_, "group_id": inputs.group_id, "usernames": names,
                "user_ids": sorted(link.user_id for link in links),
                "resolved": {n: u for n, u in resolved.items() if n in names}}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        # Exactly the members this resource manages (as declared), not everyone a refresh found.
        group_id, connection = outputs["group_id"], outputs.get("connection") or "symphony"
        declared = {str(u) for u in _ids((outputs.get("resolved") or {}).values())}
        managed = _ids(leave_claimed(_scope(connection), group_id, declared, "list"))
        if len(managed) < BULK_FROM:
            _set_each(self.client, group_id, "members", managed, False)
            return
        current = self.client.links(group_id, "members")
        if current is None:
            return  # the group is gone, and its members with it
        self.client.replace_members(group_id, [_name(link) for link in current if link.user_id not in managed])

    @staticmethod
    def _outputs(inputs: SymphonyUserGroupMembersInputs, resolved: dict[str, int]) -> dict[str, Any]:
        return {"id": inputs.group_id, "group_id": inputs.group_id, "usernames": list(inputs.usernames),
                "user_ids": sorted(set(resolved.values())), "resolved": resolved}


def _ids(values: Iterable[Any] | None) -> set[int]:
    """User ids as stored: the engine keeps every number as a float, so ``1305...01`` comes back ``1305...01.0``."""
    return {int(float(v)) for v in values or []}


def _name(link: UserGroupLink) -> str:
    return (link.user.username if link.user and link.user.username else None) or str(link.user_id)


class SymphonyLinkService(Service[Any]):
    """One member or one assignee of a group; the resource id is ``<group id>/<user id>``."""

    def __init__(self, client: "SymphonyClient", kind: str) -> None:
        self.client, self.kind = client, kind

    def create(self, inputs: Any) -> dict[str, Any]:
        if self.kind == "members":
            claims(_scope(inputs.connection)).enter(inputs.group_id, "add", LIST_AND_ADD)
        user_id = _resolve(self.client, inputs.connection, inputs.group_id, [inputs.username])[inputs.username]
        claims(_scope(inputs.connection)).claim(inputs.group_id, [str(user_id)], "add")
        # Taking over what is already so writes nothing (an adopted tenant's first `up` stays read-only).
        current = self.client.links(inputs.group_id, self.kind, active=True, user_id=user_id)
        if not any(link.user_id == user_id for link in current or []):
            _set_each(self.client, inputs.group_id, self.kind, [user_id], True)
        return {"id": f"{inputs.group_id}/{user_id}", "group_id": inputs.group_id, "username": inputs.username,
                "user_id": user_id}

    def update(self, id_: str, inputs: Any, olds: dict[str, Any]) -> dict[str, Any]:
        return self.create(inputs)  # every argument forces a replace; only the stored outputs may differ

    def get(self, id_: str, inputs: Any, stored: dict[str, Any]) -> dict[str, Any] | None:
        group_id, _, user = id_.rpartition("/")
        links = self.client.links(group_id, self.kind, active=None, user_id=int(user))
        if not links or not any(link.active for link in links):
            return None  # the group is gone, or the person was deactivated outside Pulumi
        return {"id": id_, "group_id": group_id, "username": stored.get("username") or _name(links[0]),
                "user_id": int(user)}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        group_id, _, user = id_.rpartition("/")
        if leave_claimed(_scope(outputs.get("connection") or "symphony"), group_id, {user}, "add"):
            _set_each(self.client, group_id, self.kind, [int(user)], False)


class _PodPeople:
    """What the three providers share: the pod's connection, and usernames checked at preview."""

    _config: Any

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        return connection_problems(namespace, self._config)

    def _check_names(self, inputs: Any, names: list[str], field: str, unknown: set[str]) -> list[CheckFailure]:
        """Usernames the pod does not know fail at preview, when the pod answers; otherwise at the first write.
        A group still to be created (its id unknown) does not stop the check: users belong to the pod."""
        if not names or unknown & {field, "connection"}:
            return []
        return check_people(
            field, "the new group" if "group_id" in unknown else inputs.group_id,
            lambda: _directory(inputs.connection).resolve(connect(inputs.connection, self._config), names)[1],
            _unknown)


class SymphonyUserGroupMembersProvider(_PodPeople, Provider[SymphonyUserGroupMembersInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMembers``. Holds no client, key or session."""

    kind = "Symphony group members"
    inputs_model = SymphonyUserGroupMembersInputs
    lookup = False  # the writes are upserts: nothing to look up before a create
    natural_key_hint = "group"

    def service(self, inputs: SymphonyUserGroupMembersInputs) -> SymphonyMembersService:
        return SymphonyMembersService(connect(inputs.connection, self._config))

    def check_online(self, inputs: SymphonyUserGroupMembersInputs, olds: dict[str, Any],
                     unknown: set[str]) -> list[CheckFailure]:
        applied = set(olds.get("usernames") or []) if olds.get("group_id") == getattr(inputs, "group_id", None) \
            else set()
        return self._check_names(inputs, [u for u in getattr(inputs, "usernames", None) or [] if u not in applied],
                                 "usernames", unknown)


class SymphonyUserGroupMemberProvider(_PodPeople, Provider[SymphonyUserGroupMemberInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMember``. Holds no client, key or session."""

    kind = "Symphony group member"
    inputs_model = SymphonyUserGroupMemberInputs
    lookup = False
    natural_key_hint = "group and username"

    def service(self, inputs: SymphonyUserGroupMemberInputs) -> SymphonyLinkService:
        return SymphonyLinkService(connect(inputs.connection, self._config), "members")

    def check_online(self, inputs: SymphonyUserGroupMemberInputs, olds: dict[str, Any],
                     unknown: set[str]) -> list[CheckFailure]:
        if "username" in unknown or (olds.get("username") == inputs.username
                                     and olds.get("group_id") == getattr(inputs, "group_id", None)):
            return []
        return self._check_names(inputs, [inputs.username], "username", unknown)


class SymphonyUserGroupAssignmentProvider(_PodPeople, Provider[SymphonyUserGroupAssignmentInputs]):
    """The dynamic provider behind ``SymphonyUserGroupAssignment``. Holds no client, key or session."""

    kind = "Symphony group assignee"
    inputs_model = SymphonyUserGroupAssignmentInputs
    lookup = False
    natural_key_hint = "group and username"

    def service(self, inputs: SymphonyUserGroupAssignmentInputs) -> SymphonyLinkService:
        return SymphonyLinkService(connect(inputs.connection, self._config), "assignees")

    def check_online(self, inputs: SymphonyUserGroupAssignmentInputs, olds: dict[str, Any],
                     unknown: set[str]) -> list[CheckFailure]:
        if "username" in unknown or (olds.get("username") == inputs.username
                                     and olds.get("group_id") == getattr(inputs, "group_id", None)):
            return []
        return self._check_names(inputs, [inputs.username], "username", unknown)
