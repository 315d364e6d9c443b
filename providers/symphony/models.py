"""Pydantic models of Symphony user groups: the resource's inputs and the API's bodies."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..fields import DESCRIPTION_MAX, Description, Name, Namespace, spec, unique
from ..lifecycle import ResourceInputs

DOCUMENTED_TYPES = ("ROLE_SCOPE", "CEP_VISIBILITY_GROUP")  # the API's groupType enum
AREA_MAX = 255


class SymphonyUserGroupInputs(ResourceInputs):
    """The validated inputs of ``SymphonyUserGroup`` (strict: no coercion, no unknown fields)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    name: Name = Field(**spec("1–255 characters, not only whitespace; any unicode, quotes, commas, parentheses",
                              natural_key=True))
    type: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)] = Field(
        "ROLE_SCOPE", **spec("upper-case identifier; the API's `groupType` enum is `ROLE_SCOPE` and "
                             "`CEP_VISIBILITY_GROUP` (only `ROLE_SCOPE` is documented for creation); any other "
                             "value is sent as given with a warning at `preview`", replace=True, natural_key=True))
    area: Optional[Annotated[str, StringConstraints(max_length=AREA_MAX)]] = Field(
        None, **spec(f"up to {AREA_MAX} characters"))
    description: Optional[Description] = Field(None, **spec(f"up to {DESCRIPTION_MAX} characters"))
    active: bool = Field(True, **spec("boolean; `false` deactivates the group"))
    adopt: bool = Field(False, **spec("take over an existing active group of the same type and name",
                                      lifecycle=True))
    connection: Namespace = Field("symphony", **spec("config namespace of the pod's settings", replace=True,
                                                     natural_key=True, lifecycle=True))

    def label(self) -> str:
        return f"{self.name!r} ({self.type})"


class SymphonyUserGroupAttributes(BaseModel):
    """What ``SymphonyUserGroup`` outputs beyond its arguments (all read from the API)."""

    created_date: Optional[int] = Field(None, description="creation time, epoch milliseconds")
    modified_date: Optional[int] = Field(None, description="last change, epoch milliseconds")
    member_count: int = Field(0, description="members of the group")
    assignee_count: int = Field(0, description="assignees (for example compliance officers) of the group")


def username(value: str) -> str:
    """A pod username as the users lookup takes it: one element of a comma-separated list."""
    if not value.strip():
        raise ValueError("must not be empty or only whitespace")
    if value != value.strip():
        raise ValueError(f"{value!r} has spaces around it; write the username exactly")
    if "," in value:
        raise ValueError(f"{value!r} holds a comma, which the pod's users lookup reads as a separator")
    return value


Username = Annotated[str, StringConstraints(max_length=255), AfterValidator(username)]
Usernames = Annotated[list[Username], AfterValidator(unique)]
GROUP_ID = "the group's `id`, usually another resource's output"


class SymphonyGroupPeopleInputs(ResourceInputs):
    """What every Symphony people resource names: the group and the connection."""

    model_config = ConfigDict(strict=True, extra="forbid")

    group_id: Annotated[str, StringConstraints(min_length=1)] = Field(
        **spec(GROUP_ID, replace=True, natural_key=True, config_name="groupId"))
    connection: Namespace = Field("symphony", **spec("config namespace of the pod's settings", replace=True,
                                                     natural_key=True, lifecycle=True))


class SymphonyUserGroupMembersInputs(SymphonyGroupPeopleInputs):
    """The validated inputs of ``SymphonyUserGroupMembers``: the group's whole list of active members."""

    usernames: Usernames = Field(**spec("pod usernames; exactly these are the group's active members; no "
                                        "duplicates or blanks; order does not matter", unordered=True))

    def label(self) -> str:
        return f"members of {self.group_id}"


class SymphonyUserGroupMemberInputs(SymphonyGroupPeopleInputs):
    """The validated inputs of ``SymphonyUserGroupMember``: one member (additive; others left alone)."""

    username: Username = Field(**spec("a pod username", replace=True, natural_key=True))

    def label(self) -> str:
        return f"member {self.username} of {self.group_id}"


class SymphonyUserGroupAssignmentInputs(SymphonyUserGroupMemberInputs):
    """The validated inputs of ``SymphonyUserGroupAssignment``: one assignee (e.g. a compliance officer)."""

    username: Username = Field(**spec("a pod username (the pod decides who may be assigned, e.g. a compliance "
                                      "officer)", replace=True, natural_key=True))

    def label(self) -> str:
        return f"assignee {self.username} of {self.group_id}"


class SymphonyUserGroupMembersAttributes(BaseModel):
    """What ``SymphonyUserGroupMembers`` outputs beyond its arguments."""

    user_ids: list[int] = Field([], description="the active members' pod user ids, sorted (after refresh: all of "
                                                "them, including any added outside Pulumi)")
    resolved: dict[str, int] = Field({}, description="each declared username and the user id it stands for")


