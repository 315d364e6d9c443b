"""``python -m program discover``: bring an existing tenant under code in one command.

Reads every group of the selected scopes, with its people, through the same clients and
connection settings as ``pulumi up`` (the stack's config with secrets decrypted by the Pulumi
CLI, then the environment), and adds what it found to ``stacks/Pulumi.<stack>.yaml`` as entries
with ``adopt: true``, keeping every comment and entry already in the file. The next ``pulumi up``
takes the groups over without writing anything.

Exit codes: 0 done; 1 failed (nothing written); 2 with ``--detailed-exitcode`` when entries were
added (or, with ``--dry-run``, would be), so a scheduled job can tell when the tenant has groups
the code does not know.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from pydantic import BaseModel, TypeAdapter, ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from program import proposals
from program.stack_config import CONFIG_ROOM, PROJECT, SwoGroupEntry, SymphonyGroupEntry, slug
from providers import fields
from providers.errors import ProviderError, field_message, field_path
from providers.swo.inputs import AccountId, SwoUserGroupInputs
from providers.symphony.inputs import SymphonyUserGroupInputs

SYMPHONY_LIST, SWO_LIST = f"{PROJECT}:symphonyGroups", f"{PROJECT}:swoGroups"
DEFAULT_TYPE = SymphonyUserGroupInputs.model_fields["type"].default
ACCOUNT_ID: TypeAdapter[str] = TypeAdapter(AccountId)  # the pattern the group's accountId field declares


@dataclass
class Found:
    """One group read from a tenant: the entry it becomes, or why it is left out."""

    kind: str  # "symphonyGroups" or "swoGroups"
    natural_key: tuple[str, ...]  # connection, scope, name
    group_id: str
    name: str
    entry: dict[str, Any] = field(default_factory=dict)
    left_out: str | None = None


class DictConfig:
    """The stack's config as ``pulumi config --json --show-secrets`` gives it, as the providers read config."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def get(self, key: str) -> Any:
        return self._values.get(key)


def stack_config(stack: str, cwd: Path) -> dict[str, Any]:
    """Every config value of the stack, secrets decrypted by the Pulumi CLI (which knows the secrets provider)."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise ProviderError("the pulumi CLI is not on PATH (`source scripts/env.sh` puts this project's there)")
    run = subprocess.run([pulumi, "config", "--json", "--show-secrets", "--stack", stack, "--non-interactive"],
                         cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
        raise ProviderError(f"`pulumi config --stack {stack}` failed: {last}")
    raw = json.loads(run.stdout or "{}")
    return {k: (v.get("objectValue") if v.get("objectValue") is not None else v.get("value")) for k, v in raw.items()}


def stack_path(stack: str, root: Path) -> Path:
    project = YAML(typ="safe").load((root / "Pulumi.yaml").read_text()) or {}
    return root / (project.get("stackConfigDir") or ".") / f"Pulumi.{stack}.yaml"


def _text(value: str) -> DoubleQuotedScalarString:
    # Quoted whatever it holds, so that no YAML reader takes `yes`, `1e3` or `# x` for something else.
    return DoubleQuotedScalarString(value)


# -- reading the tenants -------------------------------------------------------------------
def symphony_groups(client: Any, connection: str, types: list[str], include_inactive: bool,
                    people: Callable[[Iterable[Any]], Iterable[Any]], propose_queries: bool = False) -> list[Found]:
    found: list[Found] = []
    for type_ in types:
        groups = client.list(type_)
        active_names: dict[str, list[str]] = {}
        for g in groups:
            if g.active:
                active_names.setdefault(g.name, []).append(g.id)
        for g in people(groups):
            f = Found("symphonyGroups", natural_key(SymphonyUserGroupInputs, {**g.outputs(), "connection": connection}),
                      g.id, g.name)
            twins = active_names.get(g.name, [])
            if g.active and len(twins) > 1:
                f.left_out = f"{len(twins)} active groups of type {type_} have this name ({', '.join(twins)})"
            elif not g.active and not include_inactive:
                f.left_out = "inactive (add --include-inactive to declare it with active: false)"
            elif not g.active and twins:
                f.left_out = f"inactive, and an active group ({twins[0]}) has this name"
            else:
                f.entry = _symphony_entry(client, g, connection, propose_queries)
                f.left_out = cannot_declare(SymphonyGroupEntry, f.entry)
            found.append(f)
    return found


ENTRY_INPUTS: dict[str, type[BaseModel]] = {"symphonyGroups": SymphonyUserGroupInputs, "swoGroups": SwoUserGroupInputs}


def natural_key(model: type[BaseModel], values: Mapping[str, Any]) -> tuple[str, ...]:
    """What makes two groups the same group, from the model's metadata: the connection, the scope (the
    key fields a change would replace: type, account) and then the name; absent values take their defaults."""
    key = [f for f in fields.fields_where(model, "naturalKey") if f != "connection"]
    ordered = ["connection", *(f for f in key if f in fields.fields_where(model, "replace")),
               *(f for f in key if f not in fields.fields_where(model, "replace"))]
    return tuple(str(values.get(f) if values.get(f) not in (None, "") else model.model_fields[f].default)
                 for f in ordered)


def cannot_declare(entry_model: type[BaseModel], entry: dict[str, Any]) -> str | None:
    """Why a group as the tenant has it cannot be declared (a name with a control character, say), so that
    discover never writes an entry the next `preview` refuses; ``None`` when it can."""
    try:
        entry_model.model_validate({"key": "discovered", **{k: _plain(v) for k, v in entry.items()}})
    except ValidationError as exc:
        err = exc.errors()[0]
        return (f"{field_path(err['loc'])}: {field_message(err, 'field')}; fix it in the portal, then run discover "
                "again")
    return None


def _plain(value: Any) -> Any:
    """YAML's quoted scalars as plain strings, for validation."""
    if isinstance(value, str):
        return str(value)
    return [_plain(v) for v in value] if isinstance(value, list) else value


