"""The inputs and attributes of the SoftwareOne resources: each field declared once, with its metadata."""

from __future__ import annotations

from typing import Annotated, Optional

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from ..fields import FILLED_BY_QUERY, MaxRemovals, MinMatches, exclude_field, max_removals_field, min_matches_field, query_field, title_field
from ..fields import DESCRIPTION_MAX, Description, Name, Namespace, ResourceInputs, no_hidden, spec, unique, unique_people
from . import rql
from .models import USER_ID, CreateUserGroupDto, IdRef, UpdateUserGroupDto

AccountId = Annotated[str, StringConstraints(pattern=r"^ACC-\d{4}-\d{4}$")]
ModuleId = Annotated[str, StringConstraints(pattern=r"^MOD-\d{4}$")]
BuyerId = Annotated[str, StringConstraints(pattern=r"^BUY-\d{4}-\d{4}$")]
ExtensionId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]

GroupId = Annotated[str, StringConstraints(pattern=r"^UGR-\d{4}-\d{4}$")]

LOGO_MAX = 2048


def user_reference(value: str) -> str:
    """An account user as people name one: its ``USR-NNNN-NNNN`` id, or its e-mail address."""
    if USER_ID.match(value):
        return value
    if "@" not in value:
        raise ValueError(f"{value!r} is neither a user id (USR-NNNN-NNNN) nor an e-mail address")
    try:
        # Syntax only, nothing leaves the machine; a quoted local part (RFC 5321) is an address too.
        validate_email(value, check_deliverability=False, allow_quoted_local=True)
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not a valid e-mail address: {exc}") from None
    return value


UserReference = Annotated[str, AfterValidator(no_hidden), AfterValidator(user_reference)]
RqlQuery = Annotated[str, StringConstraints(max_length=4000), AfterValidator(no_hidden), AfterValidator(rql.well_formed)]
unique_users = unique_people  # no user twice, however spelled (an id and its address are compared once resolved)


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

    def create_body(self) -> CreateUserGroupDto:
        """The POST body these inputs make."""
        return CreateUserGroupDto(name=self.name, account=IdRef(id=self.account_id), modules=_refs(self.modules) or [],
                                  description=self.description, logo=self.logo, buyers=_refs(self.buyers),
                                  extensions=_refs(self.extensions))

    def update_body(self) -> UpdateUserGroupDto:
        """The PUT body these inputs make (exactly the published update schema)."""
        return UpdateUserGroupDto(name=self.name, modules=_refs(self.modules) or [], description=self.description,
                                  logo=self.logo, buyers=_refs(self.buyers))


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
               "duplicates; order does not matter; with `query`, the users always in", unordered=True, people=True,
               required=FILLED_BY_QUERY))

    max_removals: Optional[MaxRemovals] = max_removals_field()
    title: Optional[str] = title_field()
    query: Optional[RqlQuery] = query_field(
        "an RQL filter over the account's users, as the account-users listing names their fields "
        "(`ilike(user.email,\"*@contoso.com\")`): the active users it matches are in the group, with `users` "
        "always in and `exclude` never; evaluated at every preview and up")
    exclude: Optional[Annotated[list[UserReference], AfterValidator(unique_users)]] = exclude_field()
    min_matches: Optional[MinMatches] = min_matches_field()

    def label(self) -> str:
        return f"of {self.group_id} in {self.account_id}"  # after the kind: "SoftwareOne group users of ..."


class SwoUserGroupMemberInputs(SwoGroupPeopleInputs):
    """The validated inputs of ``SwoUserGroupMember``: one user in a group (additive; others left alone)."""

    user: UserReference = Field(**spec("an account user by id (`USR-NNNN-NNNN`) or e-mail address", replace=True,
                                       natural_key=True, people=True))

    def label(self) -> str:
        return f"{self.user} of {self.group_id} in {self.account_id}"


class SwoUserGroupMembersAttributes(BaseModel):
    """What ``SwoUserGroupMembers`` outputs beyond its arguments."""

    user_ids: dict[str, str] = Field({}, description="the group's users by `USR-` id, each with the id or address it "
                                                     "is declared by (after refresh: all of them, including any added "
                                                     "outside Pulumi); a list of ids in states written before 0.3.0, "
                                                     "until the list's next update")
    resolved: dict[str, str] = Field({}, description="each declared user (id or address) and the `USR-` id it "
                                                     "stands for")


class SwoUserGroupMemberAttributes(BaseModel):
    """What ``SwoUserGroupMember`` outputs beyond its arguments."""

    user_id: str = Field("", description="the user's `USR-` id")
    email: Optional[str] = Field(None, description="the user's e-mail address, as the API gives it")




def _refs(ids: Optional[list[str]]) -> Optional[list[IdRef]]:
    return None if ids is None else [IdRef(id=i) for i in ids]