class SymphonyUserLinkAttributes(BaseModel):
    """What ``SymphonyUserGroupMember`` and ``SymphonyUserGroupAssignment`` output beyond their arguments."""

    user_id: int = Field(0, description="the user's pod id")


class UserV2(BaseModel):
    """A user of ``GET /pod/v3/users``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: int
    username: Optional[str] = None
    email_address: Optional[str] = Field(default=None, alias="emailAddress")


class UserError(BaseModel):
    """One element the users lookup could not find or read."""

    model_config = ConfigDict(extra="ignore")
    error: Optional[str] = None
    id: Optional[str] = None
    email: Optional[str] = None


class V2UserList(BaseModel):
    """The users lookup's answer: the users found, and errors for the rest."""

    model_config = ConfigDict(extra="ignore")
    users: list[UserV2] = []
    errors: list[UserError] = []


class UserCompp(BaseModel):
    """The user of a membership or assignment (with ``expand=user``)."""

    model_config = ConfigDict(extra="ignore")
    id: Optional[int] = None
    username: Optional[str] = None


class UserGroupLink(BaseModel):
    """One membership (``UserGroupMembershipResponseData``) or assignment (``UserGroupAssignee``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: Optional[str] = None
    group_id: Optional[str] = Field(default=None, alias="groupId")
    user_id: int = Field(alias="userId")
    user: Optional[UserCompp] = None
    active: bool = False


class UserGroupLinkList(BaseModel):
    """A page of memberships or assignments."""

    model_config = ConfigDict(extra="ignore")
    data: list[UserGroupLink] = []
    pagination: Optional["Pagination"] = None


class ActiveFlag(BaseModel):
    """``{active: bool}``: the body of the membership and assignment upserts."""

    active: bool


class UserName(BaseModel):
    """``{username}``: one element of the replace-all membership body."""

    username: str


class UserGroupCreate(BaseModel):
    """Body of ``POST /pod/v2/admin/usergroups``."""

    name: str
    type: str
    area: Optional[str] = None
    description: Optional[str] = None

    @classmethod
    def from_inputs(cls, i: SymphonyUserGroupInputs) -> "UserGroupCreate":
        return cls(name=i.name, type=i.type, area=i.area, description=i.description)

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class UserGroupUpdate(BaseModel):
    """Body of ``PUT /pod/v2/admin/usergroups/{id}``: the full editable set.

    Whether the pod treats an omitted field as "unchanged" is not documented, so
    every field is sent; a removed ``area`` or ``description`` is sent as ``""``.
    """

    name: Optional[str] = None
    area: Optional[str] = None
    description: Optional[str] = None
    active: Optional[bool] = None

    @classmethod
    def from_inputs(cls, i: SymphonyUserGroupInputs) -> "UserGroupUpdate":
        return cls(name=i.name, area=i.area or "", description=i.description or "", active=i.active)

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class UserGroupResponse(BaseModel):
    """A user group as the pod returns it."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str
    name: str
    type: str
    area: Optional[str] = None
    description: Optional[str] = None
    active: bool = True
    created_date: Optional[int] = Field(default=None, alias="createdDate")
    modified_date: Optional[int] = Field(default=None, alias="modifiedDate")
    member_count: int = Field(default=0, alias="memberCount")
    assignee_count: int = Field(default=0, alias="assigneeCount")

    def outputs(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "area": self.area or None,
            "description": self.description or None,
            "active": self.active,
            "created_date": self.created_date,
            "modified_date": self.modified_date,
            "member_count": self.member_count,
            "assignee_count": self.assignee_count,
        }


class Cursors(BaseModel):
    """``pagination.cursors``."""

    model_config = ConfigDict(extra="ignore")
    before: Optional[str] = None
    after: Optional[str] = None


class Pagination(BaseModel):
    """Cursor pagination: stop when ``next`` is absent (a page may be empty yet have one)."""

    model_config = ConfigDict(extra="ignore")
    cursors: Optional[Cursors] = None
    next: Optional[str] = None
    previous: Optional[str] = None


class UserGroupResponseList(BaseModel):
    """A page of ``GET /pod/v2/admin/usergroups``."""

    model_config = ConfigDict(extra="ignore")
    data: list[UserGroupResponse] = []
    pagination: Optional[Pagination] = None


class AuthenticateRequest(BaseModel):
    """Body of ``POST /login/pubkey/authenticate``."""

    token: str


class Token(BaseModel):
    """Answer of the login call: ``name`` is the header to send, ``token`` its value."""

    model_config = ConfigDict(extra="ignore")
    name: str = "sessionToken"
    token: str


class Error(BaseModel):
    """The pod's error body."""

    model_config = ConfigDict(extra="ignore")
    code: Optional[int] = None
    message: Optional[str] = None
