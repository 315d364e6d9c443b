"""User groups and their people as Pulumi resources: ``SymphonyUserGroup`` with its members and
assignees (``SymphonyUserGroupMembers``, ``SymphonyUserGroupMember``, ``SymphonyUserGroupAssignees``,
``SymphonyUserGroupAssignment``),
``SwoUserGroup`` with its users (``SwoUserGroupMembers``, ``SwoUserGroupMember``).

Importing this package has no side effects: it registers no resource, reads no
config and opens no connection, so it is safe in any Pulumi program and in the
dynamic-provider process that unpickles the providers.
"""

__version__ = "0.2.0"  # the one place the version is written; pyproject.toml reads it

from .swo.resource import (
    SwoUserGroup,
    SwoUserGroupArgs,
    SwoUserGroupMember,
    SwoUserGroupMemberArgs,
    SwoUserGroupMembers,
    SwoUserGroupMembersArgs,
)
from .symphony.resource import (
    SymphonyUserGroup,
    SymphonyUserGroupArgs,
    SymphonyUserGroupAssignees,
    SymphonyUserGroupAssigneesArgs,
    SymphonyUserGroupAssignment,
    SymphonyUserGroupAssignmentArgs,
    SymphonyUserGroupMember,
    SymphonyUserGroupMemberArgs,
    SymphonyUserGroupMembers,
    SymphonyUserGroupMembersArgs,
)

__all__ = ["__version__", "SwoUserGroup", "SwoUserGroupArgs", "SwoUserGroupMember", "SwoUserGroupMemberArgs",
           "SwoUserGroupMembers", "SwoUserGroupMembersArgs", "SymphonyUserGroup", "SymphonyUserGroupArgs",
           "SymphonyUserGroupAssignees", "SymphonyUserGroupAssigneesArgs",
           "SymphonyUserGroupAssignment", "SymphonyUserGroupAssignmentArgs", "SymphonyUserGroupMember",
           "SymphonyUserGroupMemberArgs", "SymphonyUserGroupMembers", "SymphonyUserGroupMembersArgs"]
