"""``SymphonyUserGroup``: a Symphony compliance user group as a Pulumi resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import pulumi
from pulumi.dynamic import Resource

from .models import SymphonyUserGroupAttributes
from .provider import SymphonyUserGroupProvider

OUTPUTS = tuple(SymphonyUserGroupAttributes.model_fields)


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

    def props(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if v is not None}


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
        props: dict[str, object] = {
            "type": None, "area": None, "description": None, "active": None, "adopt": None, "connection": None,
            **args.props(), **{k: None for k in OUTPUTS},
        }
        super().__init__(SymphonyUserGroupProvider(), resource_name, props, opts)
