"""Bad input fails at `pulumi preview` naming the property or config key, with no request sent;
valid but unusual input round-trips through `up` and `refresh` with no diff."""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

from tests.e2e.conftest import new_project
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

Config = dict[str, Any]


def entry(list_key: str, **change: Any) -> Callable[[Config], None]:
    """Changes the first entry of a group list; ``...`` removes a field."""
    def mutate(c: Config) -> None:
        item = c[list_key][0]
        for k, v in change.items():
            if v is ...:
                item.pop(k, None)
            else:
                item[k] = v
    return mutate


def swo_entry(**change: Any) -> Callable[[Config], None]:
    return entry("usergroups:swoGroups", **change)


def sym_entry(**change: Any) -> Callable[[Config], None]:
    return entry("usergroups:symphonyGroups", **change)


def setting(**change: Any) -> Callable[[Config], None]:
    def mutate(c: Config) -> None:
        for k, v in change.items():
            key = k.replace("__", ":")
            if v is ...:
                c.pop(key, None)
            else:
                c[key] = v
    return mutate


BAD_PEM = "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
BAD_PEM_FILE = Path(tempfile.mkdtemp(prefix="bad-pem-")) / "not-a-key.pem"
BAD_PEM_FILE.write_text(BAD_PEM)
CASES: list[tuple[str, Callable[[Config], None], str]] = [
    ("swo account wrong prefix", swo_entry(accountId="BUY-1234-5678"), "accountId"),
    ("swo account malformed", swo_entry(accountId="ACC-123-5678"), "accountId"),
    ("swo account missing", swo_entry(accountId=...), "accountId: is required"),
    ("swo module wrong prefix", swo_entry(modules=["ACC-1756"]), "modules[0]"),
    ("swo module malformed", swo_entry(modules=["MOD-17"]), "modules[0]"),
    ("swo module duplicate", swo_entry(modules=["MOD-1756", "MOD-1756"]), "modules: lists 'MOD-1756' more than once"),
    ("swo modules empty", swo_entry(modules=[]), "modules: List should have at least 1 item"),
    ("swo modules missing", swo_entry(modules=...), "modules: is required"),
    ("swo modules a string", swo_entry(modules="MOD-1756"), "modules: Input should be a valid list"),
    ("swo name empty", swo_entry(name=""), "name: must not be empty"),
    ("swo name whitespace", swo_entry(name="   "), "name: must not be empty or only whitespace"),
    ("swo name too long", swo_entry(name="n" * 256), "name: String should have at most 255"),
    ("swo name a number", swo_entry(name=123), "name: Input should be a valid string"),
    ("swo buyer malformed", swo_entry(buyers=["BUY-1"]), "buyers[0]"),
    ("swo buyer duplicate", swo_entry(buyers=["BUY-1234-5678", "BUY-1234-5678"]), "buyers: lists"),
    ("swo description too long", swo_entry(description="d" * 4001), "description: String should have at most 4000"),
    ("swo unknown field", swo_entry(colour="blue"), "colour: is not a known field"),
    ("swo adopt a string", swo_entry(adopt="yes"), "adopt: Input should be a valid boolean"),
    ("swo empty connection namespace", swo_entry(connection="swo-nowhere"), "swo-nowhere:apiToken"),
    ("symphony name empty", sym_entry(name=""), "name: must not be empty"),
    ("symphony name whitespace", sym_entry(name="\t "), "name: must not be empty or only whitespace"),
    ("symphony name too long", sym_entry(name="n" * 300), "name: String should have at most 255"),
    ("symphony name a number", sym_entry(name=7), "name: Input should be a valid string"),
    ("symphony name missing", sym_entry(name=...), "name: is required"),
    ("symphony area too long", sym_entry(area="a" * 256), "area: String should have at most 255"),
    ("symphony active a string", sym_entry(active="true"), "active: Input should be a valid boolean"),
    ("symphony type malformed", sym_entry(type="role scope"), "type: String should match"),
    ("symphony unknown field", sym_entry(owners=["a"]), "owners: is not a known field"),
    ("symphony empty connection namespace", sym_entry(connection="pod-eu"), "pod-eu:podUrl"),
    ("duplicate keys", lambda c: c["usergroups:swoGroups"].append(dict(c["usergroups:swoGroups"][0])),
     "key 'w' is used by"),
    ("bad key", sym_entry(key="Not A Key"), "key: String should match"),
    ("list not a list", setting(usergroups__swoGroups={"name": "x"}),  # the CLI checks the declared type
     "configuration key 'usergroups:swoGroups' must be of type 'array<object>'"),
    ("missing SoftwareOne token", setting(swo__apiToken=...), "swo:apiToken: is not set"),
    ("malformed PEM key file", setting(symphony__botPrivateKey=..., symphony__botPrivateKeyPath=str(BAD_PEM_FILE)),
     "symphony:botPrivateKeyPath: is not a valid"),
    ("credential in plain text", setting(symphony__botPrivateKey=BAD_PEM),
     "symphony:botPrivateKey: is stored in plain text; set it with `pulumi config set --secret"),
    ("typo in a list key", lambda c: c.__setitem__("usergroups:swoGroup", c.pop("usergroups:swoGroups")),
     "usergroups:swoGroup: is not a known key; did you mean usergroups:swoGroups?"),
    ("typo in a connection key", setting(swo__apiURL="https://api.s1.show"),
     "swo:apiURL: is not a known key; did you mean swo:apiUrl?"),
    ("missing key", swo_entry(key=...), "key: is required; add `key: valid-team`"),
    ("two entries, one group", lambda c: c["usergroups:swoGroups"].append({**c["usergroups:swoGroups"][0], "key": "w2"}),
     "stands for the same group as usergroups:swoGroups[0] ('w')"),
    ("private key file missing", setting(symphony__botPrivateKey=..., symphony__botPrivateKeyPath="/nope/key.pem"),
     "symphony:botPrivateKeyPath: cannot read"),
    ("no Symphony credentials", setting(symphony__botPrivateKey=...), "no credentials"),
    ("non-https SoftwareOne URL", setting(swo__apiUrl="http://api.platform.softwareone.com"), "swo:apiUrl: must use https"),
    ("non-https pod URL", setting(symphony__podUrl="http://acme.symphony.com"), "symphony:podUrl: must use https"),
    ("pod URL missing", setting(symphony__podUrl=...), "symphony:podUrl: is not set"),
]
assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)
# A wrong value of one entry's field is the loader's to report, and it reports every one at once: these run
# together, each in an entry of its own, in one preview. The rest change the whole stack, one preview each.
BATCHED = [c for c in CASES if (c[0].startswith(("swo ", "symphony ")) and "connection" not in c[0])]
ALONE = [c for c in CASES if c not in BATCHED]


