"""`python -m program discover` through the real CLI: seeded tenants -> discover -> up with zero writes ->
no-op up with zero requests -> a change in the tenant shows up in refresh."""

from __future__ import annotations

import subprocess
import sys

import yaml

from tests.harness import ROOT, Emulators, PulumiProject, swo_group

ACC = "ACC-1234-5678"
AWKWARD = ["yes", "no", "null", "123", "1e3", "# not a comment", "key: value", "- dash", "O'Brien", 'say "hi"',
           "{braces}", "[list]", "&anchor", "*alias", "!tag", "%percent", "@at", "`tick`", "Ümlaut Gruppe",
           r"back\slash", "tab\there", "  leading", "trailing  ", "comma, and (parens)", "ünïcödé ✓"]


def run_discover(project: PulumiProject, *args: str, command: str = "discover") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "program", command, "--stack", project.stack, *args],
                          cwd=project.dir, env={**project.env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True, timeout=600, stdin=subprocess.DEVNULL)


def writes(emu: Emulators) -> dict[str, int]:
    counts = {**emu.symphony.counts(), **emu.swo.counts()}
    return {r: n for r, n in counts.items() if r.split(" ")[0] in ("POST", "PUT", "DELETE", "PATCH")
            and "/login/" not in r}


def seed(emu: Emulators) -> dict[str, str]:
    """A tenant of 200 groups: 100 Symphony, 100 SoftwareOne, some with people, and the awkward cases."""
    pod_users = [u["username"] for u in emu.symphony.seed_pod_users(["alice.smith", "bob.jones", "carol.officer"])]
    ids: dict[str, str] = {}
    for i in range(100):
        name = AWKWARD[i] if i < len(AWKWARD) else f"Scope {i:03d}"
        ids[f"sym:{name}"] = emu.symphony.seed_group(name=name, type="ROLE_SCOPE", area=f"Area {i % 7}",
                                                     description=f"desc: {i}")["id"]
    members_gid = ids["sym:yes"]
    emu.symphony.set_link(members_gid, "members", _uid(emu, "alice.smith"), True)
    emu.symphony.set_link(members_gid, "members", _uid(emu, "bob.jones"), True)
    emu.symphony.set_link(members_gid, "assignees", _uid(emu, "carol.officer"), True)
    crowd = emu.symphony.seed_pod_users([{"username": f"desk.user{i:02d}", "location": "Desk Floor"}
                                         for i in range(60)])  # past inline: to a file
    for user in crowd:
        emu.symphony.set_link(ids["sym:Scope 030"], "members", user["id"], True)
    emu.symphony.seed_group(name="Scope 050", type="ROLE_SCOPE", active=False)  # inactive twin: left out
    emu.symphony.seed_group(name="Retired", type="ROLE_SCOPE", active=False)  # inactive: left out
    users = [u["id"] for u in emu.swo.seed_users(ACC, [{"email": f"u{i}@contoso.com"} for i in range(3)])]
    for i in range(99):
        name = AWKWARD[-1 - i] if i < len(AWKWARD) else f"Team {i:03d}"
        ids[f"swo:{name}"] = emu.swo.seed_group(name=name, account={"id": ACC}, modules=[{"id": "MOD-1756"}],
                                                description=f"d {i}")["id"]
    gid = ids["swo:Team 030"]
    for uid in users[:2]:
        emu.swo.set_user_groups(uid, [next(g["id"] for g in emu.swo.groups() if g.get("isDefault")), gid])
    emu.swo.seed_group(name="Twin", account={"id": ACC}, modules=[{"id": "MOD-1756"}])
    emu.swo.seed_group(name="Twin", account={"id": ACC}, modules=[{"id": "MOD-1756"}])  # ambiguous: left out
    assert len(pod_users) == 3
    return ids


def _uid(emu: Emulators, username: str) -> int:
    import requests
    r = requests.get(f"{emu.symphony_url}/pod/v3/users", params={"username": username},
                     headers={"sessionToken": emu.session_token}, timeout=10)
    return r.json()["users"][0]["id"]


