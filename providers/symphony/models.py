"""Pydantic models of the Symphony Pod API's bodies (requests, answers, errors)."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

DOCUMENTED_TYPES = ("ROLE_SCOPE", "CEP_VISIBILITY_GROUP")  # the API's groupType enum


class UserV2(BaseModel):
    """A user of ``GET /pod/v3/users`` and of Search Users (``title``, ``company`` and ``location`` are
    given for the pod's own users only)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    id: int
    username: Optional[str] = None
    email_address: Optional[str] = Field(default=None, alias="emailAddress")
    title: Optional[str] = None
    company: Optional[str] = None
    location: Optional[str] = None


class UserSearchFilter(BaseModel):
    """The filters of Search Users (``UserSearchFilter``); each one a string."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    title: Optional[str] = None
    company: Optional[str] = None
    location: Optional[str] = None
    market_coverage: Optional[str] = Field(default=None, alias="marketCoverage")
    responsibility: Optional[str] = None
    function: Optional[str] = None
    instrument: Optional[str] = None


class UserSearchQuery(BaseModel):
    """The body of ``POST /pod/v1/user/search`` (``UserSearchQuery``): filters only, no free-text term."""

    model_config = ConfigDict(extra="forbid")
    filters: UserSearchFilter


class UserSearchResults(BaseModel):
    """One page of Search Users."""

    model_config = ConfigDict(extra="ignore")
    count: Optional[int] = None
    skip: Optional[int] = None
    limit: Optional[int] = None
    users: list[UserV2] = []


class UserFilter(BaseModel):
    """The body of ``POST /pod/v1/admin/user/find`` (``UserFilter``): exact role, feature and status."""

    model_config = ConfigDict(extra="forbid")
    role: Optional[str] = None
    feature: Optional[str] = None
    status: Optional[Literal["ENABLED", "DISABLED"]] = None


class UserAttributes(BaseModel):
    """What Find Users tells of a user's identity (``UserAttributes``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    user_name: Optional[str] = Field(default=None, alias="userName")
    email_address: Optional[str] = Field(default=None, alias="emailAddress")


class UserSystemInfo(BaseModel):
    """A user's id and status (``UserSystemInfo``)."""

    model_config = ConfigDict(extra="ignore")
    id: int
    status: Optional[str] = None


class UserDetail(BaseModel):
    """One user of Find Users (``UserDetail``)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    user_attributes: UserAttributes = Field(default_factory=UserAttributes, alias="userAttributes")
    user_system_info: UserSystemInfo = Field(alias="userSystemInfo")


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
