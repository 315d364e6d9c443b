"""Pydantic models of the SoftwareOne Marketplace API's bodies (requests, answers, errors)."""

from __future__ import annotations

import re
from typing import Any, Generic, Optional, TypeVar

from pydantic import BaseModel, ConfigDict, Field

# A user as the account-users routes name them. The official client's tests and the older docs disagree on
# the form (``USR-`` or ``AUSR-``), so both are taken, and each stands for the other.
USER_ID = re.compile(r"^A?USR-\d{4}-\d{4}$")


def twin_id(user_id: str) -> str:
    """The other form of an account-user id: ``USR-1234-0003`` <-> ``AUSR-1234-0003``."""
    return user_id[1:] if user_id.startswith("AUSR-") else "A" + user_id if user_id.startswith("USR-") else user_id


# -- API bodies ----------------------------------------------------------------------------
class IdRef(BaseModel):
    """``{"id": ...}`` as the API takes references."""

    id: str


class NamedRef(BaseModel):
    """A reference as the API returns it."""

    model_config = ConfigDict(extra="ignore")
    id: str
    name: Optional[str] = None



class CreateUserGroupDto(BaseModel):
    """Body of ``POST /public/v1/accounts/user-groups``."""

    name: str
    account: IdRef
    modules: list[IdRef]
    description: Optional[str] = None
    logo: Optional[str] = None
    buyers: Optional[list[IdRef]] = None
    extensions: Optional[list[IdRef]] = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class UpdateUserGroupDto(BaseModel):
    """Body of ``PUT /public/v1/accounts/user-groups/{id}``: exactly the published update schema.

    ``UpdateUserGroupDto`` holds ``name``, ``description``, ``logo``, ``modules`` and
    ``buyers`` and forbids anything else (no ``account``, ``revision`` or
    ``extensions``). Fields the program no longer declares are sent as ``null`` so
    that the API clears them, whether it treats PUT as a replace or as a delta.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    modules: list[IdRef]
    description: Optional[str] = None
    logo: Optional[str] = None
    buyers: Optional[list[IdRef]] = None

    def body(self) -> dict[str, Any]:
        return self.model_dump()


class AuditEvent(BaseModel):
    """``audit.created`` / ``audit.updated``."""

    model_config = ConfigDict(extra="ignore")
    at: Optional[str] = None


class Audit(BaseModel):
    """The audit block of a group."""

    model_config = ConfigDict(extra="ignore")
    created: Optional[AuditEvent] = None
    updated: Optional[AuditEvent] = None


class UserGroup(BaseModel):
    """A user group as the API returns it (absent means null: the platform omits nulls)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: str
    name: str
    revision: int = 0
    description: Optional[str] = None
    logo: Optional[str] = None
    account: NamedRef
    modules: list[NamedRef] = []
    buyers: Optional[list[NamedRef]] = None
    extensions: Optional[list[NamedRef]] = None
    is_default: bool = Field(default=False, alias="isDefault")
    users: Optional[list[NamedRef]] = None
    audit: Optional[Audit] = None

    def outputs(self) -> dict[str, Any]:
        """The resource's outputs: inputs as the API returned them, plus the API's own fields."""
        ids = lambda refs: None if not refs else [r.id for r in refs]  # noqa: E731
        audit = self.audit or Audit()
        return {
            "account_id": self.account.id,
            "account_name": self.account.name,
            "name": self.name,
            "description": self.description,
            "logo": self.logo,
            "modules": ids(self.modules) or [],
            "buyers": ids(self.buyers),
            "extensions": ids(self.extensions),
            "revision": self.revision,
            "is_default": self.is_default,
            "user_ids": ids(self.users) or [],
            "created_at": audit.created.at if audit.created else None,
            "updated_at": audit.updated.at if audit.updated else (audit.created.at if audit.created else None),
        }


class PaginationMetadata(BaseModel):
    """``$meta.pagination``; ``total`` may be null."""

    model_config = ConfigDict(extra="ignore")
    offset: int = 0
    limit: int = 0
    total: Optional[int] = None


class ListMetadata(BaseModel):
    """``$meta`` of a list answer."""

    model_config = ConfigDict(extra="ignore")
    pagination: Optional[PaginationMetadata] = None


ItemT = TypeVar("ItemT")


class ListPage(BaseModel, Generic[ItemT]):
    """A page of a listing: ``$meta`` (paging) and the items."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    meta: Optional[ListMetadata] = Field(default=None, alias="$meta")
    data: list[ItemT] = []


class UserGroupList(ListPage[UserGroup]):
    """A page of ``GET /public/v1/accounts/user-groups``."""


class UserRef(BaseModel):
    """``user`` of an account user: who the person is (the e-mail address is how people know them)."""

    model_config = ConfigDict(extra="ignore")
    id: Optional[str] = None
    name: Optional[str] = None
    email: Optional[str] = None


class AccountUser(BaseModel):
    """An account user as ``/public/v1/accounts/accounts/{accountId}/users[/{userId}]`` returns it.

    Membership lives here (``groups``); the group's own ``users`` is a read-only view.
    """

    model_config = ConfigDict(extra="ignore")
    id: str
    user: Optional[UserRef] = None
    email: Optional[str] = None  # tolerated at the top level too
    status: Optional[str] = None  # "Active" for a user who can sign in
    groups: list[NamedRef] = []

    def address(self) -> Optional[str]:
        return (self.user.email if self.user and self.user.email else self.email) or None


class AccountUserList(ListPage[AccountUser]):
    """A page of ``GET /public/v1/accounts/accounts/{accountId}/users``."""


class ProblemDetails(BaseModel):
    """RFC 7807 error body, with the platform's ``traceId`` and ``errors`` (a dict or a list)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    type: Optional[str] = None
    title: Optional[str] = None
    status: Optional[int] = None
    detail: Optional[str] = None
    trace_id: Optional[str] = Field(default=None, alias="traceId")
    errors: Any = None

    def field_errors(self) -> dict[str, list[str]]:
        if isinstance(self.errors, dict):
            return {str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in self.errors.items()}
        if isinstance(self.errors, list):
            out: dict[str, list[str]] = {}
            for item in self.errors:
                if isinstance(item, dict):
                    key = ",".join(item.get("properties") or []) or str(item.get("id") or "error")
                    out.setdefault(key, []).append(str(item.get("message", item)))
            return out
        return {}
