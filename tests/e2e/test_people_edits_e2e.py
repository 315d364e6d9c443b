"""Nobody loses access by surprise: ordinary edits of people lists through the real pulumi CLI."""

from __future__ import annotations

from tests.e2e.test_people_identity_e2e import in_group, writes
from tests.e2e.test_symphony_members_e2e import active
from tests import readable
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

ACC = "ACC-1234-5678"


def test_mass_removal_and_emptying_fail_preview_naming_people_until_allowed(project: PulumiProject, emu: Emulators):
    names = [f"trader{i:02d}" for i in range(12)]
    emu.symphony.seed_pod_users(names)
    users = emu.swo.seed_users(ACC, [{"email": f"buyer{i}@contoso.com"} for i in range(3)])
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=names)],
                       swo=[swo_group("buy", "Buyers", users=[u["id"] for u in users])])
    project.up().ok()
    out = project.outputs()
    desk, buy = out["symphonyGroups"]["desk"]["id"], out["swoGroups"]["buy"]["id"]

    # A list cut to one name (a bad merge): 11 people would lose access, over the default of 10;
    # a list emptied: everyone would. Each fails preview naming the people, and up writes nothing.
    for symphony, swo, said in (
            (names[:1], [u["id"] for u in users], "removes more than max_removals allows (10): 11 members would "
                                                  "lose access (trader01"),
            (names, [], "empties the list: 3 users would lose access")):
        project.set_groups(symphony=[symphony_group("desk", "Desk", members=symphony)],
                           swo=[swo_group("buy", "Buyers", users=swo)])
        emu.symphony.reset_counts()
        emu.swo.reset_counts()
        preview = project.preview()
        assert preview.returncode != 0 and said in preview.output, preview.output[-2000:]
        shown = [ln.strip() for ln in preview.output.splitlines() if ln.strip().startswith("error:")]
        assert shown and all(not readable.problems(ln) for ln in shown), shown
        assert project.up().returncode != 0 and writes(emu) == 0
        assert active(emu, desk) == set(names) and len(in_group(emu, buy)) == 3

    # Said on purpose: the same edits go through.
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=names[:1], maxRemovals=11)],
                       swo=[swo_group("buy", "Buyers", users=[], maxRemovals=3)])
    project.up().ok()
    assert active(emu, desk) == {names[0]} and in_group(emu, buy) == set()


def test_removing_a_people_key_fails_preview_until_the_entry_says_what_it_means(project: PulumiProject,
                                                                              emu: Emulators):
    emu.symphony.seed_pod_users(["alice.smith", "bob.jones", "carol.officer"])
    (kim,) = emu.swo.seed_users(ACC, [{"email": "kim.lee@contoso.com"}])
    project.set_groups(symphony=[symphony_group("emea", "EMEA", members=["alice.smith", "bob.jones"],
                                                assignees=["carol.officer"])],
                       swo=[swo_group("ops", "Ops", users=[kim["id"]])])
    project.up().ok()
    out = project.outputs()
    emea, ops = out["symphonyGroups"]["emea"]["id"], out["swoGroups"]["ops"]["id"]

    # The keys deleted (a careless edit): preview names the entries and the people, and nothing is written.
    project.set_groups(symphony=[symphony_group("emea", "EMEA")], swo=[swo_group("ops", "Ops")])
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    preview = project.preview()
    assert preview.returncode != 0, preview.output
    assert "('emea'): members: removing the key would take 2 members out of the group (alice.smith, bob.jones)" \
        in preview.output
    assert "('emea'): assignees: removing the key would take 1 assignees" in preview.output
    assert f"('ops'): users: removing the key would take 1 users out of the group ({kim['id']})" in preview.output
    assert project.up().returncode != 0 and writes(emu) == 0
    assert active(emu, emea) == {"alice.smith", "bob.jones"} and in_group(emu, ops) == {kim["id"]}

    # Stop managing the members but leave them in place: retainPeople first, then the key goes.
    project.set_groups(symphony=[symphony_group("emea", "EMEA", members=["alice.smith", "bob.jones"],
                                                assignees=["carol.officer"], retainPeople=True)],
                       swo=[swo_group("ops", "Ops", users=[kim["id"]])])
    project.up().ok()
    project.set_groups(symphony=[symphony_group("emea", "EMEA", retainPeople=True)],
                       swo=[swo_group("ops", "Ops", users=[], maxRemovals=1)])
    project.up().ok()
    assert active(emu, emea) == {"alice.smith", "bob.jones"}  # left in place, no longer managed
    assert active(emu, emea, "assignments") == {"carol.officer"}
    assert in_group(emu, ops) == set()  # removed, as the entry said
    assert not [r for r in project.resources() if r["type"].endswith(("UserGroupMembers", "UserGroupAssignment"))
                and "emea" in r["urn"]]


