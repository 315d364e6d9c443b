"""Who is in a Symphony compliance group and who oversees it: ``SymphonyUserGroupMembers`` (the whole
list of members), ``SymphonyUserGroupMember`` (one member) and ``SymphonyUserGroupAssignment`` (one
assignee, e.g. a compliance officer), the people engine over the ``PodPeople`` adapter.

The provider classes live here because every stack's state names this module.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import ConfigError
from ..people import OnePersonProvider, PeopleListProvider
from .inputs import SymphonyUserGroupAssignmentInputs, SymphonyUserGroupMemberInputs, SymphonyUserGroupMembersInputs
from .people import BULK_FROM, PodPeople
from .provider import connect, connection_problems

__all__ = ["BULK_FROM", "SymphonyUserGroupAssignmentProvider", "SymphonyUserGroupMemberProvider",
           "SymphonyUserGroupMembersProvider"]

LIST_AND_ADD = ("both a whole member list (SymphonyUserGroupMembers) and additive members (SymphonyUserGroupMember) "
                "in this stack: the list would deactivate the added members at every update. Put the members in the "
                "list, or use additive members only")


class _PodPeople:
    """The tenant of every Symphony people provider: one pod, and which of its links (members or assignees)."""

    _config: Any
    link_kind: ClassVar[str] = "members"
    conflict = LIST_AND_ADD

    def adapter(self, inputs: Any) -> PodPeople:
        return PodPeople(connect(inputs.connection, self._config), inputs.connection, self.link_kind)

    def connection_problems(self, namespace: str) -> list[ConfigError]:
        return connection_problems(namespace, self._config)


class SymphonyUserGroupMembersProvider(_PodPeople, PeopleListProvider[SymphonyUserGroupMembersInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMembers``. Holds no client, key or session."""

    kind = "Symphony group members"
    inputs_model = SymphonyUserGroupMembersInputs
    people_field = "usernames"


class SymphonyUserGroupMemberProvider(_PodPeople, OnePersonProvider[SymphonyUserGroupMemberInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMember``. Holds no client, key or session."""

    kind = "Symphony group member"
    inputs_model = SymphonyUserGroupMemberInputs
    people_field = "username"
    natural_key_hint = "group and username"


class SymphonyUserGroupAssignmentProvider(_PodPeople, OnePersonProvider[SymphonyUserGroupAssignmentInputs]):
    """The dynamic provider behind ``SymphonyUserGroupAssignment``. Holds no client, key or session."""

    kind = "Symphony group assignee"
    inputs_model = SymphonyUserGroupAssignmentInputs
    people_field = "username"
    natural_key_hint = "group and username"
    link_kind = "assignees"
