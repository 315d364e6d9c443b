"""``python -m program report``: who is in each group of a stack, against who the stack declares.

Reads the stack's entries (its config, secrets decrypted by the Pulumi CLI), the ids its last
``up`` exported, and each group's live people through the same clients and connection settings
as ``pulumi up``. It writes nothing. Per group and kind of person it prints who is in the group,
who is declared, and who differs: in the group but not declared (added outside Pulumi, or not
yet removed by an ``up``), declared but not in it (removed outside Pulumi, or not yet added), and
declared values the API does not know. A value is matched to a person as the providers match it
(``providers.people.directory``), so a second spelling of one person is that person.

Formats: a table on the terminal (``--format table``, the default), ``json`` or ``csv`` (one row
per person) on standard output. Exit codes: 0 when every group is as declared; 2 when anything
differs, so a scheduled job can alert; 1 when the report could not be made.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from program import stack_config
from program.discover import DictConfig, stack_config as read_stack_config
from providers.errors import ProviderError, some
from providers.fields import MIN_MATCHES
from providers.people import queries
from providers.people.adapter import PeopleAdapter
from providers.people.directory import directory

IN_SYNC, ADDED, MISSING, UNKNOWN = "in the group, declared", "in the group, not declared", \
    "declared, not in the group", "declared, unknown to the API"


@dataclass
class PeopleState:
    """One kind of person (members, assignees, users) of one group: who is declared, who is in it."""

    list_name: str  # "symphonyGroups" or "swoGroups"
    key: str
    group: str  # the group's name
    group_id: str
    kind: str  # "members", "assignees", "users"
    whole: bool  # a whole list (everyone else is drift) or additions (others are not managed)
    people: dict[str, str] = field(default_factory=dict)  # person as shown -> status
    note: str = ""  # why the group could not be read, if it could not

    @property
    def differs(self) -> bool:
        if self.note:
            return True
        counted = (MISSING, UNKNOWN, ADDED) if self.whole else (MISSING, UNKNOWN)
        return any(status in counted for status in self.people.values())

    def shown(self, status: str) -> list[str]:
        return sorted(p for p, s in self.people.items() if s == status)


class _Config:
    """The stack's values as ``stack_config.load`` reads them (``pulumi.Config.get_object``)."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def get_object(self, key: str) -> Any:
        return self.values.get(f"{stack_config.PROJECT}:{key}")


def stack_outputs(stack: str, root: Path) -> dict[str, Any]:
    """What the stack's last ``up`` exported (empty before the first one)."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise ProviderError("the pulumi CLI is not on PATH (`source scripts/env.sh` puts this project's there)")
    run = subprocess.run([pulumi, "stack", "output", "--json", "--stack", stack, "--non-interactive"], cwd=root,
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
        raise ProviderError(f"`pulumi stack output --stack {stack}` failed: {last}")
    return json.loads(run.stdout or "{}")


def compare(adapter: PeopleAdapter, state: PeopleState, declared: list[str]) -> PeopleState:
    """Fills ``state.people`` from the group's live people and the declared values."""
    live = adapter.read(state.group_id)
    if live is None:
        state.note = "the group does not exist (deleted outside Pulumi, or not created yet)"
        return state
    found, unknown = directory(adapter).resolve(adapter, declared)
    directory(adapter).learn(adapter, live)
    in_group = {p.id: p for p in live}
    declared_ids = {person.id: value for value, person in found.items()}
    for value in unknown:
        state.people[value] = UNKNOWN
    for person_id, value in declared_ids.items():
        state.people[value] = IN_SYNC if person_id in in_group else MISSING
    for person_id, person in in_group.items():
        if person_id not in declared_ids:
            state.people[_label(person)] = ADDED
    return state


Declared = list[str] | Callable[[PeopleAdapter], list[str]]  # the people, or how to ask a query for them


def queried(entry: Any, kind: str) -> stack_config.QueryForm | None:
    """The entry's query form of this kind of people, if it has one."""
    form = getattr(entry, kind, None)
    return form if isinstance(form, stack_config.QueryForm) else None


def declared(entry: Any, kind: str, values: list[str]) -> Declared:
    """Who the entry declares of this kind: its list, or, for a query, the people the query chooses now
    (asked as a plan asks it, so a group that follows the directory reports its drift like a list)."""
    form = queried(entry, kind)
    if form is None:
        return values
    floor = form.min_matches if form.min_matches is not None else MIN_MATCHES
    query, include, exclude = getattr(form, "query"), getattr(form, "include") or [], getattr(form, "exclude") or []
    return lambda adapter: queries.choose(adapter, query, include, exclude, floor)[0]


def _label(person: Any) -> str:
    """A person as the API shows them, with their address where it is not already what is shown."""
    email = person.extra.get("email")
    return f"{person.shown} ({email})" if email and email != person.shown else person.shown


