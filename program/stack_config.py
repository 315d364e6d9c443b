"""The group lists a stack declares (``usergroups:symphonyGroups``, ``usergroups:swoGroups``).

Every entry is checked before any resource is registered; an error names the
stack file, the list, the entry and the field. The same input models as the
providers' ``check`` are used, so both catch the same mistakes. Beyond each entry:

- every key of the ``usergroups`` namespace and of each connection namespace in use
  must be known (a typo such as ``usergroups:swoGroup`` would otherwise declare no
  groups at all and plan to delete them), with the nearest known key suggested;
- every entry has an explicit ``key``: a default derived from the name would turn a
  rename into a delete and a create; ``formerKeys`` lists keys it was known by before,
  so changing a key moves the resource instead of replacing it;
- no two entries may stand for the same group (same tenant, scope and name);
- credentials kept in stack config must be secrets.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, ClassVar, Iterable, Mapping, Optional, Union

import pulumi
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field, StringConstraints, Tag, ValidationError

from program import people_files
from providers import fields
from providers.fields import MIN_MATCHES, REMOVALS_FLOOR, MaxRemovals, MinMatches
from providers.keyed import keyed
from providers.errors import TAG_MARK, field_message, field_path
from providers.config import redact_url
from providers.swo import provider as swo_provider
from providers.swo.inputs import RqlQuery, SwoUserGroupInputs, UserReference, unique_users
from providers.swo.resource import (
    SwoUserGroupArgs,
    SwoUserGroupMember,
    SwoUserGroupMemberArgs,
    SwoUserGroupMembers,
    SwoUserGroupMembersArgs,
)
from providers.symphony import provider as symphony_provider
from providers.symphony.inputs import SymphonyUserGroupInputs, SymphonyUserQuery, Usernames
from providers.symphony.resource import (
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

PROJECT = "usergroups"
SYMPHONY_LIST = f"{PROJECT}:symphonyGroups"
SWO_LIST = f"{PROJECT}:swoGroups"
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
PROJECT_KEYS = ("symphonyGroups", "swoGroups")
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]


class StackConfigError(pulumi.RunError):
    """A declared group list is invalid; the message names file, list, entry and field."""


UserList = Annotated[list[UserReference], AfterValidator(unique_users)]
KEY_RULE = f"`{KEY_PATTERN}`, unique per list"
FORMER_KEYS_RULE = "keys the entry had before (each a key as above)"


class Entry(BaseModel):
    """What every stack-config entry adds to its resource's inputs: ``key`` and ``formerKeys``."""

    kind: ClassVar[str]
    args_class: ClassVar[type]
    entry_only: ClassVar[frozenset[str]] = frozenset({"key", "former_keys", "retain_people", "protect"})  # not arguments
    key: Key = Field(description=KEY_RULE)
    former_keys: list[Key] = Field(default=[], alias="formerKeys", description=FORMER_KEYS_RULE)
    retain_people: bool = Field(False, alias="retainPeople", description=(
        "leave the entry's people in place when their resources leave the stack (Pulumi's `retainOnDelete`): "
        "set it, run `pulumi up`, then a removed `members`/`users`/`assignees` key stops managing them"))

    protect: bool = Field(False, description=(
        "Pulumi's `protect` on the group and its people resources: no run deletes them (neither `destroy` nor "
        "removing the entry) until it is set to `false` and applied"))

    def args(self) -> Any:
        return self.args_class(**self.model_dump(exclude=set(self.entry_only)))

    def natural_key(self, tenant: str) -> tuple[Any, ...]:
        """What makes two entries the same group: the tenant and the fields the model marks as the key."""
        own = [f for f in fields.fields_where(type(self), "naturalKey") if f != "connection"]
        return (self.kind, tenant, *(getattr(self, f) for f in own))

    def options(self, suffix: str = "") -> pulumi.ResourceOptions:
        # An alias per former key: the engine moves the resource to its new name (no create, no delete).
        return pulumi.ResourceOptions(aliases=[pulumi.Alias(name=k + suffix) for k in self.former_keys],
                                      protect=self.protect or None)

    def people_options(self, suffix: str = "") -> pulumi.ResourceOptions:
        """The options of the entry's people resources: its aliases, and ``retainPeople``."""
        return pulumi.ResourceOptions.merge(self.options(suffix),
                                            pulumi.ResourceOptions(retain_on_delete=self.retain_people or None))

    def exported_people(self, chosen: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The people as the group's export shows them, each kind a map from the declared spelling to
        ``true`` (so that a change of the outputs reads by name, as the people resources' do), with a count
        per kind (``memberCount``), and ``retainPeople`` when set: a ``StackReference`` reads who is in the
        group without the state. A kind a directory query chooses is as ``chosen`` has it (kind -> the whole
        list's output of its people)."""
        people = self.people_now(chosen)
        counts: dict[str, Any] = {f"{kind[:-1]}Count": names.apply(len) if isinstance(names, pulumi.Output)
                                  else len(names) for kind, names in people.items()}
        return {**people, **counts, **({"retainPeople": True} if self.retain_people else {})}

    def people(self) -> dict[str, list[str]]:
        """The people this entry declares, by kind, as spelled, sorted."""
        return {}

    def keyed_people(self) -> dict[str, Any]:
        """:meth:`people` as state and exports store lists of people (``providers.keyed``): a change reads by name."""
        return {kind: keyed(names) for kind, names in self.people().items()}

    def people_now(self, chosen: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """:meth:`keyed_people`, with each kind a directory query chooses as ``chosen`` has it (kind -> the
        whole list's output of its people): who the entry holds, not only whom it names."""
        people: dict[str, Any] = self.keyed_people()
        people.update({kind: names for kind, names in (chosen or {}).items()
                       if isinstance(getattr(self, kind, None), QueryForm)})
        return people

    def ledger(self, chosen: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """What the people ledger records of this entry: its people (those a query chose, so that the check of
        who a leaving group strands counts them as the stack's), ``formerKeys`` and ``retainPeople``."""
        return {**self.people_now(chosen), "formerKeys": list(self.former_keys), "retainPeople": self.retain_people}


# A people field is either a whole list or ``{add: [...]}``; errors name the field, not the form tried.
LIST_FORM, ADD_FORM, QUERY_FORM = Tag(TAG_MARK + "list"), Tag(TAG_MARK + "add"), Tag(TAG_MARK + "query")


def _form(value: Any) -> str:
    if isinstance(value, QueryForm) or (isinstance(value, dict) and "query" in value):
        return TAG_MARK + "query"
    return TAG_MARK + ("add" if isinstance(value, (dict, BaseModel)) else "list")


LIST_OR_ADD = Discriminator(_form)


class QueryForm(BaseModel):
    """What both APIs' query forms share: the people always in, those never in, and the floor."""

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=False)
    min_matches: Optional[MinMatches] = Field(None, alias="minMatches", description=(
        f"the fewest people the query may match (default {MIN_MATCHES}); fewer fails `preview` with no write"))

    def arguments(self) -> dict[str, Any]:
        """The query form as the whole-list resource's arguments (``query``, ``exclude``, ``min_matches``)."""
        query = getattr(self, "query")
        return {"query": query.model_dump(exclude_none=True) if isinstance(query, BaseModel) else query,
                "exclude": getattr(self, "exclude"), "min_matches": self.min_matches}


Membership = tuple[type, str, Any, pulumi.ResourceOptions]  # resource class, name, args, options


class AddMembers(BaseModel):
    """``members: {add: [...]}``: only these members are managed; the group's others are left alone."""

    model_config = ConfigDict(strict=True, extra="forbid")
    add: Usernames


class QueryMembers(QueryForm):
    """``members: {query: {...}, include: [...], exclude: [...]}``: the pod's users the query matches (active
    ones, exactly), with ``include`` always in and ``exclude`` never, re-evaluated at every preview and up."""

    query: SymphonyUserQuery
    include: Optional[Usernames] = None
    exclude: Optional[Usernames] = None


class SymphonyGroupEntry(Entry, SymphonyUserGroupInputs):
    """One entry of ``usergroups:symphonyGroups``."""

    kind = "symphonyGroups"
    args_class = SymphonyUserGroupArgs
    entry_only = Entry.entry_only | {"members", "assignees", "max_removals"}  # people are resources of their own
    members: Optional[Annotated[Union[Annotated[Usernames, LIST_FORM], Annotated[AddMembers, ADD_FORM],
                                      Annotated[QueryMembers, QUERY_FORM]], LIST_OR_ADD]] = Field(
        None, description="pod usernames: a list is the group's whole member list (`SymphonyUserGroupMembers`); "
                          "`{add: [...]}` manages only those (`SymphonyUserGroupMember` each); `{query: {location: "
                          "London}, include: [...], exclude: [...]}` makes the users a directory query matches the "
                          "whole list; absent: members are not managed. Any list may be `{file: people/emea.txt}` "
                          "instead (the README's People files)")
    assignees: Optional[Annotated[Union[Annotated[Usernames, LIST_FORM], Annotated[QueryMembers, QUERY_FORM]],
                                  LIST_OR_ADD]] = Field(
        None, description="pod usernames of the group's assignees, e.g. compliance officers "
                          "(`SymphonyUserGroupAssignment` each; other assignees are left alone); or `{file: ...}`; "
                          "or `{query: {role: COMPLIANCE_OFFICER}, include: [...], exclude: [...]}`: the users a "
                          "directory query matches are the whole assignee list (`SymphonyUserGroupAssignees`)")

    max_removals: Optional[MaxRemovals] = Field(None, alias="maxRemovals", description=(
        "the most people one `up` may remove from the whole list (`members: [...]` / `users: [...]`); default "
        f"{REMOVALS_FLOOR} or a tenth of the list. More, or an emptied list, fails `preview` naming them"))

    def people(self) -> dict[str, list[str]]:
        """The people this entry declares, by kind (``members``, ``assignees``), as spelled, sorted."""
        members = self.members.add if isinstance(self.members, AddMembers) else \
            (self.members.include or []) if isinstance(self.members, QueryMembers) else self.members
        assignees = (self.assignees.include or []) if isinstance(self.assignees, QueryMembers) else self.assignees
        return {k: sorted(v) for k, v in (("members", members), ("assignees", assignees)) if v is not None}

    def memberships(self, group_id: Any) -> list[Membership]:
        """The people resources this entry declares."""
        out: list[Membership] = []
        if isinstance(self.members, AddMembers):
            out += [(SymphonyUserGroupMember, f"{self.key}/{name}",
                     SymphonyUserGroupMemberArgs(group_id=group_id, username=name, connection=self.connection),
                     self.people_options(f"/{name}")) for name in self.members.add]
        elif isinstance(self.members, QueryMembers):
            out.append((SymphonyUserGroupMembers, self.key, SymphonyUserGroupMembersArgs(
                group_id=group_id, usernames=self.members.include, max_removals=self.max_removals,
                connection=self.connection, **self.members.arguments()), self.people_options()))
        elif self.members is not None:
            out.append((SymphonyUserGroupMembers, self.key, SymphonyUserGroupMembersArgs(
                group_id=group_id, usernames=self.members, max_removals=self.max_removals, connection=self.connection),
                self.people_options()))
        if isinstance(self.assignees, QueryMembers):
            out.append((SymphonyUserGroupAssignees, self.key, SymphonyUserGroupAssigneesArgs(
                group_id=group_id, usernames=self.assignees.include, max_removals=self.max_removals,
                connection=self.connection, **self.assignees.arguments()), self.people_options()))
            return out
        out += [(SymphonyUserGroupAssignment, f"{self.key}/{name}",
                 SymphonyUserGroupAssignmentArgs(group_id=group_id, username=name, connection=self.connection),
                 self.people_options(f"/{name}")) for name in self.assignees or []]
        return out


class AddUsers(BaseModel):
    """``users: {add: [...]}``: only these users are managed; the group's other users are left alone."""

    model_config = ConfigDict(strict=True, extra="forbid")
    add: UserList


class QueryUsers(QueryForm):
    """``users: {query: 'ilike(user.email,"*@contoso.com")', include: [...], exclude: [...]}``: the account's
    users the RQL filter matches (active ones), with ``include`` always in and ``exclude`` never."""

    query: RqlQuery
    include: Optional[UserList] = None
    exclude: Optional[UserList] = None


class SwoGroupEntry(Entry, SwoUserGroupInputs):
    """One entry of ``usergroups:swoGroups`` (``accountId`` in YAML, as the model's metadata says)."""

    # Stack-config names (``accountId``) come from the inputs' metadata, never written here again.
    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=False,
                              alias_generator=lambda name: fields.config_name(SwoUserGroupInputs, name)
                              if name in SwoUserGroupInputs.model_fields else name)
    kind = "swoGroups"
    args_class = SwoUserGroupArgs
    entry_only = Entry.entry_only | {"users", "max_removals"}  # the group's users are resources of their own
    users: Optional[Annotated[Union[Annotated[UserList, LIST_FORM], Annotated[AddUsers, ADD_FORM],
                                    Annotated[QueryUsers, QUERY_FORM]], LIST_OR_ADD]] = Field(
        None, description="account users by id (`USR-NNNN-NNNN`) or e-mail address: a list is the group's whole "
                          "list (`SwoUserGroupMembers`); `{add: [...]}` manages only those (`SwoUserGroupMember` "
                          "each); `{query: 'ilike(user.email,\"*@contoso.com\")', include: [...], exclude: [...]}` "
                          "makes the users an RQL filter matches the whole list; absent: users are not managed. Any "
                          "list may be `{file: people/ops.csv, column: email}` instead (the README's People files)")

    max_removals: Optional[MaxRemovals] = Field(None, alias="maxRemovals", description=(
        "the most people one `up` may remove from the whole list (`members: [...]` / `users: [...]`); default "
        f"{REMOVALS_FLOOR} or a tenth of the list. More, or an emptied list, fails `preview` naming them"))

    def people(self) -> dict[str, list[str]]:
        """The users this entry declares, as spelled, sorted."""
        users = self.users.add if isinstance(self.users, AddUsers) else \
            (self.users.include or []) if isinstance(self.users, QueryUsers) else self.users
        return {"users": sorted(users)} if users is not None else {}

    def ledger(self, chosen: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The record of :meth:`Entry.ledger`, with the account and connection (the group id is added by the
        program once the group exists): what a check of users left without a group needs."""
        return {**super().ledger(chosen), "accountId": self.account_id, "connection": self.connection}

    def memberships(self, group_id: Any) -> list[Membership]:
        """The people resources this entry declares."""
        if self.users is None:
            return []
        if isinstance(self.users, AddUsers):
            return [(SwoUserGroupMember, f"{self.key}/{user}",
                     SwoUserGroupMemberArgs(account_id=self.account_id, group_id=group_id, user=user,
                                            connection=self.connection), self.people_options(f"/{user}"))
                    for user in self.users.add]
        if isinstance(self.users, QueryUsers):
            return [(SwoUserGroupMembers, self.key, SwoUserGroupMembersArgs(
                account_id=self.account_id, group_id=group_id, users=self.users.include,
                max_removals=self.max_removals, connection=self.connection, **self.users.arguments()),
                self.people_options())]
        return [(SwoUserGroupMembers, self.key, SwoUserGroupMembersArgs(
            account_id=self.account_id, group_id=group_id, users=self.users, max_removals=self.max_removals,
            connection=self.connection), self.people_options())]


# The whole-list resources, with the kind of people each holds and the output that holds them.
WHOLE_LISTS: dict[type, tuple[str, str]] = {SymphonyUserGroupMembers: ("members", "usernames"),
                                            SymphonyUserGroupAssignees: ("assignees", "usernames"),
                                            SwoUserGroupMembers: ("users", "users")}


def whole_list_people(people: Mapping[tuple[str, str, type], Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """Per entry (list name, key), each whole list's people output by kind, from the program's people
    resources keyed by (list name, resource name, class): a whole list is named like its entry."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for (kind, name, resource_class), resource in people.items():
        if resource_class in WHOLE_LISTS:
            field, output = WHOLE_LISTS[resource_class]
            out.setdefault((kind, name), {})[field] = getattr(resource, output)
    return out


class GroupConfig(BaseModel):
    """Both validated lists, each entry with its resource key."""

    symphony: list[tuple[str, SymphonyGroupEntry]] = []
    swo: list[tuple[str, SwoGroupEntry]] = []


def slug(name: str) -> str:
    """A stable resource key from a display name: ``"EMEA Compliance"`` -> ``"emea-compliance"``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:48]
    return text or "group-" + hashlib.sha256(name.encode()).hexdigest()[:8]


def stack_file() -> str:
    """The stack's config file as the user knows it, e.g. ``stacks/Pulumi.dev.yaml``."""
    config_dir = "."
    try:
        project = yaml.safe_load(Path("Pulumi.yaml").read_text()) or {}
        config_dir = project.get("stackConfigDir") or "."
    except OSError:
        pass
    return str(Path(config_dir) / f"Pulumi.{pulumi.get_stack()}.yaml")


def load(config: Any = None, where: str | None = None, all_config: Mapping[str, Any] | None = None,
         secret_keys: Iterable[str] | None = None, root: Path | None = None) -> GroupConfig:
    """Reads and validates both lists and the stack's connection settings.

    Raises ``StackConfigError`` listing every problem. ``all_config`` (every key of the
    stack) and ``secret_keys`` default to what the engine handed the program; ``root``, where people
    files are found, to the folder the program runs in (the project's). ``config`` is anything with
    ``get_object`` (a ``pulumi.Config`` in the program).
    """
    config = config or pulumi.Config(PROJECT)
    where = where or stack_file()
    if all_config is None:
        from pulumi.runtime.config import CONFIG, get_config_secret_keys_env
        all_config = dict(CONFIG.get())
        secret_keys = set(get_config_secret_keys_env()) | {k for k in all_config if pulumi.runtime.is_config_secret(k)}
    secrets = set(secret_keys or ())
    problems: list[str] = []
    result = GroupConfig()
    seen: dict[str, str] = {}
    owners: dict[tuple[str, ...], str] = {}
    for list_name, entry_model, target in (
        (SYMPHONY_LIST, SymphonyGroupEntry, result.symphony),
        (SWO_LIST, SwoGroupEntry, result.swo),
    ):
        kind = list_name.split(":")[1]
        for index, item in enumerate(_read_list(config, kind, where, problems)):
            entry = _entry(entry_model, item, f"{where}: {list_name}[{index}]", problems, root or Path.cwd())
            if entry is not None:
                _check_unique(entry, kind, item, f"{list_name}[{index}]", seen, owners, all_config, problems, where)
                target.append((entry.key, entry))
    namespaces = {"symphony": {"symphony"} | {e.connection for _, e in result.symphony},
                  "swo": {"swo"} | {e.connection for _, e in result.swo}}
    problems += _unknown_keys(all_config, namespaces, where)
    problems += _plain_credentials(all_config, secrets, namespaces, where)
    if problems:
        raise StackConfigError("invalid group configuration:\n  " + "\n  ".join(problems))
    warning = room_warning(len(os.environ.get("PULUMI_CONFIG", "").encode()), config)
    if warning:
        pulumi.log.warn(warning)
    return result


def _entry(entry_model: type[Entry], item: Any, label: str, problems: list[str], root: Path) -> Any:
    """One validated entry, or ``None`` with its problems recorded (a missing ``key`` says which to add)."""
    if isinstance(item, dict) and isinstance(item.get("key") or item.get("name"), str):
        label += f" ({item.get('key') or item.get('name')!r})"
    if isinstance(item, dict) and "key" not in item and isinstance(item.get("name"), str):
        problems.append(
            f"{label}: key: is required; add `key: {slug(item['name'])}` (the resource name this entry has "
            "had so far), so that renaming the group later updates it instead of replacing it")
        item = {**item, "key": slug(item["name"])}
    item, file_problems = people_files.expand(item, root)
    problems.extend(f"{label}: {p}" for p in file_problems)
    return None if file_problems else _validate(entry_model, item, label, problems)


def _check_unique(entry: Any, kind: str, item: Any, short: str, seen: dict[str, str],
                  owners: dict[tuple[str, ...], str], all_config: Mapping[str, Any], problems: list[str],
                  where: str) -> None:
    """Two entries may share neither a key nor a group (same tenant and natural key)."""
    if isinstance(item, dict) and isinstance(item.get("key") or item.get("name"), str):
        short += f" ({item.get('key') or item.get('name')!r})"
    label = f"{where}: {short}"
    for key in (entry.key, *entry.former_keys):
        if f"{kind}/{key}" in seen:
            problems.append(f"{label}: key {key!r} is used by {seen[f'{kind}/{key}']} too; "
                            "give each entry a unique `key` (and `formerKeys`)")
        seen.setdefault(f"{kind}/{key}", short)
    natural = entry.natural_key(_tenant(entry.connection, kind, all_config))
    if natural in owners:
        problems.append(f"{label}: stands for the same group as {owners[natural]} (same tenant, "
                        f"{'account' if kind == 'swoGroups' else 'type'} and name); one group can have "
                        "one owner: remove one entry, or merge them")
    owners.setdefault(natural, short)


def _tenant(namespace: str, kind: str, all_config: Mapping[str, Any]) -> str:
    """Where a connection points: two namespaces with one URL are one tenant."""
    if kind == "swoGroups":
        url = all_config.get(f"{namespace}:apiUrl") or swo_provider.DEFAULT_API_URL
    else:
        url = all_config.get(f"{namespace}:podUrl") or namespace
    return str(url).rstrip("/").lower()


def _unknown_keys(all_config: Mapping[str, Any], namespaces: dict[str, set[str]], where: str) -> list[str]:
    known: dict[str, set[str]] = {PROJECT: set(PROJECT_KEYS)}
    for kind, settings in (("symphony", symphony_provider.SETTINGS), ("swo", swo_provider.SETTINGS)):
        for ns in namespaces[kind]:
            known.setdefault(ns, set()).update(settings)
    problems = []
    for full_key in sorted(all_config):
        ns, _, name = full_key.partition(":")
        if ns not in known or name in known[ns]:
            continue
        match = difflib.get_close_matches(name, sorted(known[ns]), n=1, cutoff=0.6)
        hint = f"; did you mean {ns}:{match[0]}?" if match else f"; known keys: {', '.join(sorted(known[ns]))}"
        problems.append(f"{where}: {full_key}: is not a known key{hint}")
    return problems


def _plain_credentials(all_config: Mapping[str, Any], secrets: set[str], namespaces: dict[str, set[str]],
                       where: str) -> list[str]:
    problems = []
    for kind, credentials in (("symphony", symphony_provider.CREDENTIALS), ("swo", swo_provider.CREDENTIALS)):
        for ns in sorted(namespaces[kind]):
            for name in (*credentials, "proxyUrl"):
                key = f"{ns}:{name}"
                value = all_config.get(key)
                if value is None or key in secrets:
                    continue
                if name == "proxyUrl" and redact_url(str(value)) == str(value):
                    continue  # a proxy URL without credentials is not a secret
                problems.append(f"{where}: {key}: is stored in plain text; set it with "
                                f"`pulumi config set --secret {key} ...` (or the environment variable "
                                f"{_env(ns, name)})")
    return problems


def _env(namespace: str, key: str) -> str:
    from providers.config import env_name
    return env_name(namespace, key)


# The engine hands the whole config to the program in one environment variable (``PULUMI_CONFIG``), and
# Linux takes at most 128 KiB in one: past it the engine cannot start the program at all and says only
# ``fork/exec …/python: argument list too long``. So the room is watched while it can still be said.
CONFIG_ROOM = 128 * 1024
CONFIG_NEAR = 0.7  # a warning from here on, naming the longest inline lists


def room_warning(size: int, config: Any) -> str | None:
    """A warning when ``size`` (bytes of config as the engine hands it over) nears the room, naming the
    longest inline people lists of the two group lists in ``config`` and the file form that takes them out."""
    if size <= CONFIG_ROOM * CONFIG_NEAR:
        return None
    lists = []
    for list_name in (SYMPHONY_LIST, SWO_LIST):
        items = config.get_object(list_name.split(":")[1]) or []
        for index, item in enumerate(items if isinstance(items, list) else []):
            for kind in people_files.PEOPLE_FIELDS:
                value = item.get(kind) if isinstance(item, dict) else None
                value = value.get("add") if isinstance(value, dict) else value
                if isinstance(value, list) and value:
                    lists.append((len(value), f"{list_name}[{index}] ('{item.get('key')}') {kind}"))
    longest = ", ".join(f"{name} ({n} names)" for n, name in sorted(lists, reverse=True)[:3])
    return (f"the stack's config is {size // 1024} KiB of the {CONFIG_ROOM // 1024} KiB the engine can hand the "
            "program (past it, every command fails with `argument list too long`): move long people lists to "
            f"files beside the stack, e.g. `members: {{file: people/<key>.members.txt}}`" +
            (f"; the longest inline: {longest}" if longest else ""))


def _read_list(config: pulumi.Config, name: str, where: str, problems: list[str]) -> list[Any]:
    try:
        value = config.get_object(name)
    except Exception as exc:  # the value is not valid JSON/YAML for an object
        problems.append(f"{where}: {PROJECT}:{name}: cannot be read as a list: {exc}")
        return []
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{where}: {PROJECT}:{name}: must be a list of groups, got {type(value).__name__}")
        return []
    return value


def _validate(entry_model: type[BaseModel], item: Any, label: str, problems: list[str]) -> Any:
    if not isinstance(item, dict):
        problems.append(f"{label}: must be a mapping of fields, got {type(item).__name__}")
        return None
    try:
        return entry_model.model_validate(item)
    except ValidationError as exc:
        problems.extend(f"{label}: {field_path(e['loc'])}: {field_message(e)}" for e in exc.errors())
        return None
