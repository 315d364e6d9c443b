"""The people adapters of Symphony groups: members and assignees, by pod username.

Usernames are resolved to pod user ids with the users lookup, 100 at a time. Every write is one
of the pod's documented upserts (``PUT .../memberships/{userId}``, ``PUT .../assignments/{userId}``
with ``{"active": ...}``) or the replace-all of the member list (``PUT .../memberships``), so each
is safe to send again after an ambiguous failure. The API has no delete: a person is removed by
``active: false``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ProviderError, some
from ..fields import ascii_lower
from ..people import PeopleAdapter, Person, PersonId
from .client import SymphonyClient
from .inputs import FIND_FILTERS, SEARCH_FILTERS, SymphonyUserQuery
from .models import UserFilter, UserGroupLink, UserSearchFilter, UserSearchQuery
from .provider import API

# From this many changes, the member list is written with one replace-all request instead of
# one request per person (which is cheaper for a handful and never touches anyone else).
BULK_FROM = 50
SHOWN_FILTERS = ("title", "company", "location")  # the search filters whose field Search Users answers with


def username(p: Person) -> str | None:
    """The pod's username of a person this module made, or None when the pod showed none."""
    return p.shown if p.names and p.names[0] == p.shown else None


def user_person(user_id: int, name: str | None, email: str | None) -> Person:
    """A pod user found by a lookup or a search: shown by username, named by it first (``username`` relies on
    that order), then by address."""
    return Person(id=user_id, shown=name or str(user_id), names=tuple(n for n in (name, email) if n))


def person(link: UserGroupLink) -> Person:
    name = link.user.username if link.user and link.user.username else None
    return Person(id=link.user_id, shown=name or str(link.user_id), names=(name,) if name else ())


class PodPeople(PeopleAdapter):
    """The members (``kind="members"``) or the assignees (``"assignees"``) of one pod's groups."""

    api, api_name, remove_verb, where = API, "Symphony", "deactivate", "this pod"
    kind: ClassVar[str]

    def __init__(self, client: SymphonyClient, inputs: Any) -> None:
        self.client, self.tenant = client, client.http.base_url
        self.scope = ("symphony", inputs.connection)

    def look_up(self, values: list[str]) -> list[Person]:
        emails = [v for v in values if "@" in v]
        found = self.client.users([v for v in values if "@" not in v], emails)
        return [user_person(u.id, u.username, u.email_address) for u in found]

    def current(self, group_id: str) -> list[Person] | None:
        links = self.client.links(group_id, self.kind)
        return None if links is None else [person(link) for link in links]

    def holds(self, group_id: str, person_id: PersonId) -> Person | None:
        links = self.client.links(group_id, self.kind, active=True, user_id=int(person_id))
        return next((person(link) for link in links or [] if link.user_id == person_id), None)

    def add(self, group_id: str, person_id: PersonId) -> None:
        self.client.set_link(group_id, self.kind, int(person_id), True)

    def remove(self, group_id: str, person_id: PersonId) -> None:
        self.client.set_link(group_id, self.kind, int(person_id), False)

    @staticmethod
    def key(value: str) -> str:
        # A username or an address, without regard to ASCII case (nothing broader: no Unicode folding).
        return ascii_lower(value)

    def parse_id(self, stored: Any) -> PersonId:
        # The engine keeps every number as a float, so ``1305...01`` comes back ``1305...01.0``.
        return int(float(stored))

    def matching(self, query: SymphonyUserQuery) -> list[Person]:
        # Search Users may answer inexactly ("London" finds "London Bridge"): the fields its answer carries
        # are compared here, exactly but for ASCII case; the others are as the pod matched them.
        searched = query.given(SEARCH_FILTERS)
        people: dict[int, Person] = {}
        if searched:
            filters = UserSearchFilter.model_validate(searched)
            for user in self.client.search_users(UserSearchQuery(filters=filters)):
                if user.username and all(ascii_lower(str(getattr(user, f, None) or "")) == ascii_lower(v)
                                         for f, v in searched.items() if f in SHOWN_FILTERS):
                    people[user.id] = user_person(user.id, user.username, user.email_address)
        found = query.given(FIND_FILTERS)
        if found or not searched:
            user_filter = UserFilter.model_validate({"status": "ENABLED", **found})
            enabled = {d.user_system_info.id: d for d in self.client.find_users(user_filter)
                       if d.user_attributes.user_name}
            if searched:
                return [p for i, p in people.items() if i in enabled]
            return [user_person(i, d.user_attributes.user_name, d.user_attributes.email_address)
                    for i, d in enabled.items()]
        return list(people.values())

    def why_not(self, query: SymphonyUserQuery, values: list[str]) -> dict[str, str]:
        shown = {f: v for f, v in query.given(SEARCH_FILTERS).items() if f in SHOWN_FILTERS}
        users = {ascii_lower(n): u for u in self.client.users([v for v in values if "@" not in v],
                                                               [v for v in values if "@" in v])
                 for n in (u.username, u.email_address) if n}
        why: dict[str, str] = {}
        for value in values:
            user = users.get(ascii_lower(value))
            if user is None:
                why[value] = "no longer an active user of the pod"
                continue
            moved = [f"{f}: {v} (now {getattr(user, f) or 'none'})" for f, v in shown.items()
                     if ascii_lower(str(getattr(user, f) or "")) != ascii_lower(v)]
            why[value] = f"no longer matches {'; '.join(moved)}" if moved else "no longer matches the query"
        return why

    def unknown(self, group: str, values: list[str]) -> ProviderError:
        return ProviderError(f"{some(values)} {'is not a user' if len(values) == 1 else 'are not users'} of "
                             f"this pod, so not added to {group}; check the username or address (compared with the "
                             "pod's own, without ASCII case)")


class PodMembers(PodPeople):
    """The members of one pod's groups: a whole list or one at a time, and a replace-all for many changes."""

    kind, noun, bulk_from = "members", "member", BULK_FROM
    list_resource, one_resource = "SymphonyUserGroupMembers", "SymphonyUserGroupMember"

    def replace_all(self, group_id: str, people: list[Person]) -> bool:
        # The replace names users by username, exactly as the pod has it: a declared address or another
        # case would be "Users not found", and so would a user the pod no longer expands.
        names = [username(p) for p in people]
        if any(n is None for n in names):
            return False
        self.client.replace_members(group_id, [n for n in names if n is not None])
        return True


class PodAssignees(PodPeople):
    """The assignees (e.g. compliance officers) of one pod's groups: a whole list or one at a time, each
    written by the assignment upsert (the API has no replace-all of assignees)."""

    kind, noun = "assignees", "assignee"
    list_resource, one_resource = "SymphonyUserGroupAssignees", "SymphonyUserGroupAssignment"
