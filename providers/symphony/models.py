"""Pydantic models of Symphony user groups: the resource's inputs and the API's bodies."""

from __future__ import annotations

from typing import Annotated, Any, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..fields import DESCRIPTION_MAX, Description, Name, Namespace, spec
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