def declared_fields(model: type[BaseModel], values: dict[str, Any]) -> dict[str, Any]:
    """The group's own fields (the input model's domain fields, by their stack-config names) that a
    declaration needs: every required one, and each optional one that differs from its default."""
    entry: dict[str, Any] = {}
    for name in fields.domain_fields(model):
        info, value = model.model_fields[name], values.get(name)
        if not info.is_required() and (value in (None, "", []) or value == info.default):
            continue
        entry[fields.config_name(model, name)] = _text(value) if isinstance(value, str) else value
    return entry


def _symphony_entry(client: Any, g: Any, connection: str, propose_queries: bool = False) -> dict[str, Any]:
    entry = declared_fields(SymphonyUserGroupInputs, g.outputs())
    for kind, key in (("members", "members"), ("assignees", "assignees")):
        links = client.links(g.id, kind) or []
        names = sorted(link.user.username for link in links if link.user and link.user.username)
        if names:
            entry[key] = [_text(n) for n in names]
    query = proposals.symphony_query(client, connection, list(entry.get("members") or [])) if propose_queries \
        else None
    if query:
        entry["members"] = {"query": {k: _text(v) for k, v in query.items()}}
    return _settings(entry, SymphonyUserGroupInputs, connection)


def _settings(entry: dict[str, Any], model: type[BaseModel], connection: str) -> dict[str, Any]:
    """The entry's resource settings: its connection where it is not the default, and ``adopt``."""
    if connection != model.model_fields["connection"].default:
        entry["connection"] = connection
    entry["adopt"] = True
    return entry


def swo_groups(client: Any, connection: str, accounts: list[str],
               people: Callable[[Iterable[Any]], Iterable[Any]], propose_queries: bool = False) -> list[Found]:
    groups = [g for a in accounts for g in _account_groups(client, a)] if accounts else client.list("")
    names: dict[tuple[str, str], list[str]] = {}
    for g in groups:
        names.setdefault((g.account.id, g.name), []).append(g.id)
    found: list[Found] = []
    for g in people(groups):
        f = Found("swoGroups", natural_key(SwoUserGroupInputs, {**g.outputs(), "connection": connection}), g.id,
                  g.name)
        twins = names[(g.account.id, g.name)]
        if g.is_default:
            f.left_out = "the account's default group (the API never deletes it; declare it by hand if you must)"
        elif len(twins) > 1:
            f.left_out = f"{len(twins)} groups of {g.account.id} have this name ({', '.join(twins)})"
        else:
            f.entry = _swo_entry(client, g, connection, propose_queries)
            f.left_out = cannot_declare(SwoGroupEntry, f.entry)
        found.append(f)
    return found


