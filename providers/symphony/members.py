"""Who is in a Symphony compliance group and who oversees it: ``SymphonyUserGroupMembers`` (the whole
list of members), ``SymphonyUserGroupMember`` (one member), ``SymphonyUserGroupAssignees`` (the whole list
of assignees, e.g. compliance officers) and ``SymphonyUserGroupAssignment`` (one assignee), the people
engine over the ``PodMembers`` and ``PodAssignees`` adapters.

The provider classes live here because every stack's state names this module.
"""

from __future__ import annotations

from ..people import OnePersonProvider, PeopleListProvider
from .inputs import (
    SymphonyUserGroupAssigneesInputs,
    SymphonyUserGroupAssignmentInputs,
    SymphonyUserGroupMemberInputs,
    SymphonyUserGroupMembersInputs,
)
from .people import BULK_FROM, PodAssignees, PodMembers

__all__ = ["BULK_FROM", "SymphonyUserGroupAssigneesProvider", "SymphonyUserGroupAssignmentProvider",
           "SymphonyUserGroupMemberProvider", "SymphonyUserGroupMembersProvider"]


class SymphonyUserGroupMembersProvider(PeopleListProvider[SymphonyUserGroupMembersInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMembers``. Holds no client, key or session."""

    inputs_model, adapter_class = SymphonyUserGroupMembersInputs, PodMembers


class SymphonyUserGroupMemberProvider(OnePersonProvider[SymphonyUserGroupMemberInputs]):
    """The dynamic provider behind ``SymphonyUserGroupMember``. Holds no client, key or session."""

    inputs_model, adapter_class = SymphonyUserGroupMemberInputs, PodMembers


class SymphonyUserGroupAssignmentProvider(OnePersonProvider[SymphonyUserGroupAssignmentInputs]):
    """The dynamic provider behind ``SymphonyUserGroupAssignment``. Holds no client, key or session."""

    inputs_model, adapter_class = SymphonyUserGroupAssignmentInputs, PodAssignees


class SymphonyUserGroupAssigneesProvider(PeopleListProvider[SymphonyUserGroupAssigneesInputs]):
    """The dynamic provider behind ``SymphonyUserGroupAssignees``. Holds no client, key or session."""

    inputs_model, adapter_class = SymphonyUserGroupAssigneesInputs, PodAssignees
