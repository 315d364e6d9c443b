"""The people adapter of SoftwareOne groups: account users, by ``USR-`` id or e-mail address.

Membership is written on each account user (POST adds one group, DELETE removes one); the
replace-all PUT of a user's groups is never used, since it would drop the user's other groups.
Both writes are idempotent on the platform's side: adding a group the user has is no change,
and removing one it no longer has answers 404, which counts as done.
"""

from __future__ import annotations

from typing import Any

from ..errors import ApiError, ProviderError, some
from ..people import PeopleAdapter, Person, PersonId
from . import rql
from .client import SwoClient
from ..fields import ascii_lower
from .models import USER_ID, AccountUser, twin_id
from .provider import API

ACTIVE = "Active"  # the status of an account user who can sign in


def person(user: AccountUser) -> Person:
    """An account user as the engine sees them: named by their id in either form, the user's own id, and
    their address; stored with the address. Writes use the id the account-users routes gave."""
    address = user.address()
    ids = [user.id, twin_id(user.id), *([user.user.id] if user.user and user.user.id else [])]
    return Person(id=user.id, shown=user.id, names=(*dict.fromkeys(ids), *([address] if address else [])),
                  extra={"email": address})


class AccountUsers(PeopleAdapter):
    """The users of one account, in that account's groups."""

    api, api_name, noun = API, "SoftwareOne", "user"
    list_resource, one_resource = "SwoUserGroupMembers", "SwoUserGroupMember"

    def __init__(self, client: SwoClient, inputs: Any) -> None:
        self.client, self.account_id, self.tenant = client, inputs.account_id, client.http.base_url
        self.scope = ("swo", inputs.connection, inputs.account_id)
        self.where = f"account {inputs.account_id}"

    def look_up(self, values: list[str]) -> list[Person]:
        ids = [v for v in values if USER_ID.match(v)]
        by_id = set(ids)
        found = self.client.account_users(self.account_id, ids, [v for v in values if v not in by_id])
        return [person(u) for u in found]

    def current(self, group_id: str) -> list[Person] | None:
        return [person(u) for u in self.client.group_users(self.account_id, group_id)]

    def read(self, group_id: str) -> list[Person] | None:
        # The users listing cannot tell a deleted group from an empty one: ask for the group first.
        if self.client.get(group_id) is None:
            return None
        return self.current(group_id)

    def holds(self, group_id: str, person_id: PersonId) -> Person | None:
        user = self.client.user(self.account_id, str(person_id))
        return person(user) if user is not None and any(g.id == group_id for g in user.groups) else None

    def add(self, group_id: str, person_id: PersonId) -> None:
        self.client.add_to_group(self.account_id, str(person_id), group_id)

    def remove(self, group_id: str, person_id: PersonId) -> None:
        self.client.remove_from_group(self.account_id, str(person_id), group_id)

    def matching(self, query: str) -> list[Person]:
        # Active users only, unless the query itself speaks of the status; each declared by address.
        wanted = query if "status" in query.lower() else rql.and_(query, rql.eq("status", ACTIVE))
        return [Person(id=p.id, shown=str(p.extra.get("email") or p.id), names=p.names)
                for p in map(person, self.client.query_users(self.account_id, wanted))]

    def why_not(self, query: str, values: list[str]) -> dict[str, str]:
        ids = [v for v in values if USER_ID.match(v)]
        found = self.client.account_users(self.account_id, ids, [v for v in values if v not in set(ids)])
        by_name = {self.key(n): u for u in found for n in person(u).names}
        why: dict[str, str] = {}
        for value in values:
            user = by_name.get(self.key(value))
            why[value] = ("no longer a user of the account" if user is None else
                          f"status is {user.status}" if user.status and user.status != ACTIVE else
                          "no longer matches the query")
        return why

    def parse_id(self, stored: Any) -> PersonId:
        return str(stored)

    def needs_another_group(self, refusal: ApiError) -> bool:
        # "An account user must belong to at least one user group." (the platform's 400)
        return refusal.status == 400 and "at least one" in str(refusal).lower()

    def refusal_hint(self, refusal: ApiError) -> str:
        if not self.needs_another_group(refusal):
            return ""
        return ("this is their last group, and the platform keeps every account user in at least one: declare "
                "them in another group of this stack (the same `up` adds them there first) or add them to one in "
                "the Marketplace portal, then run the command again")

    @staticmethod
    def key(value: str) -> str:
        # Ids are compared as written; an address without regard to ASCII case, local part included,
        # as the platform's identity provider keeps addresses (nothing broader: no Unicode folding).
        return ascii_lower(value)

    def unknown(self, group: str, values: list[str]) -> ProviderError:
        return ProviderError(f"{some(values)} {'is not a user' if len(values) == 1 else 'are not users'} of "
                             f"account {self.account_id}, so not added to {group}; this resource never invites "
                             "users: invite them in the Marketplace portal first, or fix the id or address")