def test_discover_adopt_without_writes_then_no_op_then_drift(project: PulumiProject, emu: Emulators):
    ids = seed(emu)
    # One group is declared already, by hand, with a comment that must survive.
    project.set_groups(swo=[swo_group("team-050", "Team 050", description="d 50", adopt=True)])
    text = project.stack_file.read_text().replace("config:\n", "config:\n  # kept: a comment written by hand\n", 1)
    project.stack_file.write_text(text)

    dry = run_discover(project, "--dry-run", "--detailed-exitcode")
    assert dry.returncode == 2, dry.stderr
    assert project.stack_file.read_text() == text  # a dry run changes nothing
    planned = yaml.safe_load(dry.stdout)
    # Each API has one group named with a tab, which no stack entry may hold: left out, saying why.
    assert len(planned["usergroups:symphonyGroups"]) == 99 and len(planned["usergroups:swoGroups"]) == 97

    # Asked to, discover proposes a query where one filter answers exactly a group's people: the 60 desk users
    # share their location and nobody else has it; Team 030's two users share a domain with a third user.
    proposed = yaml.safe_load(run_discover(project, "--dry-run", "--propose-queries").stdout)
    pod_groups = {e["name"]: e for e in proposed["usergroups:symphonyGroups"]}
    account_groups = {e["name"]: e for e in proposed["usergroups:swoGroups"]}
    assert pod_groups["Scope 030"]["members"] == {"query": {"location": "Desk Floor"}}, pod_groups["Scope 030"]
    assert pod_groups["yes"]["members"] == ["alice.smith", "bob.jones"]  # nothing they share answers exactly them
    assert len(account_groups["Team 030"]["users"]) == 2

    result = run_discover(project)
    assert result.returncode == 0, result.stderr
    assert "already declared" in result.stderr and "left out" in result.stderr
    for why in ("default group", "2 groups of ACC-1234-5678 have this name", "inactive",
                "name: holds the invisible or control character U+0009"):
        assert why in result.stderr, why
    written = project.stack_file.read_text()
    assert "# kept: a comment written by hand" in written
    config = yaml.safe_load(written)["config"]
    sym = {e["name"]: e for e in config["usergroups:symphonyGroups"]}
    swo = {e["name"]: e for e in config["usergroups:swoGroups"]}
    declarable = set(AWKWARD) - {"tab\there"}
    assert declarable <= set(sym) and declarable <= set(swo)  # every awkward name read back exactly
    assert sym["yes"]["members"] == ["alice.smith", "bob.jones"] and sym["yes"]["assignees"] == ["carol.officer"]
    assert len(swo["Team 030"]["users"]) == 2 and all(e["adopt"] is True for e in sym.values())
    assert sym["Scope 030"]["members"] == {"file": "people/scope-030.members.txt"}, sym["Scope 030"]
    listed = (project.dir / "people" / "scope-030.members.txt").read_text().splitlines()
    assert listed[1:] == [f"desk.user{i:02d}" for i in range(60)] and listed[0].startswith("#")
    assert "Retired" not in sym and "Twin" not in swo and swo["Team 050"]["key"] == "team-050"
    assert len({e["key"] for e in config["usergroups:swoGroups"]}) == 98  # keys unique, the hand-written one kept

    again = run_discover(project, "--detailed-exitcode")
    assert again.returncode == 0, again.stderr  # nothing new: a scheduled job sees 0

    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up().ok()
    assert writes(emu) == {}, writes(emu)  # every group taken over, nothing written
    assert project.outputs()["symphonyGroups"]["yes"]["id"] == ids["sym:yes"]

    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up().ok()
    assert emu.symphony.total() + emu.swo.total() == 0, {**emu.symphony.counts(), **emu.swo.counts()}

    # The access report reads every group's people and finds them as declared.
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    same = run_discover(project, command="report")
    assert same.returncode == 0 and "are as declared" in same.stderr, same.stderr[-3000:]
    assert writes(emu) == {}

    emu.swo.change_group(ids["swo:Team 040"], description="changed in the portal")
    emu.symphony.set_link(ids["sym:yes"], "members", _uid(emu, "carol.officer"), True)  # added in the portal
    drift = run_discover(project, "--format", "csv", command="report")
    assert drift.returncode == 2, drift.stderr[-3000:]
    assert f"symphonyGroups,yes,yes,{ids['sym:yes']},members,whole list,carol.officer,in the group, not declared" \
        in drift.stdout.replace('"', ""), drift.stdout[-3000:]
    project.refresh().ok()
    assert "changed in the portal" in project.preview("--diff").ok().output
    project.up().ok()
    assert run_discover(project, command="report").returncode == 0  # the stack won: as declared again