def _account_groups(client: Any, account: str) -> list[Any]:
    """The groups of one ``--swo-account``; none at all means the token does not see the account."""
    listed: list[Any] = client.in_account(account)
    if not listed:
        raise ProviderError(f"--swo-account {account}: the token sees no group of this account (every account "
                            "has its default group): check the id and that the token belongs to it")
    return listed


def _swo_entry(client: Any, g: Any, connection: str, propose_queries: bool = False) -> dict[str, Any]:
    entry = declared_fields(SwoUserGroupInputs, g.outputs())
    users = sorted(u.id for u in client.group_users(g.account.id, g.id))
    if users:
        entry["users"] = users
    query = proposals.swo_query(client, connection, g.account.id, users) if propose_queries and users else None
    if query:
        entry["users"] = {"query": _text(query)}
    return _settings(entry, SwoUserGroupInputs, connection)


# -- the stack file ------------------------------------------------------------------------------
class StackFile:
    """The stack's config file, edited in place: comments, order and every entry already there are kept."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.yaml = YAML()
        self.yaml.preserve_quotes = True
        self.yaml.indent(mapping=2, sequence=4, offset=2)
        self.yaml.width = 4096
        self.doc = self.yaml.load(path.read_text()) if path.exists() else CommentedMap()
        if self.doc is None:
            self.doc = CommentedMap()
        self.config = self.doc.setdefault("config", CommentedMap())

    def entries(self, kind: str) -> list[Any]:
        value = self.config.get(f"{PROJECT}:{kind}")
        return list(value) if isinstance(value, list) else []

    def declared(self, kind: str) -> set[tuple[str, ...]]:
        """Natural keys of the entries already there (as the program compares them)."""
        keys = set()
        model = ENTRY_INPUTS[kind]
        for e in self.entries(kind):
            if isinstance(e, Mapping) and "name" in e:
                keys.add(natural_key(model, {f: e.get(fields.config_name(model, f)) for f in model.model_fields}))
        return keys

    def used_keys(self, kind: str) -> set[str]:
        used = set()
        for e in self.entries(kind):
            if isinstance(e, Mapping):
                used.add(str(e.get("key")))
                used.update(str(k) for k in e.get("formerKeys") or [])
        return used

    def add(self, kind: str, entries: list[dict[str, Any]]) -> None:
        name = f"{PROJECT}:{kind}"
        current = self.config.get(name)
        if not isinstance(current, list):
            current = CommentedSeq()
            self.config[name] = current
        for entry in entries:
            current.append(CommentedMap(entry))

    def write(self) -> None:
        buffer = io.StringIO()
        self.yaml.dump(self.doc, buffer)
        tmp = self.path.with_suffix(".yaml.tmp")
        # The new file keeps the old one's mode (a 0600 stack file stays 0600); a new file is owner-only.
        mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o600
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as out:
            out.write(buffer.getvalue())
        os.chmod(tmp, mode)  # whatever the umask took away
        os.replace(tmp, self.path)  # all or nothing: an interrupted run leaves the old file


def plan(found: list[Found], stack: StackFile) -> tuple[dict[str, list[dict[str, Any]]], list[Found]]:
    """The entries to add per list (with stable, unique keys) and the groups already declared."""
    additions: dict[str, list[dict[str, Any]]] = {"symphonyGroups": [], "swoGroups": []}
    already: list[Found] = []
    for kind in additions:
        declared, used = stack.declared(kind), stack.used_keys(kind)
        for f in sorted((f for f in found if f.kind == kind and not f.left_out), key=lambda f: f.natural_key):
            if f.natural_key in declared:
                already.append(f)
                continue
            base = slug(f.name)
            key, n = base, 2
            while key in used:
                key, n = f"{base}-{n}", n + 1
            used.add(key)
            additions[kind].append({"key": _text(key), **f.entry})
    return additions, already


# -- people files ---------------------------------------------------------------------------------
FILE_FROM = 50  # people: a longer list goes to a file beside the stack, not inline (see program.people_files)
PEOPLE_DIR = "people"


def people_files(additions: dict[str, list[dict[str, Any]]], root: Path) -> dict[Path, list[str]]:
    """Moves every list of more than ``FILE_FROM`` people into ``people/<key>.<field>.txt`` (the entry then
    names the file): a tenant's large groups fit the stack config and review as diffs of their files.
    Returns the files to write; an existing file is never overwritten (the entry's key gets a suffix)."""
    files: dict[Path, list[str]] = {}
    for entries in additions.values():
        for entry in entries:
            for field_name in ("members", "assignees", "users"):
                people = entry.get(field_name)
                if not isinstance(people, list) or len(people) <= FILE_FROM:
                    continue
                name, n = f"{entry['key']}.{field_name}.txt", 2
                while (root / PEOPLE_DIR / name).exists() or root / PEOPLE_DIR / name in files:
                    name, n = f"{entry['key']}-{n}.{field_name}.txt", n + 1
                files[root / PEOPLE_DIR / name] = [str(p) for p in people]
                entry[field_name] = {"file": f"{PEOPLE_DIR}/{name}"}
    return files


def write_people_files(files: dict[Path, list[str]]) -> None:
    for path, people in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {len(people)} people, as the API listed them; one per line\n" + "\n".join(people) + "\n",
                        encoding="utf-8")


