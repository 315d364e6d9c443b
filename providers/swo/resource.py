"""``SwoUserGroup``: a SoftwareOne Marketplace user group as a Pulumi resource."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import pulumi
from pulumi.dynamic import Resource

from ..registration import resource_props

from .members import SwoUserGroupMemberProvider, SwoUserGroupMembersProvider
from .inputs import SwoUserGroupAttributes, SwoUserGroupMemberAttributes, SwoUserGroupMembersAttributes
from .provider import SwoUserGroupProvider



@dataclass
class SwoUserGroupArgs:
    """Arguments of ``SwoUserGroup``; see ``docs/swo-user-group.md``.

    ``account_id``, ``extensions`` and ``connection`` force a replace; every other field updates in place.
    """

    account_id: pulumi.Input[str]
    name: pulumi.Input[str]
    modules: pulumi.Input[Sequence[pulumi.Input[str]]]
    description: Optional[pulumi.Input[str]] = None
    logo: Optional[pulumi.Input[str]] = None
    buyers: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    extensions: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    adopt: Optional[pulumi.Input[bool]] = None
    connection: Optional[pulumi.Input[str]] = field(default=None)


class SwoUserGroup(Resource, module="swo", name="UserGroup"):
    """A user group of a SoftwareOne Marketplace account.

    ``id`` is the group id (``UGR-NNNN-NNNN``); ``revision`` starts at 1 and grows by one
    with every update. Credentials come from the stack config namespace named by
    ``connection`` (default ``swo``), never from resource inputs.
    """

    account_id: pulumi.Output[str]
    account_name: pulumi.Output[str]
    name: pulumi.Output[str]
    description: pulumi.Output[Optional[str]]
    logo: pulumi.Output[Optional[str]]
    modules: pulumi.Output[list[str]]
    buyers: pulumi.Output[Optional[list[str]]]
    extensions: pulumi.Output[Optional[list[str]]]
    revision: pulumi.Output[int]
    is_default: pulumi.Output[bool]
    user_ids: pulumi.Output[list[str]]
    created_at: pulumi.Output[str]
    updated_at: pulumi.Output[str]
    adopt: pulumi.Output[bool]
    connection: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SwoUserGroupArgs, opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = SwoUserGroupProvider()
        super().__init__(provider, resource_name, resource_props(provider, SwoUserGroupAttributes, args, resource_name), opts)


@dataclass
class SwoUserGroupMembersArgs:
    """Arguments of ``SwoUserGroupMembers``; see ``docs/swo-user-group-members.md``. Every change of
    ``account_id``, ``group_id`` or ``connection`` is a replacement; ``users`` updates in place. With ``query``
    (RQL), the active users it matches are in the group too (``users`` always, ``exclude`` never)."""

    account_id: pulumi.Input[str]
    group_id: pulumi.Input[str]
    users: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    max_removals: Optional[pulumi.Input[int]] = None
    title: Optional[pulumi.Input[str]] = None
    query: Optional[pulumi.Input[str]] = None
    exclude: Optional[pulumi.Input[Sequence[pulumi.Input[str]]]] = None
    min_matches: Optional[pulumi.Input[int]] = None
    connection: Optional[pulumi.Input[str]] = None


class SwoUserGroupMembers(Resource, module="swo", name="UserGroupMembers"):
    """Exactly these account users are in the group (authoritative): users added outside Pulumi
    show as drift at ``refresh`` and are removed by the next ``up``.

    ``id`` is the group id. Removing the resource removes exactly the declared users from the group.
    ``users`` is stored, and output, as a map from each id or address to ``true`` (``providers.keyed``), so
    that the plan names each user who joins or leaves; ``user_ids`` maps each user's id to their name.
    """

    account_id: pulumi.Output[str]
    group_id: pulumi.Output[str]
    # Maps since 0.3.0, lists in older states until the list's next update: the SDK checks the declared type.
    users: pulumi.Output[Any]
    user_ids: pulumi.Output[Any]
    resolved: pulumi.Output[dict[str, str]]
    max_removals: pulumi.Output[Optional[int]]
    title: pulumi.Output[Optional[str]]
    query: pulumi.Output[Optional[str]]
    exclude: pulumi.Output[Optional[list[str]]]
    min_matches: pulumi.Output[Optional[int]]
    connection: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SwoUserGroupMembersArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = SwoUserGroupMembersProvider()
        super().__init__(provider, resource_name, resource_props(provider, SwoUserGroupMembersAttributes, args, resource_name), opts)


@dataclass
class SwoUserGroupMemberArgs:
    """Arguments of ``SwoUserGroupMember``; see ``docs/swo-user-group-member.md``. Every change is a replacement."""

    account_id: pulumi.Input[str]
    group_id: pulumi.Input[str]
    user: pulumi.Input[str]
    connection: Optional[pulumi.Input[str]] = None


class SwoUserGroupMember(Resource, module="swo", name="UserGroupMember"):
    """One account user in the group (additive: the group's other users are left alone).

    ``id`` is ``<group id>/<user id>``.
    """

    account_id: pulumi.Output[str]
    group_id: pulumi.Output[str]
    user: pulumi.Output[str]
    user_id: pulumi.Output[str]
    email: pulumi.Output[Optional[str]]
    connection: pulumi.Output[str]

    def __init__(self, resource_name: str, args: SwoUserGroupMemberArgs,
                 opts: Optional[pulumi.ResourceOptions] = None) -> None:
        provider = SwoUserGroupMemberProvider()
        super().__init__(provider, resource_name, resource_props(provider, SwoUserGroupMemberAttributes, args, resource_name), opts)
