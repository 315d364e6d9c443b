"""The inputs and attributes of the Symphony resources: each field declared once, with its metadata."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from ..fields import FILLED_BY_QUERY, MaxRemovals, MinMatches, exclude_field, max_removals_field, min_matches_field, query_field, title_field
from ..fields import DESCRIPTION_MAX, NAME_MAX, Description, Name, Namespace, ResourceInputs, no_hidden, spec, unique_people
from .models import UserGroupCreate, UserGroupUpdate

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

    def create_body(self) -> UserGroupCreate:
        """The POST body these inputs make."""
        return UserGroupCreate(name=self.name, type=self.type, area=self.area, description=self.description)

    def update_body(self) -> UserGroupUpdate:
        """The PUT body these inputs make: every editable field (a removed one is sent as ``""``)."""
        return UserGroupUpdate(name=self.name, area=self.area or "", description=self.description or "",
                               active=self.active)


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
    if "@" in value:  # a person named by e-mail address: the lookup's email list
        try:
            # Syntax only, nothing leaves the machine; a quoted local part (RFC 5321) is an address too.
            validate_email(value, check_deliverability=False, allow_quoted_local=True)
        except EmailNotValidError as exc:
            raise ValueError(f"{value!r} is not a valid e-mail address: {exc}") from None
    return value


Username = Annotated[str, StringConstraints(max_length=255), AfterValidator(no_hidden), AfterValidator(username)]
Usernames = Annotated[list[Username], AfterValidator(unique_people)]
GROUP_ID = ("the group's `id`, usually another resource's output: letters, digits, `-` and `_` (it becomes a URL "
            "path segment, so nothing else is taken)")
# What the pod issues as group ids (hexadecimal object ids); the API documents no pattern, so this is the
# narrowest rule that keeps an id inside its own path segment: no `/`, `?`, `#`, `%`, `.` or space.
GroupId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,128}$")]


class SymphonyGroupPeopleInputs(ResourceInputs):
    """What every Symphony people resource names: the group and the connection."""

    model_config = ConfigDict(strict=True, extra="forbid")

    group_id: GroupId = Field(
        **spec(GROUP_ID, replace=True, natural_key=True, config_name="groupId"))
    connection: Namespace = Field("symphony", **spec("config namespace of the pod's settings", replace=True,
                                                     natural_key=True, lifecycle=True))


SEARCH_FILTERS = ("title", "company", "location", "marketCoverage", "responsibility", "function", "instrument")
FIND_FILTERS = ("role", "feature", "status")
Filter = Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX), AfterValidator(no_hidden)]


class SymphonyUserQuery(BaseModel):
    """Who a directory query chooses: the pod's user search filters (``title``, ``company``, ``location``,
    ``marketCoverage``, ``responsibility``, ``function``, ``instrument``) and the admin user search's
    (``role``, ``feature``, ``status``); every filter given must hold. Without ``status``, only enabled users."""

    model_config = ConfigDict(extra="forbid", strict=True)
    title: Optional[Filter] = None
    company: Optional[Filter] = None
    location: Optional[Filter] = None
    marketCoverage: Optional[Filter] = None
    responsibility: Optional[Filter] = None
    function: Optional[Filter] = None
    instrument: Optional[Filter] = None
    role: Optional[Filter] = None
    feature: Optional[Filter] = None
    status: Optional[Literal["ENABLED", "DISABLED"]] = None

    @model_validator(mode="after")
    def _some_filter(self) -> "SymphonyUserQuery":
        if not any(getattr(self, f) for f in (*SEARCH_FILTERS, "role", "feature")):
            raise ValueError(f"names no filter: give one or more of {', '.join((*SEARCH_FILTERS, 'role', 'feature'))}")
        return self

    def given(self, names: tuple[str, ...]) -> dict[str, str]:
        """The filters of ``names`` that the query sets."""
        return {n: str(getattr(self, n)) for n in names if getattr(self, n) is not None}


def _people_list(what: str) -> Any:
    """The ``usernames`` of a whole list of a group's ``what`` (members, assignees)."""
    return Field(**spec(f"pod usernames or e-mail addresses; exactly these are the group's active {what}; no "
                        "duplicates (however spelled) or blanks; order does not matter; with `query`, the users "
                        "always in", unordered=True, people=True, required=FILLED_BY_QUERY))


class SymphonyPeopleListInputs(SymphonyGroupPeopleInputs):
    """What a whole list of a Symphony group's people takes, members or assignees: the people, or a query."""

    usernames: Usernames = _people_list("people")

    max_removals: Optional[MaxRemovals] = max_removals_field()
    title: Optional[str] = title_field()
    query: Optional[SymphonyUserQuery] = query_field(
        "a directory query (`{location: London, function: Compliance}`): the active users it matches are in the "
        "list, with `usernames` always in and `exclude` never; evaluated at every preview and up")
    exclude: Optional[Usernames] = exclude_field()
    min_matches: Optional[MinMatches] = min_matches_field()

    def label(self) -> str:
        return f"of {self.group_id}"  # after the kind: "Symphony group members of <id>"


class SymphonyUserGroupMembersInputs(SymphonyPeopleListInputs):
    """The validated inputs of ``SymphonyUserGroupMembers``: the group's whole list of active members."""

    usernames: Usernames = _people_list("members")


class SymphonyUserGroupAssigneesInputs(SymphonyPeopleListInputs):
    """The validated inputs of ``SymphonyUserGroupAssignees``: the group's whole list of active assignees."""

    usernames: Usernames = _people_list("assignees (the pod decides who may be assigned, e.g. a compliance officer)")


class SymphonyUserGroupMemberInputs(SymphonyGroupPeopleInputs):
    """The validated inputs of ``SymphonyUserGroupMember``: one member (additive; others left alone)."""

    username: Username = Field(**spec("a pod username or e-mail address", replace=True, natural_key=True, people=True))

    def label(self) -> str:
        return f"{self.username} of {self.group_id}"


class SymphonyUserGroupAssignmentInputs(SymphonyUserGroupMemberInputs):
    """The validated inputs of ``SymphonyUserGroupAssignment``: one assignee (e.g. a compliance officer)."""

    username: Username = Field(**spec("a pod username or e-mail address (the pod decides who may be assigned, e.g. a compliance "
                                      "officer)", replace=True, natural_key=True, people=True))


class SymphonyUserGroupMembersAttributes(BaseModel):
    """What ``SymphonyUserGroupMembers`` outputs beyond its arguments."""

    user_ids: dict[str, str] = Field({}, description="the active members (or assignees) by pod user id, each with the username it is "
                                                     "declared by (after refresh: all of them, including any added "
                                                     "outside Pulumi, by the name the pod shows); a list of ids in "
                                                     "states written before 0.3.0, until the list's next update")
    resolved: dict[str, int] = Field({}, description="each declared username and the user id it stands for")


class SymphonyUserLinkAttributes(BaseModel):
    """What ``SymphonyUserGroupMember`` and ``SymphonyUserGroupAssignment`` output beyond their arguments."""

    user_id: int = Field(0, description="the user's pod id")