def test_a_destroy_that_would_strand_a_user_fails_before_any_write_then_runs_once_fixed(project: PulumiProject,
                                                                                      emu: Emulators):
    emu.symphony.seed_pod_users(["alice.smith", "bob.jones"])
    solo, keeper, outsider = emu.swo.seed_users(ACC, [{"email": "solo@contoso.com"}, {"email": "keep@contoso.com"},
                                                      {"email": "out@contoso.com"}])
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=["alice.smith", "bob.jones"])],
                       swo=[swo_group("buy", "Buyers", users=[solo["id"], "keep@contoso.com"])])
    project.up().ok()
    out = project.outputs()
    desk, buy = out["symphonyGroups"]["desk"]["id"], out["swoGroups"]["buy"]["id"]
    default = solo["groups"][0]["id"]
    # Outside the stack: solo loses their other group, and someone else is put in the stack's group.
    emu.swo.set_user_groups(solo["id"], [buy])
    emu.swo.set_user_groups(outsider["id"], [default, buy])

    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    refused = project.destroy()
    assert refused.returncode != 0
    assert f"{solo['id']} (solo@contoso.com) would have no group left" in refused.output, refused.output[-3000:]
    assert f"{outsider['id']} (out@contoso.com) would stay in it (not removed by this stack)" in refused.output
    assert keeper["id"] not in refused.output.split("would strand users")[-1].split("The platform")[0]
    # Nothing was written, in either API: the Symphony members were not deactivated ahead of the refusal.
    assert writes(emu) == 0, (emu.symphony.counts(), emu.swo.counts())
    assert active(emu, desk) == {"alice.smith", "bob.jones"} and in_group(emu, buy) == {
        solo["id"], keeper["id"], outsider["id"]}

    emu.swo.set_user_groups(solo["id"], [default, buy])  # the fix the message names, done in the portal
    emu.swo.set_user_groups(outsider["id"], [default])
    project.destroy().ok()
    assert all(g.get("isDefault") for g in emu.swo.groups())
    assert not [g for g in emu.symphony.groups() if g.get("active", True) and g["id"] == desk]


def test_people_from_files_beside_the_stack(project: PulumiProject, emu: Emulators):
    names = [f"desk.user{i:03d}" for i in range(90)]  # the helper reads one page of 100
    emu.symphony.seed_pod_users(names)
    users = emu.swo.seed_users(ACC, [{"email": f"buyer{i}@contoso.com"} for i in range(3)])
    people = project.dir / "people"
    people.mkdir()
    (people / "desk.txt").write_text("# the trading desk, from HR\n" + "\n".join(names) + "\n")
    (people / "buyers.csv").write_text("name,email\n" + "".join(f"Buyer {i},buyer{i}@contoso.com\n" for i in range(3)))
    project.set_groups(symphony=[symphony_group("desk", "Desk", members={"file": "people/desk.txt"})],
                       swo=[swo_group("buy", "Buyers", users={"file": "people/buyers.csv", "column": "email"})])
    project.up().ok()
    out = project.outputs()
    desk, buy = out["symphonyGroups"]["desk"]["id"], out["swoGroups"]["buy"]["id"]
    assert active(emu, desk) == set(names) and in_group(emu, buy) == {u["id"] for u in users}
    assert out["symphonyGroups"]["desk"]["memberCount"] == 90
    # An edit of the file is an edit of the list: the first name leaves, nobody else moves.
    (people / "desk.txt").write_text("\n".join(names[1:]) + "\n")
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up().ok()
    assert active(emu, desk) == set(names[1:]) and writes(emu) == 1
    (people / "desk.txt").unlink()  # a file gone fails preview naming it, before anything is written
    gone = project.preview()
    assert gone.returncode != 0 and "members: file people/desk.txt not found" in gone.output, gone.output[-2000:]
