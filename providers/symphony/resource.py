"""``SymphonyUserGroup``: a Symphony compliance user group as a Pulumi resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping, Optional, Sequence

import pulumi
from pulumi.dynamic import Resource

from ..registration import resource_props

from .members import (
    SymphonyUserGroupAssigneesProvider,
    SymphonyUserGroupAssignmentProvider,
    SymphonyUserGroupMemberProvider,
    SymphonyUserGroupMembersProvider,
)
from .inputs import SymphonyUserGroupAttributes, SymphonyUserGroupMembersAttributes, SymphonyUserLinkAttributes
from .provider import SymphonyUserGroupProvider



@dataclass
class SymphonyUserGroupArgs:
    """Arguments of ``SymphonyUserGroup``; see ``docs/symphony-user-group.md``.

    ``type`` and ``connection`` force a replace; ``name``, ``area``, ``description``
    and ``active`` update in place.
    """

    name: pulumi.Input[str]
    type: Optional[pulumi.Input[str]] = None
    area: Optional[pulumi.Input[str]] = None
    description: Optional[pulumi.Input[str]] = None
    active: Optional[pulumi.Input[bool]] = None
    adopt: Optional[pulumi.Input[bool]] = None
    connection: Optional[pulumi.Input[str]] = None


class SymphonyUserGroup(Resource, module="symphony", name="UserGroup"):
    """A Symphony compliance user group (for example a ``ROLE_SCOPE`` group).

    The Symphony API has no delete: ``pulumi destroy`` deactivates the group, and a
    later ``pulumi up`` reactivates that same group instead of creating a twin.
    """

    name: pulumi.Output[str]
    type: pulumi.Output[str]
    area: pulumi.Output[Optional[str]]
    description: pulumi.Output[Optional[str]]
    active: pulumi.Output[bool]
    created_date: pulumi.Output[int]
    modified_date: pulumi.Output[int]
    member_count: pulumi.Output[int]
    assignee_count: pulumi.Output[int]
    adopt: pulumi.Output[bool]
    connection: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SymphonyUserGroupArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = SymphonyUserGroupProvider()
        super().__init__(provider, resource_name, resource_props(provider, SymphonyUserGroupAttributes, args, resource_name), opts)


@dataclass
class SymphonyUserGroupMembersArgs:
    """Arguments of ``SymphonyUserGroupMembers``; see ``docs/symphony-user-group-members.md``.
    ``group_id`` and ``connection`` force a replacement; ``usernames`` updates in place. With ``query``, the
    users it matches are members too (``usernames`` always in, ``exclude`` never)."""

    group_id: pulumi.Input[str]
    usernames: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    max_removals: Optional[pulumi.Input[int]] = None
    title: Optional[pulumi.Input[str]] = None
    query: Optional[pulumi.Input[Mapping[str, pulumi.Input[str]]]] = None
    exclude: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    min_matches: Optional[pulumi.Input[int]] = None
    connection: Optional[pulumi.Input[str]] = None


SymphonyUserGroupAssigneesArgs = SymphonyUserGroupMembersArgs


class _PeopleList(Resource):
    """A group's whole list of members or assignees; ``id`` is the group id.

    ``usernames`` is stored, and output, as a map from each name to ``true`` (``providers.keyed``), so that
    the plan names each person who joins or leaves; ``user_ids`` maps each person's id to their name.
    """

    group_id: pulumi.Output[str]
    # Maps since 0.3.0, lists in older states until the list's next update: the SDK checks the declared type.
    usernames: pulumi.Output[Any]
    user_ids: pulumi.Output[Any]
    resolved: pulumi.Output[dict[str, int]]
    max_removals: pulumi.Output[Optional[int]]
    title: pulumi.Output[Optional[str]]
    query: pulumi.Output[Optional[dict[str, str]]]
    exclude: pulumi.Output[Optional[list[str]]]
    min_matches: pulumi.Output[Optional[int]]
    connection: pulumi.Output[str]
    provider_class: ClassVar[type]

    def __init__(self, resource_name: str, args: SymphonyUserGroupMembersArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = self.provider_class()
        super().__init__(provider, resource_name, resource_props(provider, SymphonyUserGroupMembersAttributes, args,
                                                                 resource_name), opts)


class SymphonyUserGroupMembers(_PeopleList, module="symphony", name="UserGroupMembers"):
    """Exactly these users are the group's active members (authoritative): members added outside
    Pulumi show as drift at ``refresh`` and are deactivated by the next ``up``. Removing the resource
    deactivates exactly the declared members. With ``query``, the directory chooses them at every run.
    """

    provider_class = SymphonyUserGroupMembersProvider


class SymphonyUserGroupAssignees(_PeopleList, module="symphony", name="UserGroupAssignees"):
    """Exactly these users are the group's active assignees, e.g. its compliance officers (authoritative):
    assignees added outside Pulumi show as drift at ``refresh`` and are deactivated by the next ``up``.
    Removing the resource deactivates exactly the declared assignees. With ``query`` (e.g. ``{role:
    COMPLIANCE_OFFICER}``), the directory chooses them at every run.
    """

    provider_class = SymphonyUserGroupAssigneesProvider


@dataclass
class SymphonyUserGroupMemberArgs:
    """Arguments of ``SymphonyUserGroupMember`` (and ``SymphonyUserGroupAssignment``); see
    ``docs/symphony-user-group-member.md``. Every change is a replacement."""

    group_id: pulumi.Input[str]
    username: pulumi.Input[str]
    connection: Optional[pulumi.Input[str]] = None


SymphonyUserGroupAssignmentArgs = SymphonyUserGroupMemberArgs


class _GroupPerson(Resource):
    """One person linked to a group (a member or an assignee); ``id`` is ``<group id>/<user id>``."""

    group_id: pulumi.Output[str]
    username: pulumi.Output[str]
    user_id: pulumi.Output[int]
    connection: pulumi.Output[str]
    provider_class: ClassVar[type]

    def __init__(self, resource_name: str, args: SymphonyUserGroupMemberArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = self.provider_class()
        super().__init__(provider, resource_name, resource_props(provider, SymphonyUserLinkAttributes, args, resource_name), opts)


class SymphonyUserGroupMember(_GroupPerson, module="symphony", name="UserGroupMember"):
    """One active member of the group (additive: the group's other members are left alone).

    ``id`` is ``<group id>/<user id>``; removing the resource deactivates the membership.
    """

    provider_class = SymphonyUserGroupMemberProvider


class SymphonyUserGroupAssignment(_GroupPerson, module="symphony", name="UserGroupAssignment"):
    """One assignee of the group, for example a compliance officer whose scope the group sets.

    ``id`` is ``<group id>/<user id>``; removing the resource deactivates the assignment.
    """

    provider_class = SymphonyUserGroupAssignmentProvider