def collect(entries: stack_config.GroupConfig, outputs: dict[str, Any], config: DictConfig,
            console: Console) -> list[PeopleState]:
    """Every declared people kind of every entry, compared with the live group."""
    from providers.swo.inputs import SwoUserGroupMembersInputs
    from providers.swo.people import AccountUsers
    from providers.swo.provider import connect as swo_connect
    from providers.symphony.inputs import SymphonyUserGroupMembersInputs
    from providers.symphony.people import PodAssignees, PodMembers
    from providers.symphony.provider import connect as symphony_connect

    work: list[tuple[PeopleState, Declared, Any]] = []
    for key, entry in entries.symphony:
        gid = str((outputs.get("symphonyGroups") or {}).get(key, {}).get("id") or "")
        for kind, values in entry.people().items():
            inputs = SymphonyUserGroupMembersInputs.model_construct(connection=entry.connection, group_id=gid)
            adapter_class = PodMembers if kind == "members" else PodAssignees
            whole = (kind == "members" and isinstance(entry.members, list)) or queried(entry, kind) is not None
            work.append((PeopleState("symphonyGroups", key, entry.name, gid, kind, whole), declared(entry, kind, values),
                         lambda i=inputs, c=adapter_class, n=entry.connection: c(symphony_connect(n, config), i)))
    for key, swo in entries.swo:
        gid = str((outputs.get("swoGroups") or {}).get(key, {}).get("id") or "")
        for kind, values in swo.people().items():
            account = SwoUserGroupMembersInputs.model_construct(connection=swo.connection, group_id=gid,
                                                               account_id=swo.account_id)
            whole = isinstance(swo.users, list) or queried(swo, kind) is not None
            work.append((PeopleState("swoGroups", key, swo.name, gid, kind, whole), declared(swo, kind, values),
                         lambda i=account, n=swo.connection: AccountUsers(swo_connect(n, config), i)))
    states = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("reading the groups' people", total=len(work))
        for state, values, make in work:
            if not state.group_id:
                state.note = "not created yet: run `pulumi up`"
            else:
                try:
                    adapter = make()
                    compare(adapter, state, values(adapter) if callable(values) else values)
                except ProviderError as exc:
                    state.note = f"could not be read: {exc}"
            states.append(state)
            progress.advance(task)
    return states


def rows(states: Iterable[PeopleState]) -> list[dict[str, str]]:
    """One row per person (and one per group that could not be read), for JSON and CSV."""
    out = []
    for s in states:
        base = {"list": s.list_name, "key": s.key, "group": s.group, "groupId": s.group_id, "kind": s.kind,
                "form": "whole list" if s.whole else "additions"}
        if s.note:
            out.append({**base, "person": "", "status": s.note})
        out += [{**base, "person": person, "status": status} for person, status in sorted(s.people.items())]
    return out


def table(console: Console, states: list[PeopleState]) -> None:
    view = Table(title="who is in each group")
    for column in ("group", "kind", "in the group, declared", "not declared", "declared, missing", "unknown"):
        view.add_column(column)
    for s in states:
        if s.note:
            view.add_row(f"{s.key} ({s.group})", s.kind, s.note, "", "", "")
            continue
        extra = s.shown(ADDED)
        view.add_row(f"{s.key} ({s.group})", s.kind + ("" if s.whole else " (additions)"), str(len(s.shown(IN_SYNC))),
                     some(extra) if s.whole else f"{len(extra)} not managed", some(s.shown(MISSING)),
                     some(s.shown(UNKNOWN)))
    console.print(view)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m program report",
        description="Who is in each group of the stack, against who it declares; writes nothing. Exit 0: as "
                    "declared; 2: something differs; 1: the report could not be made.")
    parser.add_argument("--stack", required=True, help="the stack whose groups are reported")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table",
                        help="a table on the terminal (default), or JSON or CSV (a row per person) on stdout")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: the current one)")
    args = parser.parse_args(argv)
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
    try:
        values = read_stack_config(args.stack, args.root)
        entries = stack_config.load(_Config(values), where=f"stack {args.stack}", all_config=values,
                                    secret_keys=set(values), root=args.root)
        states = collect(entries, stack_outputs(args.stack, args.root), DictConfig(values), console)
    except (ProviderError, OSError, ValueError, stack_config.StackConfigError) as exc:
        console.print(f"report: {exc}", style="red", markup=False, highlight=False)
        return 1
    if args.format == "json":
        print(json.dumps({"groups": [asdict(s) | {"differs": s.differs} for s in states]}, indent=1,
                         ensure_ascii=False))
    elif args.format == "csv":
        found = rows(states)
        writer = csv.DictWriter(sys.stdout, fieldnames=["list", "key", "group", "groupId", "kind", "form", "person",
                                                        "status"])
        writer.writeheader()
        writer.writerows(found)
    else:
        table(console, states)
    differing = [s for s in states if s.differs]
    console.print(f"{len(differing)} of {len(states)} people lists differ from the stack" if differing
                  else f"all {len(states)} people lists are as declared", markup=False, highlight=False)
    return 2 if differing else 0
