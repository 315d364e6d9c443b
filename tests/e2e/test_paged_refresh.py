"""A refresh reads a tenant's groups in pages, and still finds every change made outside Pulumi.

Through the real pulumi CLI: 120 groups of each API (two pages each), one renamed, one deleted and
one given a member outside Pulumi between two runs; the refresh reports each, by name, in about
⌈N / 100⌉ requests instead of N, and the next `up` puts everything back.
"""

from __future__ import annotations

from tests.e2e.test_large_lists import is_member
from tests.e2e.test_swo_members_e2e import in_group
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

ACC = "ACC-1234-5678"
N = 120
SYM = "/pod/v2/admin/usergroups"
SWO = "/public/v1/accounts/user-groups"


def test_paged_refresh_finds_an_outside_rename_delete_and_member_change(project: PulumiProject, emu: Emulators):
    pod = {u["username"]: u["id"] for u in emu.symphony.seed_pod_users(["ann.lee", "bob.ray", "cat.kim"])}
    users = emu.swo.seed_users(ACC, [{"email": f"buyer{i}@contoso.com"} for i in range(3)])
    project.set_groups(
        symphony=[symphony_group(f"s{i}", f"Scope {i:03d}", **({"members": ["ann.lee", "bob.ray"]} if i == 0 else {}))
                  for i in range(N)],
        swo=[swo_group(f"w{i}", f"Team {i:03d}", **({"users": ["buyer0@contoso.com"]} if i == 0 else {}))
             for i in range(N)])
    project.up().ok()
    out = project.outputs()
    sym = {k: v["id"] for k, v in out["symphonyGroups"].items()}
    swo = {k: v["id"] for k, v in out["swoGroups"].items()}

    emu.symphony.change_group(sym["s7"], name="Renamed on the pod")
    emu.swo.change_group(swo["w9"], name="Renamed in the portal")
    emu.swo.remove_group(swo["w11"])
    emu.symphony.set_link(sym["s0"], "members", pod["cat.kim"], True)
    emu.swo.set_user_groups(users[1]["id"], [*(g["id"] for g in users[1].get("groups") or []), swo["w0"]])
    emu.symphony.reset_counts()
    emu.swo.reset_counts()

    seen = project.refresh("--yes", "--diff").ok().output
    assert "Renamed on the pod" in seen and "Renamed in the portal" in seen, seen[-3000:]
    assert f"{swo['w11']} ('{ACC}', 'Team 011') was deleted outside Pulumi" in seen, seen[-3000:]
    assert "plan for s0 (Symphony group members of " + sym["s0"] + "): +0 -1 (leaving: cat.kim)" in seen, seen[-3000:]
    assert f"+ {users[1]['id']}" in seen, seen[-3000:]  # someone nobody declared: by the account user's id
    sym_counts, swo_counts = emu.symphony.counts(), emu.swo.counts()
    # Two pages per API; a group read alone only where the listing lacks it (the deleted one) or had not
    # reached it within its budget (one of the first reads); the people lists are read as before.
    assert sym_counts.get(f"GET {SYM}", 0) == 2 and sym_counts.get(f"GET {SYM}/{{groupId}}", 0) <= 2, sym_counts
    assert swo_counts.get(f"GET {SWO}", 0) == 2 and swo_counts.get(f"GET {SWO}/{{id}}", 0) <= 3, swo_counts
    assert project.state_ids("swo:UserGroup") == set(swo.values()) - {swo["w11"]}

    project.up().ok()
    by_id = {g["id"]: g for g in emu.symphony.groups()}
    assert by_id[sym["s7"]]["name"] == "Scope 007"
    names = {g["name"] for g in emu.swo.groups()}
    assert {"Team 009", "Team 011"} <= names and "Renamed in the portal" not in names
    assert [is_member(emu, sym["s0"], pod[u]) for u in ("ann.lee", "bob.ray", "cat.kim")] == [True, True, False]
    assert in_group(emu, swo["w0"]) == {users[0]["id"]}
    project.up("--expect-no-changes").ok()
