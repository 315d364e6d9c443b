"""A Symphony group's members and assignees, from stack config, through the real pulumi CLI against the emulator."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.e2e.conftest import SESSION_TOKEN
from tests.harness import Emulators, PulumiProject, symphony_group

GROUPS = "/pod/v2/admin/usergroups"


def active(emu: Emulators, gid: str, kind: str = "memberships", token: str = SESSION_TOKEN) -> set[str]:
    r = requests.get(f"{emu.symphony_url}{GROUPS}/{gid}/{kind}", headers={"sessionToken": token},
                     params={"active": "true", "expand": "user", "limit": 100}, timeout=10)
    r.raise_for_status()
    return {m["user"]["username"] for m in r.json()["data"]}


def people_writes(emu: Emulators) -> dict[str, int]:
    return {r: n for r, n in emu.symphony.counts().items() if r.startswith("PUT") and ("/memberships" in r
                                                                                     or "/assignments" in r)}


def test_members_and_assignees_from_stack_config(project: PulumiProject, emu: Emulators):
    users = {u["username"]: u for u in emu.symphony.seed_pod_users(
        ["alice.smith", "bob.jones", "carol.officer", "dave.out", "erin.new"])}
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members=["alice.smith", "bob.jones"],
                                                assignees=["carol.officer"])])
    project.up().ok()
    gid = project.outputs()["symphonyGroups"]["emea"]["id"]
    assert active(emu, gid) == {"alice.smith", "bob.jones"}
    assert active(emu, gid, "assignments") == {"carol.officer"}

    emu.symphony.reset_counts()
    project.up().ok()
    assert emu.symphony.total() == 0, emu.symphony.counts()  # a no-op up asks nothing

    # Out of band: dave added in the admin portal, bob removed. refresh finds both; up restores the list.
    emu.symphony.set_link(gid, "members", users["dave.out"]["id"], True)
    emu.symphony.set_link(gid, "members", users["bob.jones"]["id"], False)
    project.refresh().ok()
    preview = project.preview("--diff").ok()
    assert "dave.out" in preview.output and "bob.jones" in preview.output
    emu.symphony.reset_counts()
    project.up().ok()
    assert active(emu, gid) == {"alice.smith", "bob.jones"}
    assert sum(people_writes(emu).values()) == 2  # one activation, one deactivation; never the replace-all

    # An assignee added and one removed.
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members=["alice.smith", "bob.jones"],
                                                assignees=["erin.new"])])
    project.up().ok()
    assert active(emu, gid, "assignments") == {"erin.new"}

    # destroy deactivates exactly what the stack manages: a member added in the portal stays.
    emu.symphony.set_link(gid, "members", users["dave.out"]["id"], True)
    project.destroy().ok()
    assert active(emu, gid) == {"dave.out"} and active(emu, gid, "assignments") == set()
    assert [g["active"] for g in emu.symphony.groups()] == [False]


def test_an_unknown_username_fails_at_preview_by_name(project: PulumiProject, emu: Emulators):
    crowd = [f"crowd.user{i:03d}" for i in range(200)]
    emu.symphony.seed_pod_users(["alice.smith", *crowd])
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance")])
    project.up().ok()
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance",
                                                 members=["alice.smith", "mallory", *crowd])])
    emu.symphony.reset_counts()
    result = project.preview()
    assert result.returncode != 0 and "mallory is not a user of this pod" in result.output
    # One readable line: the engine is not given the property, so it does not print the 202 names with it.
    errors = [ln.strip() for ln in result.output.splitlines() if ln.strip().startswith("error:")]
    assert [ln for ln in errors if "mallory" in ln] and all(len(ln) < 300 and "crowd.user" not in ln
                                                             for ln in errors), errors
    assert people_writes(emu) == {}
    # A group still to be created: its id is unknown at preview, its people are checked all the same.
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance"),
                                 symphony_group("apac", "APAC Compliance", members=["ghost"])])
    result = project.preview()
    assert result.returncode != 0 and "ghost is not a user of this pod, so not added to the new group" in result.output
    assert [g["name"] for g in emu.symphony.groups()] == ["EMEA Compliance"]


def test_additive_members_leave_the_others_and_a_list_with_additions_is_refused(tmp_path: Path, project: PulumiProject,
                                                                               emu: Emulators):
    users = {u["username"]: u for u in emu.symphony.seed_pod_users(["alice.smith", "bob.jones", "dave.out"])}
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members={"add": ["alice.smith"]})])
    project.up().ok()
    gid = project.outputs()["symphonyGroups"]["emea"]["id"]
    emu.symphony.set_link(gid, "members", users["dave.out"]["id"], True)
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members={"add": ["alice.smith",
                                                                                           "bob.jones"]})])
    project.refresh().ok()
    project.up().ok()
    assert active(emu, gid) == {"alice.smith", "bob.jones", "dave.out"}  # dave, added elsewhere, is left alone

    # One authoritative list and two additive members on one group, in one program: the list wins, and the
    # additive members are refused before they write anything.
    program = tmp_path / "mixed-program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: mixed\nstackConfigDir: stacks\nruntime:\n  name: python\n"
                                         "  options:\n    toolchain: pip\n    virtualenv: .venv\n")
    (program / "__main__.py").write_text(
        "import pulumi\nfrom providers import *\n"
        "g = SymphonyUserGroup('g', SymphonyUserGroupArgs(name='Mixed'))\n"
        "whole = SymphonyUserGroupMembers('all', SymphonyUserGroupMembersArgs(group_id=g.id, usernames=['alice.smith']))\n"
        "for name in ('bob.jones', 'dave.out'):\n"
        "    SymphonyUserGroupMember(name, SymphonyUserGroupMemberArgs(group_id=g.id, username=name),\n"
        "                            pulumi.ResourceOptions(depends_on=[whole]))\n"
        "pulumi.export('id', g.id)\n")
    mixed = PulumiProject(tmp_path / "mixed", stack="mixed", program=program)
    mixed.init({"symphony:podUrl": emu.symphony_url}, {"symphony:sessionToken": SESSION_TOKEN})
    result = mixed.up()
    assert result.returncode != 0 and "has both a whole member list" in result.output
    mixed_id = next(g["id"] for g in emu.symphony.groups() if g["name"] == "Mixed")
    assert active(emu, mixed_id) == {"alice.smith"}
    mixed.destroy().ok()

    # Across stacks nothing can see the other owner: this stack's list and another stack's additive member
    # on one group. Each `up` wins in turn; the list names the person who keeps coming back, and the other
    # stack's refresh says its member was removed outside it.
    other_program = tmp_path / "other-program"
    other_program.mkdir()
    (other_program / "Pulumi.yaml").write_text((program / "Pulumi.yaml").read_text().replace("mixed", "other"))
    (other_program / "__main__.py").write_text(
        "from providers import *\n"
        f"SymphonyUserGroupMember('dave', SymphonyUserGroupMemberArgs(group_id={gid!r}, username='dave.out'))\n")
    other = PulumiProject(tmp_path / "other", stack="other", program=other_program)
    other.init({"symphony:podUrl": emu.symphony_url}, {"symphony:sessionToken": SESSION_TOKEN})
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members=["alice.smith", "bob.jones"])])
    project.up().ok()  # the additions become the list: dave, declared by nothing here, is removed
    assert active(emu, gid) == {"alice.smith", "bob.jones"}
    other.up().ok()
    assert "dave.out" in active(emu, gid)  # the other stack adds him back
    project.refresh().ok()
    flap = project.up().ok().output
    assert f"dave.out came back to emea ({gid}) after an earlier `up` removed them" in flap, flap
    assert active(emu, gid) == {"alice.smith", "bob.jones"}  # the list wins its own runs
    seen = other.refresh().ok().output
    assert "was deleted outside Pulumi" in seen and "dave" in seen, seen
    other.destroy().ok()
