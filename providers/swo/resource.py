"""``SwoUserGroup``: a SoftwareOne Marketplace user group as a Pulumi resource."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import pulumi
from pulumi.dynamic import Resource

from .models import SwoUserGroupAttributes
from .provider import SwoUserGroupProvider

OUTPUTS = tuple(SwoUserGroupAttributes.model_fields)


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

    def props(self) -> dict[str, object]:
        return {k: v for k, v in vars(self).items() if v is not None}


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
        props: dict[str, object] = {
            "description": None, "logo": None, "buyers": None, "extensions": None, "adopt": None, "connection": None,
            **args.props(), **{k: None for k in OUTPUTS},
        }
        super().__init__(SwoUserGroupProvider(), resource_name, props, opts)
