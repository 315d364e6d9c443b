"""Pydantic models of SoftwareOne user groups: the resource's inputs and the API's bodies."""

from __future__ import annotations

import re
from typing import Annotated, Any, Optional

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..fields import DESCRIPTION_MAX, Description, Name, Namespace, spec, unique
from ..lifecycle import ResourceInputs

AccountId = Annotated[str, StringConstraints(pattern=r"^ACC-\d{4}-\d{4}$")]
ModuleId = Annotated[str, StringConstraints(pattern=r"^MOD-\d{4}$")]
BuyerId = Annotated[str, StringConstraints(pattern=r"^BUY-\d{4}-\d{4}$")]
ExtensionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]

GroupId = Annotated[str, StringConstraints(pattern=r"^UGR-\d{4}-\d{4}$")]
USER_ID = re.compile(r"^USR-\d{4}-\d{4}$")

LOGO_MAX = 2048


def user_reference(value: str) -> str:
    """An account user as people name one: its ``USR-NNNN-NNNN`` id, or its e-mail address."""
    if USER_ID.match(value):
        return value
    if "@" not in value:
        raise ValueError(f"{value!r} is neither a user id (USR-NNNN-NNNN) nor an e-mail address")
    try:
        validate_email(value, check_deliverability=False)  # syntax only: nothing leaves the machine
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not a valid e-mail address: {exc}") from None
    return value


def unique_users(values: list[str]) -> list[str]:
    """No user twice; addresses compare without case, as mailboxes do."""
    seen: set[str] = set()
    for value in values:
        folded = value.casefold()
        if folded in seen:
            raise ValueError(f"lists {value!r} more than once")
        seen.add(folded)
    return values


UserReference = Annotated[str, AfterValidator(user_reference)]


class SwoUserGroupInputs(ResourceInputs):
    """The validated inputs of ``SwoUserGroup`` (strict: no type coercion, no unknown fields)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    account_id: AccountId = Field(**spec(r"`^ACC-\d{4}-\d{4}$`", replace=True, natural_key=True,
                                         config_name="accountId"))
    name: Name = Field(**spec("1–255 characters, not only whitespace; any unicode, quotes, commas, parentheses",
                              natural_key=True))
    modules: Annotated[list[ModuleId], Field(min_length=1), AfterValidator(unique)] = Field(
        **spec(r"at least one, each `^MOD-\d{4}$`, no duplicates; order does not matter", unordered=True))
    description: Optional[Description] = Field(None, **spec(f"up to {DESCRIPTION_MAX} characters"))
    logo: Optional[Annotated[str, StringConstraints(max_length=LOGO_MAX)]] = Field(
        None, **spec(f"up to {LOGO_MAX} characters"))
    buyers: Optional[Annotated[list[BuyerId], AfterValidator(unique)]] = Field(
        None, **spec(r"each `^BUY-\d{4}-\d{4}$`, no duplicates; order does not matter", unordered=True))
    # The published update body has no extensions: a change of them makes a new group.
    extensions: Optional[Annotated[list[ExtensionId], AfterValidator(unique)]] = Field(
        None, **spec("extension ids, no duplicates; order does not matter", unordered=True, replace=True))
    adopt: bool = Field(False, **spec("take over an existing group of the same account and name", lifecycle=True))
    connection: Namespace = Field("swo", **spec("config namespace of the tenant's settings", replace=True,
                                                natural_key=True, lifecycle=True))

    def label(self) -> str:
        return f"{self.name!r} in {self.account_id}"


class SwoUserGroupAttributes(BaseModel):
    """What ``SwoUserGroup`` outputs beyond its arguments (all read from the API)."""

    account_name: Optional[str] = Field(None, description="the account's name")
    revision: int = Field(0, description="1 after create, +1 per update (by anyone)")
    is_default: bool = Field(False, description='whether this is the account\'s default group ("Administrators")')
    user_ids: list[str] = Field([], description="the users in the group (read-only here: manage them with "
                                                "`SwoUserGroupMembers` or `SwoUserGroupMember`)")
    created_at: Optional[str] = Field(None, description="ISO 8601 timestamp from the group's audit")
    updated_at: Optional[str] = Field(None, description="ISO 8601 timestamp of the last update (the creation "
                                                        "time until one)")


class SwoGroupPeopleInputs(ResourceInputs):
    """What every SoftwareOne people resource names: the group's account, the group and the connection."""

    model_config = ConfigDict(strict=True, extra="forbid")

    account_id: AccountId = Field(**spec(r"`^ACC-\d{4}-\d{4}$`, the group's account", replace=True,
                                         natural_key=True, config_name="accountId"))
    group_id: GroupId = Field(**spec(r"`^UGR-\d{4}-\d{4}$`, usually another resource's `id`", replace=True,
                                     natural_key=True, config_name="groupId"))
    connection: Namespace = Field("swo", **spec("config namespace of the tenant's settings", replace=True,
                                                natural_key=True, lifecycle=True))


