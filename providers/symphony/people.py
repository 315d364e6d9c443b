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
from .models import UserGroupLink
from .provider import API

# From this many changes, the member list is written with one replace-all request instead of
# one request per person (which is cheaper for a handful and never touches anyone else).
BULK_FROM = 50


def username(p: Person) -> str | None:
    """The pod's username of a person this module made, or None when the pod showed none."""
    return p.shown if p.names and p.names[0] == p.shown else None


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
        # The username first among the names, where there is one (``username`` relies on it).
        return [Person(id=u.id, shown=u.username or str(u.id),
                       names=tuple(n for n in (u.username, u.email_address) if n)) for u in found]

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
    """The assignees (e.g. compliance officers) of one pod's groups, one at a time."""

    kind, noun, has_list_form, one_resource = "assignees", "assignee", False, "SymphonyUserGroupAssignment"
