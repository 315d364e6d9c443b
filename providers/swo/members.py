"""Which account users are in a SoftwareOne group: ``SwoUserGroupMembers`` (the whole list) and
``SwoUserGroupMember`` (one user).

Membership is written on each account user (POST adds one group, DELETE removes one);
the replace-all PUT of a user's groups is never used, since it would drop the user's
other groups. Both writes are idempotent on the platform's side: adding a group the
user has is no change, and removing one it no longer has answers 404, which counts
as done. So an ambiguous failure is answered by sending the same write again.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Iterable

from pulumi.dynamic import CheckFailure

from ..cache import shared
from ..errors import ConfigError, ProviderError
from ..lifecycle import Provider, Service
from ..membership import check_people, claims, leave_claimed, write_each
from .models import USER_ID, AccountUser, SwoUserGroupMemberInputs, SwoUserGroupMembersInputs
from .provider import connect, connection_problems

if TYPE_CHECKING:
    from .client import SwoClient


class UserDirectory:
    """The account users a run has looked up, by id and by address (one provider process, one run).

    Lookups are batched filtered listings, so N users cost N / 50 requests, and a user
    looked up at ``preview``-time ``check`` is not asked for again by ``create``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, str] = {}  # casefolded reference -> USR id
        self._addresses: dict[str, str | None] = {}  # USR id -> address

    def resolve(self, client: "SwoClient", account_id: str, refs: Iterable[str]) -> tuple[dict[str, str], list[str]]:
        """``({reference: USR id}, [references that are no user of the account])``."""
        refs = list(dict.fromkeys(refs))
        with self._lock:
            missing = [r for r in refs if r.casefold() not in self._ids]
        if missing:
            found = client.account_users(account_id, [r for r in missing if USER_ID.match(r)],
                                         [r for r in missing if not USER_ID.match(r)])
            self.learn(found)
        with self._lock:
            known = {r: self._ids[r.casefold()] for r in refs if r.casefold() in self._ids}
        return known, [r for r in refs if r not in known]

    def learn(self, users: Iterable[AccountUser]) -> None:
        with self._lock:
            for user in users:
                self._ids[user.id.casefold()] = user.id
                address = user.address()
                self._addresses[user.id] = address
                if address:
                    self._ids[address.casefold()] = user.id

    def address(self, user_id: str) -> str | None:
        with self._lock:
            return self._addresses.get(user_id)


LIST_AND_ADD = ("both a whole user list (SwoUserGroupMembers, `users: [...]`) and additive users "
                "(SwoUserGroupMember, `users: {add: [...]}`) in this stack: the list would remove the added users at "
                "every update. Put the users in the list, or manage the group with additive users only")


def _scope(connection: str) -> tuple[str, ...]:
    return ("swo", connection)


def _directory(connection: str, account_id: str) -> UserDirectory:
    return shared(("swo-users", connection, account_id), UserDirectory)


def _unknown_users(account_id: str, group_id: str, unknown: list[str]) -> ProviderError:
    return ProviderError(f"{', '.join(unknown)} {'is not a user' if len(unknown) == 1 else 'are not users'} of "
                         f"account {account_id}, so not added to {group_id}; this resource never invites users: "
                         "invite them in the Marketplace portal first, or fix the id or address")


def add_users(client: "SwoClient", account_id: str, group_id: str, user_ids: Iterable[str]) -> None:
    write_each("adding user", group_id, user_ids, lambda uid: client.add_to_group(account_id, uid, group_id))


def remove_users(client: "SwoClient", account_id: str, group_id: str, user_ids: Iterable[str]) -> None:
    write_each("removing user", group_id, user_ids, lambda uid: client.remove_from_group(account_id, uid, group_id))