class SwoUserGroupMembersInputs(SwoGroupPeopleInputs):
    """The validated inputs of ``SwoUserGroupMembers``: the whole list of a group's users (authoritative)."""

    users: Annotated[list[UserReference], AfterValidator(unique_users)] = Field(
        **spec("account users by id (`USR-NNNN-NNNN`) or e-mail address; exactly these are in the group; no "
               "duplicates; order does not matter", unordered=True))

    def label(self) -> str:
        return f"users of {self.group_id} in {self.account_id}"


class SwoUserGroupMemberInputs(SwoGroupPeopleInputs):
    """The validated inputs of ``SwoUserGroupMember``: one user in a group (additive; others left alone)."""

    user: UserReference = Field(**spec("an account user by id (`USR-NNNN-NNNN`) or e-mail address", replace=True,
                                       natural_key=True))

    def label(self) -> str:
        return f"user {self.user} of {self.group_id} in {self.account_id}"


class SwoUserGroupMembersAttributes(BaseModel):
    """What ``SwoUserGroupMembers`` outputs beyond its arguments."""

    user_ids: list[str] = Field([], description="the group's users as `USR-` ids, sorted (after refresh: all of "
                                                "them, including any added outside Pulumi)")
    resolved: dict[str, str] = Field({}, description="each declared user (id or address) and the `USR-` id it "
                                                     "stands for")


class SwoUserGroupMemberAttributes(BaseModel):
    """What ``SwoUserGroupMember`` outputs beyond its arguments."""

    user_id: str = Field("", description="the user's `USR-` id")
    email: Optional[str] = Field(None, description="the user's e-mail address, as the API gives it")


# -- API bodies ----------------------------------------------------------------------------
class IdRef(BaseModel):
    """``{"id": ...}`` as the API takes references."""

    id: str


class NamedRef(BaseModel):
    """A reference as the API returns it."""

    model_config = ConfigDict(extra="ignore")
    id: str
    name: Optional[str] = None


def _refs(ids: Optional[list[str]]) -> Optional[list[IdRef]]:
    return None if ids is None else [IdRef(id=i) for i in ids]


class CreateUserGroupDto(BaseModel):
    """Body of ``POST /public/v1/accounts/user-groups``."""

    name: str
    account: IdRef
    modules: list[IdRef]
    description: Optional[str] = None
    logo: Optional[str] = None
    buyers: Optional[list[IdRef]] = None
    extensions: Optional[list[IdRef]] = None

    @classmethod
    def from_inputs(cls, i: SwoUserGroupInputs) -> "CreateUserGroupDto":
        return cls(name=i.name, account=IdRef(id=i.account_id), modules=_refs(i.modules) or [],
                   description=i.description, logo=i.logo, buyers=_refs(i.buyers), extensions=_refs(i.extensions))

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

    @classmethod
    def from_inputs(cls, i: SwoUserGroupInputs) -> "UpdateUserGroupDto":
        return cls(name=i.name, modules=_refs(i.modules) or [], description=i.description, logo=i.logo,
                   buyers=_refs(i.buyers))

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


class UserGroupList(BaseModel):
    """A page of ``GET /public/v1/accounts/user-groups``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    meta: Optional[ListMetadata] = Field(default=None, alias="$meta")
    data: list[UserGroup] = []


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
    groups: list[NamedRef] = []

    def address(self) -> Optional[str]:
        return (self.user.email if self.user and self.user.email else self.email) or None


class AccountUserList(BaseModel):
    """A page of ``GET /public/v1/accounts/accounts/{accountId}/users``."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    meta: Optional[ListMetadata] = Field(default=None, alias="$meta")
    data: list[AccountUser] = []


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