@pytest.fixture(scope="module")
def bad_project(tmp_path_factory, emulators, bot) -> tuple[PulumiProject, Config]:
    emulators.reset()
    project = new_project(tmp_path_factory.mktemp("bad"), emulators, bot, "rsa")
    project.set_groups(symphony=[symphony_group("s", "Valid scope")], swo=[swo_group("w", "Valid team")])
    return project, yaml.safe_load(project.stack_file.read_text())


def test_every_bad_field_of_every_entry_is_named_in_one_preview_without_requests(bad_project, emulators: Emulators):
    project, pristine = bad_project
    stack = copy.deepcopy(pristine)
    lists: dict[str, list[Config]] = {"usergroups:symphonyGroups": [], "usergroups:swoGroups": []}
    where: dict[str, tuple[str, int, str]] = {}
    for n, (name, mutate, expect) in enumerate(BATCHED):
        list_key = "usergroups:swoGroups" if name.startswith("swo ") else "usergroups:symphonyGroups"
        item = {**pristine["config"][list_key][0], "key": f"b{n:02d}", "name": f"Batch {n:02d}"}
        one = {list_key: [item]}
        mutate(one)
        where[name] = (list_key, len(lists[list_key]), expect)
        lists[list_key].append(one[list_key][0])
    stack["config"].update(lists)
    project.stack_file.write_text(yaml.safe_dump(stack, allow_unicode=True, sort_keys=False))
    emulators.symphony.reset_counts()
    emulators.swo.reset_counts()
    try:
        result = project.preview()
    finally:
        project.stack_file.write_text(yaml.safe_dump(pristine, allow_unicode=True, sort_keys=False))
    assert result.returncode != 0
    lines = result.output.splitlines()
    for name, (list_key, index, expect) in where.items():
        named = [ln for ln in lines if f"{list_key}[{index}] (" in ln]
        assert any(expect in ln for ln in named), f"{name}: {expect!r} not in {named}"
    assert emulators.symphony.total() == 0 and emulators.swo.total() == 0, (emulators.symphony.counts(),
                                                                            emulators.swo.counts())


@pytest.mark.parametrize("name,mutate,expect", ALONE, ids=[c[0] for c in ALONE])
def test_invalid_input_fails_at_preview_without_requests(bad_project, emulators: Emulators, name, mutate, expect):
    project, pristine = bad_project
    stack = copy.deepcopy(pristine)
    mutate(stack["config"])
    project.stack_file.write_text(yaml.safe_dump(stack, allow_unicode=True, sort_keys=False))
    emulators.symphony.reset_counts()
    emulators.swo.reset_counts()
    try:
        result = project.preview()
    finally:
        project.stack_file.write_text(yaml.safe_dump(pristine, allow_unicode=True, sort_keys=False))
    assert result.returncode != 0, f"{name}: preview succeeded"
    assert expect in result.output, f"{name}: {expect!r} not in\n{result.output[-2500:]}"
    assert emulators.symphony.total() == 0 and emulators.swo.total() == 0, (emulators.symphony.counts(),
                                                                            emulators.swo.counts())


UNUSUAL = ["O'Brien \"Ops\"", "R&D (EMEA), Tier 1", "Ops 😀🚀", "فريق العمليات", "צוות תפעול",
           "Ünïcödé 運用 50% + more", "back\\slash = * ?"]


def test_valid_unusual_names_round_trip(project: PulumiProject, emu: Emulators):
    project.set_groups(
        symphony=[symphony_group(f"s{i}", n, description=f"{n}\nsecond line") for i, n in enumerate(UNUSUAL)],
        swo=[swo_group(f"w{i}", n, description=n) for i, n in enumerate(UNUSUAL)])
    project.up().ok()
    assert sorted(g["name"] for g in emu.symphony.groups()) == sorted(UNUSUAL)
    assert sorted(g["name"] for g in emu.swo.groups() if not g["isDefault"]) == sorted(UNUSUAL)
    project.refresh().ok()
    project.preview("--expect-no-changes").ok()
    # A second `up` of the same names finds each group by its exact name, quoted and escaped.
    emu.swo.reset_counts()
    project.destroy().ok()
    project.up().ok()
    assert sorted(g["name"] for g in emu.swo.groups() if not g["isDefault"]) == sorted(UNUSUAL)
    assert len([g for g in emu.symphony.groups()]) == len(UNUSUAL)  # reactivated, not duplicated
    project.preview("--expect-no-changes").ok()