def config_size(stack: StackFile, additions: dict[str, list[dict[str, Any]]]) -> int:
    """About how large the stack's config will be when the engine hands it to the program."""
    return len(json.dumps(dict(stack.config.items()), default=str)) + len(json.dumps(additions, default=str))


# -- the command ---------------------------------------------------------------------------------
def account_id(value: str) -> str:
    """A ``--swo-account`` value, checked with the pattern the group's ``accountId`` field declares."""
    try:
        return ACCOUNT_ID.validate_python(value)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an account id (ACC-NNNN-NNNN)") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m program discover",
        description="Read the groups (and their people) of a stack's tenants and add them to its stack file as "
                    "entries with adopt: true; the next `pulumi up` takes them over without writing anything.",
        epilog="Exit codes: 0 done, 1 failed (nothing written), 2 entries added or, with --dry-run, to add "
               "(only with --detailed-exitcode).")
    parser.add_argument("--stack", required=True, help="the stack whose connections are read and whose file is edited")
    parser.add_argument("--swo-account", action="append", default=[], metavar="ACC-NNNN-NNNN", type=account_id,
                        help="read only these SoftwareOne accounts (repeatable; default: every account the token sees)")
    parser.add_argument("--symphony-type", action="append", default=[], metavar="TYPE",
                        help=f"read these Symphony group types (repeatable; default: {DEFAULT_TYPE})")
    parser.add_argument("--only", choices=("symphony", "swo"), help="read one API only")
    parser.add_argument("--include-inactive", action="store_true",
                        help="declare inactive Symphony groups too (as active: false)")
    parser.add_argument("--propose-queries", action="store_true",
                        help="declare a group's members (Symphony) or users (SoftwareOne) as a directory query where "
                             "one filter (a shared title, location or company; a shared address domain) matches "
                             "exactly its people, no one more or less; off by default")
    parser.add_argument("--dry-run", action="store_true", help="print the entries it would add, as YAML; change nothing")
    parser.add_argument("--detailed-exitcode", action="store_true", help="exit 2 when entries were (or would be) added")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: the current one)")
    args = parser.parse_args(argv)
    console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
    try:
        stack = StackFile(stack_path(args.stack, args.root))
        config = DictConfig(stack_config(args.stack, args.root))
        found = read_tenants(args, config, stack, console)
    except (ProviderError, OSError, ValueError) as exc:
        console.print(f"discover: {exc}", style="red", markup=False, highlight=False)
        return 1
    additions, already = plan(found, stack)
    added = sum(len(v) for v in additions.values())
    files = people_files(additions, args.root)
    size = config_size(stack, additions)
    if size > CONFIG_ROOM * 0.9:  # such a stack file could not run: the engine could not start the program
        console.print(f"discover: the stack's config would be about {size // 1024} KiB, past what the engine can hand "
                      f"the program ({CONFIG_ROOM // 1024} KiB in one environment variable); nothing was written. "
                      "Move long inline people lists to files (members: {file: ...}, see the README), or discover "
                      "fewer scopes at a time (--swo-account, --symphony-type)", style="red", markup=False,
                      highlight=False)
        return 1
    if args.dry_run:
        preview = {f"{PROJECT}:{k}": v for k, v in additions.items() if v}
        if preview:
            out = YAML()
            out.indent(mapping=2, sequence=4, offset=2)
            out.width = 4096
            out.dump(preview, sys.stdout)
    elif added:
        write_people_files(files)
        for kind, entries in additions.items():
            if entries:
                stack.add(kind, entries)
        stack.write()
    for path in files:
        console.print(f"{'would write' if args.dry_run else 'wrote'} {path.relative_to(args.root)} "
                      f"({len(files[path])} people)", markup=False, highlight=False)
    summary(console, found, additions, already, args.dry_run, stack.path)
    if size > CONFIG_ROOM * 0.7:
        console.print(f"warning: the stack's config is about {size // 1024} KiB; the engine hands it to the program "
                      f"in one environment variable of at most {CONFIG_ROOM // 1024} KiB. Move long inline people "
                      "lists to files (members: {file: ...}, see the README)", style="yellow", markup=False,
                      highlight=False)
    return 2 if args.detailed_exitcode and added else 0


