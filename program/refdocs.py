"""The argument and attribute tables of the reference pages, generated from the models.

    python -m program.refdocs          # rewrites the tables in docs/*.md
    python -m program.refdocs --check  # exits 1, naming the page, when a committed table is stale

A table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->`` in its
page; everything else in the page is written by hand.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import types
import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from program.stack_config import Entry, SwoGroupEntry, SymphonyGroupEntry
from providers import fields
from providers.swo.inputs import (
    SwoUserGroupAttributes,
    SwoUserGroupInputs,
    SwoUserGroupMemberAttributes,
    SwoUserGroupMemberInputs,
    SwoUserGroupMembersAttributes,
    SwoUserGroupMembersInputs,
)
from providers.symphony.inputs import (
    SymphonyUserGroupAssigneesInputs,
    SymphonyUserGroupAssignmentInputs,
    SymphonyUserGroupAttributes,
    SymphonyUserGroupInputs,
    SymphonyUserGroupMemberInputs,
    SymphonyUserGroupMembersAttributes,
    SymphonyUserGroupMembersInputs,
    SymphonyUserLinkAttributes,
)

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"(<!-- generated: (\w+) -->\n)(.*?)(<!-- end generated -->)", re.S)
ENTRY_ROWS = {  # stack-config-only fields: (argument column, on change)
    "key": ("(resource name)", "a new key is a new resource, unless the old one is in `formerKeys`"),
    "former_keys": ("(aliases)", "none: the resource is moved to the new key"),
    "users": ("(`SwoUserGroupMembers` / `SwoUserGroupMember`)", "users added and removed one by one; the group "
              "is untouched"),
    "members": ("(`SymphonyUserGroupMembers` / `SymphonyUserGroupMember`)", "members added and deactivated; the "
                "group is untouched"),
    "assignees": ("(`SymphonyUserGroupAssignment`)", "assignees added and deactivated one by one"),
    "max_removals": ("(`max_removals` of the whole list)", "none: it guards the next update"),
    "retain_people": ("(`retainOnDelete` of the people resources)", "the people resources' option; no request"),
    "protect": ("(`protect` of the group and its people)", "the resources' option; no request"),
}


@dataclass(frozen=True)
class Page:
    """One reference page and the models its tables come from."""

    path: str
    inputs: type[BaseModel]
    entry: type[Entry] | None  # None: the resource has no stack-config list of its own
    attributes: type[BaseModel]
    id_meaning: str


PAGES = (
    Page("docs/swo-user-group.md", SwoUserGroupInputs, SwoGroupEntry, SwoUserGroupAttributes,
         "the group id, `UGR-NNNN-NNNN`"),
    Page("docs/symphony-user-group.md", SymphonyUserGroupInputs, SymphonyGroupEntry, SymphonyUserGroupAttributes,
         "the group id"),
    Page("docs/swo-user-group-members.md", SwoUserGroupMembersInputs, None, SwoUserGroupMembersAttributes,
         "the group id, `UGR-NNNN-NNNN` (one list per group)"),
    Page("docs/swo-user-group-member.md", SwoUserGroupMemberInputs, None, SwoUserGroupMemberAttributes,
         "`<group id>/<user id>`, e.g. `UGR-1234-5678/USR-1234-0001`"),
    Page("docs/symphony-user-group-members.md", SymphonyUserGroupMembersInputs, None,
         SymphonyUserGroupMembersAttributes, "the group id (one list per group)"),
    Page("docs/symphony-user-group-member.md", SymphonyUserGroupMemberInputs, None, SymphonyUserLinkAttributes,
         "`<group id>/<user id>`"),
    Page("docs/symphony-user-group-assignees.md", SymphonyUserGroupAssigneesInputs, None,
         SymphonyUserGroupMembersAttributes, "the group id (one list per group)"),
    Page("docs/symphony-user-group-assignment.md", SymphonyUserGroupAssignmentInputs, None,
         SymphonyUserLinkAttributes, "`<group id>/<user id>`"),
)


def _required(model: type[BaseModel], name: str) -> str:
    info = model.model_fields[name]
    if fields.field_meta(model, name).get("required"):
        return str(fields.field_meta(model, name)["required"])
    if info.is_required():
        return "yes"
    if info.default is None:
        return "no"
    shown = info.default if isinstance(info.default, str) else json.dumps(info.default)
    return f"no (default `{shown}`)"


def _on_change(model: type[BaseModel], name: str) -> str:
    meta = fields.field_meta(model, name)
    if meta.get("onChange"):
        return str(meta["onChange"])
    if meta.get("replace"):
        return "**replace**"
    return "none (no API call)" if meta.get("lifecycle") else "update in place"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def arguments(page: Page) -> str:
    own = fields.domain_fields(page.inputs)
    if page.entry is None:  # declared in programs (or through another resource's entry) only
        rows = ["| argument | required | rules | on change |", "|---|---|---|---|"]
        for name in (*own, *(n for n in page.inputs.model_fields if n not in own)):
            rows.append(f"| `{name}` | {_required(page.inputs, name)} | "
                        f"{_cell(page.inputs.model_fields[name].description or '')} | {_on_change(page.inputs, name)} |")
        return "\n".join(rows) + "\n"
    rows = ["| argument | stack-config field | required | rules | on change |", "|---|---|---|---|---|"]
    for name in (*own, *(n for n in page.inputs.model_fields if n not in own)):  # the group's fields first
        rows.append(f"| `{name}` | `{fields.config_name(page.inputs, name)}` | {_required(page.inputs, name)} | "
                    f"{_cell(page.inputs.model_fields[name].description or '')} | {_on_change(page.inputs, name)} |")
    extra = [n for n in page.entry.model_fields if n not in page.inputs.model_fields]
    if not set(extra) <= set(ENTRY_ROWS) or set(extra) != page.entry.entry_only:
        raise SystemExit(f"{page.entry.__name__}: stack-config-only fields {extra} need a row in ENTRY_ROWS")
    for name in extra:
        info = page.entry.model_fields[name]
        argument, change = ENTRY_ROWS[name]
        rows.append(f"| {argument} | `{info.alias or name}` | {_required(page.entry, name)} | "
                    f"{_cell(info.description or '')} | {change} |")
    return "\n".join(rows) + "\n"


def _type(annotation: object) -> str:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        return _type(args[0])
    if typing.get_origin(annotation) is list:
        return f"list of {_type(args[0])}"
    if typing.get_origin(annotation) is dict:
        return f"map of {_type(args[0])} to {_type(args[1])}"
    names: dict[object, str] = {str: "string", int: "int", bool: "bool", float: "number"}
    return names.get(annotation, str(annotation))


def attributes(page: Page) -> str:
    rows = ["| attribute | type | meaning |", "|---|---|---|", f"| `id` | string | {page.id_meaning} |"]
    for name, info in page.attributes.model_fields.items():
        rows.append(f"| `{name}` | {_type(info.annotation)} | {_cell(info.description or '')} |")
    return "\n".join(rows) + "\n"


def render(page: Page, text: str) -> str:
    tables = {"arguments": arguments(page), "attributes": attributes(page)}
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in tables:
            raise SystemExit(f"{page.path}: unknown generated block {name!r}")
        seen.add(name)
        return match.group(1) + tables[name] + match.group(4)

    out = BLOCK.sub(replace, text)
    missing = set(tables) - seen
    if missing:
        raise SystemExit(f"{page.path}: no <!-- generated: {sorted(missing)[0]} --> block")
    return out


def stale_pages(root: Path = ROOT) -> list[str]:
    return [p.path for p in PAGES if render(p, (root / p.path).read_text()) != (root / p.path).read_text()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m program.refdocs", description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a table is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages()
        for path in stale:
            print(f"{path}: generated tables are stale; run `python -m program.refdocs`", file=sys.stderr)
        return 1 if stale else 0
    for page in PAGES:
        path = ROOT / page.path
        path.write_text(render(page, path.read_text()))
        print(f"refdocs: wrote {page.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