class SwoMembersService(Service[SwoUserGroupMembersInputs]):
    """A group's whole user list. The resource id is the group id (one list per group)."""

    def __init__(self, client: "SwoClient") -> None:
        self.client = client

    def _resolve(self, inputs: SwoUserGroupMembersInputs, known: dict[str, str]) -> dict[str, str]:
        directory = _directory(inputs.connection, inputs.account_id)
        fresh = [u for u in inputs.users if u not in known]
        resolved, unknown = directory.resolve(self.client, inputs.account_id, fresh)
        if unknown:
            raise _unknown_users(inputs.account_id, inputs.group_id, unknown)
        return {u: known.get(u) or resolved[u] for u in inputs.users}

    def create(self, inputs: SwoUserGroupMembersInputs) -> dict[str, Any]:
        claims(_scope(inputs.connection)).enter(inputs.group_id, "list", LIST_AND_ADD)
        resolved = self._resolve(inputs, {})
        current = {u.id for u in self.client.group_users(inputs.account_id, inputs.group_id)}
        wanted = set(resolved.values())
        claims(_scope(inputs.connection)).claim(inputs.group_id, wanted, "list")
        add_users(self.client, inputs.account_id, inputs.group_id, wanted - current)
        remove_users(self.client, inputs.account_id, inputs.group_id, current - wanted)
        return self._outputs(inputs, resolved)

    def update(self, id_: str, inputs: SwoUserGroupMembersInputs, olds: dict[str, Any]) -> dict[str, Any]:
        # Only the difference from the stored state (which `refresh` brings up to date): a one-user
        # change is one write, not a listing of the whole group.
        claims(_scope(inputs.connection)).enter(inputs.group_id, "list", LIST_AND_ADD)
        known = {k: v for k, v in (olds.get("resolved") or {}).items() if k in inputs.users}
        resolved = self._resolve(inputs, known)
        before, wanted = set(olds.get("user_ids") or []), set(resolved.values())
        claims(_scope(inputs.connection)).claim(inputs.group_id, wanted, "list")
        add_users(self.client, inputs.account_id, inputs.group_id, wanted - before)
        remove_users(self.client, inputs.account_id, inputs.group_id, before - wanted)
        return self._outputs(inputs, resolved)

    def get(self, id_: str, inputs: SwoUserGroupMembersInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        if self.client.get(inputs.group_id) is None:
            return None
        members = self.client.group_users(inputs.account_id, inputs.group_id)
        resolved: dict[str, str] = dict(stored.get("resolved") or {})
        declared_by_id = {uid: ref for ref, uid in resolved.items()}
        users = [declared_by_id.get(u.id, u.id) for u in members]  # the declared spelling where there is one
        return {"id": id_, "account_id": inputs.account_id, "group_id": inputs.group_id, "users": users,
                "user_ids": sorted(u.id for u in members),
                "resolved": {ref: uid for ref, uid in resolved.items() if ref in users}}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        # Exactly the users this resource manages (as declared), not everyone a refresh found.
        managed = set((outputs.get("resolved") or {}).values())
        connection = outputs.get("connection") or "swo"
        remove_users(self.client, outputs["account_id"], outputs["group_id"],
                     leave_claimed(_scope(connection), outputs["group_id"], managed, "list"))

    @staticmethod
    def _outputs(inputs: SwoUserGroupMembersInputs, resolved: dict[str, str]) -> dict[str, Any]:
        return {"id": inputs.group_id, "account_id": inputs.account_id, "group_id": inputs.group_id,
                "users": list(inputs.users), "user_ids": sorted(set(resolved.values())), "resolved": resolved}


class SwoMemberService(Service[SwoUserGroupMemberInputs]):
    """One user in one group; the resource id is ``<group id>/<user id>``."""

    def __init__(self, client: "SwoClient") -> None:
        self.client = client

    def create(self, inputs: SwoUserGroupMemberInputs) -> dict[str, Any]:
        claims(_scope(inputs.connection)).enter(inputs.group_id, "add", LIST_AND_ADD)
        directory = _directory(inputs.connection, inputs.account_id)
        resolved, unknown = directory.resolve(self.client, inputs.account_id, [inputs.user])
        if unknown:
            raise _unknown_users(inputs.account_id, inputs.group_id, unknown)
        user_id = resolved[inputs.user]
        claims(_scope(inputs.connection)).claim(inputs.group_id, [user_id], "add")
        user = self.client.user(inputs.account_id, user_id)
        if user is None or all(g.id != inputs.group_id for g in user.groups):  # already in it: nothing to write
            add_users(self.client, inputs.account_id, inputs.group_id, [user_id])
        return {"id": f"{inputs.group_id}/{user_id}", "account_id": inputs.account_id, "group_id": inputs.group_id,
                "user": inputs.user, "user_id": user_id, "email": directory.address(user_id)}

    def update(self, id_: str, inputs: SwoUserGroupMemberInputs, olds: dict[str, Any]) -> dict[str, Any]:
        return self.create(inputs)  # every argument forces a replace; only the stored outputs may differ

    def get(self, id_: str, inputs: SwoUserGroupMemberInputs, stored: dict[str, Any]) -> dict[str, Any] | None:
        group_id, _, user_id = id_.partition("/")
        user = self.client.user(inputs.account_id, user_id)
        if user is None or all(g.id != group_id for g in user.groups):
            return None
        return {"id": id_, "account_id": inputs.account_id, "group_id": group_id, "user": inputs.user,
                "user_id": user_id, "email": user.address()}

    def remove(self, id_: str, outputs: dict[str, Any]) -> None:
        group_id, _, user_id = id_.partition("/")
        if not leave_claimed(_scope(outputs.get("connection") or "swo"), group_id, {user_id}, "add"):
            return
        remove_users(self.client, outputs["account_id"], group_id, [user_id])


class _MembershipProvider:
    """What both membership providers share: the connection, and users checked at preview."""

    _config: Any

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        return connection_problems(namespace, self._config)

    def _check_users(self, inputs: Any, refs: list[str], field: str, unknown: set[str]) -> list[CheckFailure]:
        """Users the API does not know fail at preview, when the connection answers; otherwise at create.
        A group still to be created (its id unknown) does not stop the check: users belong to the account."""
        if not refs or unknown & {field, "account_id", "connection"}:
            return []
        return check_people(
            field, "the new group" if "group_id" in unknown else inputs.group_id,
            lambda: _directory(inputs.connection, inputs.account_id).resolve(
                connect(inputs.connection, self._config), inputs.account_id, refs)[1],
            lambda group, missing: _unknown_users(inputs.account_id, group, missing))


class SwoUserGroupMembersProvider(_MembershipProvider, Provider[SwoUserGroupMembersInputs]):
    """The dynamic provider behind ``SwoUserGroupMembers``. Holds no client, token or session."""

    kind = "SoftwareOne group users"
    inputs_model = SwoUserGroupMembersInputs
    lookup = False  # adds and removes are idempotent upserts: nothing to look up before a create
    natural_key_hint = "group"

    def service(self, inputs: SwoUserGroupMembersInputs) -> SwoMembersService:
        return SwoMembersService(connect(inputs.connection, self._config))

    def check_online(self, inputs: SwoUserGroupMembersInputs, olds: dict[str, Any],
                     unknown: set[str]) -> list[CheckFailure]:
        applied = set(olds.get("users") or []) if olds.get("group_id") == getattr(inputs, "group_id", None) else set()
        return self._check_users(inputs, [u for u in getattr(inputs, "users", None) or [] if u not in applied],
                                 "users", unknown)


class SwoUserGroupMemberProvider(_MembershipProvider, Provider[SwoUserGroupMemberInputs]):
    """The dynamic provider behind ``SwoUserGroupMember``. Holds no client, token or session."""

    kind = "SoftwareOne group user"
    inputs_model = SwoUserGroupMemberInputs
    lookup = False
    natural_key_hint = "group and user"

    def service(self, inputs: SwoUserGroupMemberInputs) -> SwoMemberService:
        return SwoMemberService(connect(inputs.connection, self._config))

    def check_online(self, inputs: SwoUserGroupMemberInputs, olds: dict[str, Any],
                     unknown: set[str]) -> list[CheckFailure]:
        if "user" in unknown or (olds.get("user") == inputs.user
                                 and olds.get("group_id") == getattr(inputs, "group_id", None)):
            return []
        return self._check_users(inputs, [inputs.user], "user", unknown)
