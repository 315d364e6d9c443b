"""Nobody loses access by surprise: ordinary edits of people lists through the real pulumi CLI."""

from __future__ import annotations

from tests.e2e.test_people_identity_e2e import in_group, writes
from tests.e2e.test_symphony_members_e2e import active
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
        assert project.up().returncode != 0 and writes(emu) == 0
        assert active(emu, desk) == set(names) and len(in_group(emu, buy)) == 3

    # Said on purpose: the same edits go through.
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=names[:1], maxRemovals=11)],
                       swo=[swo_group("buy", "Buyers", users=[], maxRemovals=3)])
    project.up().ok()
    assert active(emu, desk) == {names[0]} and in_group(emu, buy) == set()