def read_tenants(args: argparse.Namespace, config: DictConfig, stack: StackFile, console: Console) -> list[Found]:
    from providers.swo.provider import connect as swo_connect
    from providers.symphony.provider import connect as symphony_connect

    found: list[Found] = []
    with Progress(console=console, transient=True) as progress:
        def people(label: str) -> Callable[[Iterable[Any]], Iterable[Any]]:
            def each(groups: Iterable[Any]) -> Iterable[Any]:
                groups = list(groups)
                task = progress.add_task(f"reading {label} groups and their people", total=len(groups))
                for g in groups:
                    yield g
                    progress.advance(task)
            return each

        if args.only != "swo":
            for connection in _connections(stack, "symphonyGroups", "symphony", "podUrl", config):
                found += symphony_groups(symphony_connect(connection, config), connection,
                                         args.symphony_type or [DEFAULT_TYPE], args.include_inactive,
                                         people(f"Symphony ({connection})"), args.propose_queries)
        if args.only != "symphony":
            for connection in _connections(stack, "swoGroups", "swo", "apiToken", config):
                found += swo_groups(swo_connect(connection, config), connection, args.swo_account,
                                    people(f"SoftwareOne ({connection})"), args.propose_queries)
    return found


def _connections(stack: StackFile, kind: str, default: str, marker: str, config: DictConfig) -> list[str]:
    """The stack's connection namespaces for one API: the default one when it is set up, and every one
    an entry names."""
    from providers.config import env_name
    named = {str(e.get("connection")) for e in stack.entries(kind) if isinstance(e, Mapping) and e.get("connection")}
    if config.get(f"{default}:{marker}") is not None or os.environ.get(env_name(default, marker)):
        named.add(default)
    return sorted(named)


def summary(console: Console, found: list[Found], additions: dict[str, list[dict[str, Any]]], already: list[Found],
            dry_run: bool, path: Path) -> None:
    table = Table(title="discover" + (" (dry run: nothing written)" if dry_run else f": {path}"))
    for column in ("list", "found", "added" if not dry_run else "to add", "already declared", "left out"):
        table.add_column(column, justify="right" if column != "list" else "left")
    for kind in ("symphonyGroups", "swoGroups"):
        mine = [f for f in found if f.kind == kind]
        table.add_row(f"{PROJECT}:{kind}", str(len(mine)), str(len(additions[kind])),
                      str(sum(1 for f in already if f.kind == kind)), str(sum(1 for f in mine if f.left_out)))
    console.print(table)
    # One line per group, so that a log search finds it whole.
    for f in already:
        console.print(f"already declared: {f.name!r} ({f.natural_key[1]}, {f.group_id})", markup=False,
                      highlight=False, soft_wrap=True)
    for f in found:
        if f.left_out:
            console.print(f"left out: {f.name!r} ({f.natural_key[1]}, {f.group_id}): {f.left_out}", markup=False,
                          highlight=False, soft_wrap=True)
