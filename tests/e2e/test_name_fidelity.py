"""Names that stress the query languages, through the real CLI: exact lookups, adoption, lost responses.

The SoftwareOne emulator parses RQL as the platform does (no escapes; ``,&;|`` are
operators; ``*`` a wildcard only at the ends; ``eq`` may ignore case), so a name the
provider quotes wrongly finds nothing, or the wrong group, and a lost POST answer would
turn into a duplicate.
"""

from __future__ import annotations

import pytest

from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

ACCOUNT = "ACC-1234-5678"
NAMES = {
    "backslash": "back\\slash",
    "both-quotes": "Both ' and \" quotes",
    "double-quote": 'Say "hi"',
    "star-middle": "a*b",
    "percent": "50% off",
    "ampersand": "R&D",
    "semicolon": "a;b",
    "pipe": "a|b",
    "equals": "k=v",
    "parens": "f(x), g(y)",
    "case": "Case Test",
}
# Groups a sloppy lookup would take instead: a wildcard match, an unescaped prefix, another case.
DECOYS = ["axxb", "back", "backslash", "Both ", "case test", "CASE TEST", "R", "D", "a", "b", "k", "f(x)", "50"]


def by_name(groups: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for g in groups:
        out.setdefault(g["name"], []).append(g["id"])
    return out


def seed(emu: Emulators, resource: str, name: str) -> dict:
    if resource == "swo":
        return emu.swo.seed_group(name=name, account={"id": ACCOUNT}, modules=[{"id": "MOD-1756"}])
    return emu.symphony.seed_group(name=name, type="ROLE_SCOPE")


def entries(resource: str, adopt: bool) -> list[dict]:
    make = swo_group if resource == "swo" else symphony_group
    return [make(key, name, adopt=adopt) for key, name in NAMES.items()]


def declare(project: PulumiProject, resource: str, adopt: bool) -> None:
    if resource == "swo":
        project.set_groups(swo=entries(resource, adopt))
    else:
        project.set_groups(symphony=entries(resource, adopt))


def all_groups(emu: Emulators, resource: str) -> list[dict]:
    c = emu.swo if resource == "swo" else emu.symphony
    return [g for g in c.groups() if not g.get("isDefault")]


def state_by_name(project: PulumiProject) -> dict[str, str]:
    return {r["outputs"]["name"]: r["id"] for r in project.resources("UserGroup")}


@pytest.mark.parametrize("resource", ["swo", "symphony"])
def test_adoption_takes_the_exact_group_and_never_a_decoy(project: PulumiProject, emu: Emulators, resource):
    decoys = {name: seed(emu, resource, name)["id"] for name in DECOYS}
    targets = {name: seed(emu, resource, name)["id"] for name in NAMES.values()}
    declare(project, resource, adopt=True)
    control = emu.swo if resource == "swo" else emu.symphony
    control.reset_counts()
    project.up().ok()
    assert not any(route.startswith(("POST /public", "POST /pod")) for route in control.counts()), control.counts()
    assert state_by_name(project) == targets  # each entry holds exactly its own group
    groups = by_name(all_groups(emu, resource))
    assert all(groups[name] == [gid] for name, gid in decoys.items())  # decoys untouched, not taken
    project.preview("--expect-no-changes").ok()


@pytest.mark.parametrize("resource", ["swo", "symphony"])
def test_lost_create_answers_recover_the_right_group(project: PulumiProject, emu: Emulators, resource):
    decoys = {name: seed(emu, resource, name)["id"] for name in DECOYS}
    control = emu.swo if resource == "swo" else emu.symphony
    base = "/public/v1/accounts/user-groups" if resource == "swo" else "/pod/v2/admin/usergroups"
    # Every create commits, then the connection drops before the answer arrives.
    control.add_fault(route=f"POST {base}", kind="drop_after", times=len(NAMES))
    declare(project, resource, adopt=False)
    project.up().ok()
    groups = by_name(all_groups(emu, resource))
    assert all(len(groups[name]) == 1 for name in NAMES.values()), groups  # no twin
    assert state_by_name(project) == {name: groups[name][0] for name in NAMES.values()}
    assert all(groups[name] == [gid] for name, gid in decoys.items())
    assert control.counts()[f"POST {base}"] == len(NAMES)  # never posted twice
    project.preview("--expect-no-changes").ok()
    project.destroy().ok()
