"""A SoftwareOne group's users, declared in stack config, through the real pulumi CLI against the emulator."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SWO_TOKEN
from tests.harness import Emulators, PulumiProject, swo_group

ACC = "ACC-1234-5678"
ACCOUNT_USERS = "/public/v1/accounts/accounts/{account}/users"
USER_GROUPS = f"{ACCOUNT_USERS}/{{user}}/groups"


def in_group(emu: Emulators, gid: str) -> set[str]:
    return {u["id"] for u in next(g for g in emu.swo.groups() if g["id"] == gid).get("users") or []}


def member_writes(emu: Emulators) -> dict[str, int]:
    return {r: n for r, n in emu.swo.counts().items() if r.startswith(("POST", "DELETE", "PUT")) and "/users/" in r}


def test_users_in_stack_config_drift_and_destroy_in_one_run(project: PulumiProject, emu: Emulators):
    jane, joe, ann, bob = emu.swo.seed_users(ACC, [{"email": "jane.doe@contoso.com"}, {"email": "joe@contoso.com"},
                                                   {"email": "ann@contoso.com"}, {"email": "bob@contoso.com"}])
    project.set_groups(swo=[swo_group("proc", "Procurement", users=[jane["id"], "joe@contoso.com"])])
    project.up().ok()
    gid = project.outputs()["swoGroups"]["proc"]["id"]
    assert in_group(emu, gid) == {jane["id"], joe["id"]}
    assert emu.swo.counts().get(f"POST {USER_GROUPS}") == 2
    assert not any(r.startswith("PUT") and "/users/" in r for r in emu.swo.counts())  # never the replace-all

    emu.swo.reset_counts()
    project.up().ok()
    assert emu.swo.total() == 0, emu.swo.counts()  # a no-op up asks nothing

    # Out of band: ann added in the portal, joe removed. refresh finds both; up puts the list back.
    emu.swo.set_user_groups(ann["id"], [ann["groups"][0]["id"], gid])
    emu.swo.set_user_groups(joe["id"], [joe["groups"][0]["id"]])
    project.refresh().ok()
    preview = project.preview("--diff").ok()
    assert ann["id"] in preview.output and "joe@contoso.com" in preview.output
    emu.swo.reset_counts()
    project.up().ok()
    assert in_group(emu, gid) == {jane["id"], joe["id"]}
    assert member_writes(emu) == {f"POST {USER_GROUPS}": 1, f"DELETE {USER_GROUPS}/{{group}}": 1}

    # One user more: one add. The new address is looked up with the others (an id and an address may
    # name one person): one request per form (ids, addresses) in each engine command, preview and up.
    project.set_groups(swo=[swo_group("proc", "Procurement", users=[jane["id"], "joe@contoso.com",
                                                                      "bob@contoso.com"])])
    emu.swo.reset_counts()
    project.up().ok()
    assert in_group(emu, gid) == {jane["id"], joe["id"], bob["id"]}
    assert member_writes(emu) == {f"POST {USER_GROUPS}": 1}, emu.swo.counts()
    assert emu.swo.counts().get(f"GET {ACCOUNT_USERS}", 0) <= 6 and emu.swo.total() <= 7, emu.swo.counts()

    # destroy removes the users first (they depend on the group), then deletes the group: one run.
    project.destroy().ok()
    assert all(g.get("isDefault") for g in emu.swo.groups())
    assert [g["id"] for g in emu.swo.groups() if g["id"] == gid] == []


def test_an_unknown_user_fails_at_preview_by_name(project: PulumiProject, emu: Emulators):
    emu.swo.seed_users(ACC, [{"email": "jane.doe@contoso.com"}])
    project.set_groups(swo=[swo_group("proc", "Procurement")])
    project.up().ok()
    project.set_groups(swo=[swo_group("proc", "Procurement", users=["jane.doe@contoso.com", "nobody@contoso.com",
                                                                      "USR-9999-0001"])])
    emu.swo.reset_counts()
    result = project.preview()
    assert result.returncode != 0
    assert "nobody@contoso.com, USR-9999-0001 are not users of account ACC-1234-5678" in result.output
    assert member_writes(emu) == {}


def test_additive_users_leave_the_others_and_a_switch_from_a_list_removes_nobody(project: PulumiProject,
                                                                                 emu: Emulators):
    jane, joe = emu.swo.seed_users(ACC, [{"email": "jane@contoso.com"}, {"email": "joe@contoso.com"}])
    project.set_groups(swo=[swo_group("proc", "Procurement", users=[jane["id"], joe["id"]])])
    project.up().ok()
    gid = project.outputs()["swoGroups"]["proc"]["id"]

    # The list [jane, joe] becomes {add: [jane]}: jane is taken over by the additive resource and stays
    # (the old list's removal leaves her), joe is no longer declared and is removed.
    project.set_groups(swo=[swo_group("proc", "Procurement", users={"add": [jane["id"]]})])
    result = project.up().ok()
    assert in_group(emu, gid) == {jane["id"]}
    assert "another resource of this stack took them over" in result.output

    # Users added in the portal are left alone by additive resources; a removed additive user leaves.
    emu.swo.set_user_groups(joe["id"], [joe["groups"][0]["id"], gid])
    project.refresh().ok()
    project.set_groups(swo=[swo_group("proc", "Procurement", users={"add": []})])
    project.up().ok()
    assert in_group(emu, gid) == {joe["id"]}


def test_a_list_and_an_additive_user_on_one_group_are_refused(tmp_path: Path, emu: Emulators):
    jane, joe = emu.swo.seed_users(ACC, [{"email": "jane@contoso.com"}, {"email": "joe@contoso.com"}])
    program = tmp_path / "mixed-program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text("name: mixed\nstackConfigDir: stacks\nruntime:\n  name: python\n"
                                         "  options:\n    toolchain: pip\n    virtualenv: .venv\n")
    (program / "__main__.py").write_text(
        "from providers import *\n"
        f"g = SwoUserGroup('g', SwoUserGroupArgs(account_id='{ACC}', name='Mixed', modules=['MOD-1756']))\n"
        f"SwoUserGroupMembers('all', SwoUserGroupMembersArgs(account_id='{ACC}', group_id=g.id, users=['{jane['id']}']))\n"
        f"SwoUserGroupMember('one', SwoUserGroupMemberArgs(account_id='{ACC}', group_id=g.id, user='{joe['id']}'))\n")
    mixed = PulumiProject(tmp_path / "mixed", stack="mixed", program=program)
    mixed.init({"swo:apiUrl": emu.swo_url}, {"swo:apiToken": SWO_TOKEN})
    result = mixed.up()
    assert result.returncode != 0
    assert "has both a whole user list (SwoUserGroupMembers" in result.output
    mixed.destroy().ok()
