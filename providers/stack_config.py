"""The group lists a stack declares (``usergroups:symphonyGroups``, ``usergroups:swoGroups``).

Every entry is checked before any resource is registered; an error names the
stack file, the list, the entry and the field. The same input models as the
providers' ``check`` are used, so both catch the same mistakes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path
from typing import Any, Optional

import pulumi
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .swo.models import AccountId, SwoUserGroupInputs
from .swo.resource import SwoUserGroupArgs
from .symphony.models import SymphonyUserGroupInputs
from .symphony.resource import SymphonyUserGroupArgs

PROJECT = "usergroups"
SYMPHONY_LIST = f"{PROJECT}:symphonyGroups"
SWO_LIST = f"{PROJECT}:swoGroups"
KEY_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"


class StackConfigError(pulumi.RunError):
    """A declared group list is invalid; the message names file, list, entry and field."""


class SymphonyGroupEntry(SymphonyUserGroupInputs):
    """One entry of ``usergroups:symphonyGroups``: the resource's inputs plus its ``key``."""

    key: Optional[str] = Field(default=None, pattern=KEY_PATTERN)

    def args(self) -> SymphonyUserGroupArgs:
        return SymphonyUserGroupArgs(**self.model_dump(exclude={"key"}))


class SwoGroupEntry(SwoUserGroupInputs):
    """One entry of ``usergroups:swoGroups``: the resource's inputs (``accountId`` in YAML) plus its ``key``."""

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=False)
    key: Optional[str] = Field(default=None, pattern=KEY_PATTERN)
    account_id: AccountId = Field(alias="accountId")

    def args(self) -> SwoUserGroupArgs:
        return SwoUserGroupArgs(**self.model_dump(exclude={"key"}))


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


def load(config: pulumi.Config | None = None, where: str | None = None) -> GroupConfig:
    """Reads and validates both lists; raises ``StackConfigError`` listing every problem."""
    config = config or pulumi.Config(PROJECT)
    where = where or stack_file()
    problems: list[str] = []
    result = GroupConfig()
    seen: dict[str, str] = {}
    for list_name, entry_model, target in (
        (SYMPHONY_LIST, SymphonyGroupEntry, result.symphony),
        (SWO_LIST, SwoGroupEntry, result.swo),
    ):
        raw = _read_list(config, list_name.split(":")[1], where, problems)
        for index, item in enumerate(raw):
            label = f"{where}: {list_name}[{index}]"
            if isinstance(item, dict) and isinstance(item.get("key") or item.get("name"), str):
                label += f" ({item.get('key') or item.get('name')!r})"
            entry = _validate(entry_model, item, label, problems)
            if entry is None:
                continue
            key = entry.key or slug(entry.name)
            kind = list_name.split(":")[1]
            if f"{kind}/{key}" in seen:
                problems.append(f"{label}: key {key!r} is used by {seen[f'{kind}/{key}']} too; "
                                "give each entry a unique `key`")
                continue
            seen[f"{kind}/{key}"] = label.split(": ", 1)[1]
            target.append((key, entry))
    if problems:
        raise StackConfigError("invalid group configuration:\n  " + "\n  ".join(problems))
    return result


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
        problems.extend(f"{label}: {_field(e['loc'])}: {_msg(e)}" for e in exc.errors())
        return None


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "entry"


def _msg(err: dict[str, Any]) -> str:
    if err["type"] == "missing":
        return "is required"
    if err["type"] == "extra_forbidden":
        return "is not a known field"
    msg = err["msg"]
    return msg[len("Value error, "):] if msg.startswith("Value error, ") else msg
