"""Lists of any length, through the real pulumi CLI against the emulators: `discover` writes a tenant's
8,000-member Symphony group and 20,000-user SoftwareOne group to people files beside the stack, the next
`up` makes zero writes, and one edit of each file (the Symphony list grown to 20,000 names but for its
first, the first SoftwareOne user taken out) is planned as exactly those people joining and leaving and
written as one replace-all and one removal.

The stack config the engine hands the program holds only the file references: inline, 20,000 names
would be far past the 128 KiB it can pass (``program.stack_config.CONFIG_ROOM``).
"""

from __future__ import annotations

import re

import requests
import yaml

from tests.e2e.test_discover import run_discover, writes
from tests.e2e.test_named_plan import POSITIONAL, marked
from tests.e2e.test_swo_members_e2e import in_group
from tests.e2e.conftest import SESSION_TOKEN
from tests.harness import Emulators, PulumiProject

ACC = "ACC-1234-5678"
BIG, DISCOVERED = 20_000, 8_000


def member_count(emu: Emulators, gid: str) -> int:
    return next(g for g in emu.symphony.groups() if g["id"] == gid)["memberCount"]


def is_member(emu: Emulators, gid: str, user_id: int) -> bool:
    r = requests.get(f"{emu.symphony_url}/pod/v2/admin/usergroups/{gid}/memberships",
                     params={"userId": user_id, "active": "true"}, headers={"sessionToken": SESSION_TOKEN}, timeout=30)
    r.raise_for_status()
    return bool(r.json()["data"])


def names_in(path) -> list[str]:
    return [ln for ln in path.read_text().splitlines() if ln and not ln.startswith("#")]


def test_discovered_and_grown_lists_of_thousands_in_people_files(project: PulumiProject, emu: Emulators):
    pod = emu.symphony.seed_pod_users([f"big.user{i:05d}" for i in range(BIG)])
    desk = emu.symphony.seed_group(name="Big Desk", type="ROLE_SCOPE")["id"]
    emu.symphony.set_links(desk, "members", [u["id"] for u in pod[:DISCOVERED]])
    buyers = emu.swo.seed_group(name="All Buyers", account={"id": ACC}, modules=[{"id": "MOD-1756"}])["id"]
    default = next(g["id"] for g in emu.swo.groups() if g.get("isDefault"))
    users = emu.swo.seed_users(ACC, [{"email": f"buyer{i:05d}@contoso.com", "groups": [default, buyers]}
                                     for i in range(BIG)])

    found = run_discover(project)
    assert found.returncode == 0, found.stderr[-3000:]
    config = yaml.safe_load(project.stack_file.read_text())["config"]
    (sym,), swo = config["usergroups:symphonyGroups"], config["usergroups:swoGroups"]
    (swo,) = [e for e in swo if e["name"] == "All Buyers"]
    assert sym["members"] == {"file": "people/big-desk.members.txt"}, sym
    assert swo["users"] == {"file": "people/all-buyers.users.txt"}, swo
    desk_file, buyers_file = project.dir / sym["members"]["file"], project.dir / swo["users"]["file"]
    assert len(names_in(desk_file)) == DISCOVERED and len(names_in(buyers_file)) == BIG
    assert project.stack_file.stat().st_size < 16 * 1024  # the names live in the files

    # Each `up` skips its preview: at this size a run's time is the engine's, reading and writing a state
    # that holds every name several times (inputs, outputs, the ledger, the exports).
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up("--skip-preview").ok()
    assert writes(emu) == {}, writes(emu)  # taken over as they are

    # One edit of each file: the Symphony list grown to 20,000 names but for its first, the first SoftwareOne
    # user taken out. The plan marks exactly those two leaving (in the resource and the outputs) and the
    # 12,000 joining, and nobody else; the up writes one replace-all and one removal.
    first_buyer = names_in(buyers_file)[0]
    desk_file.write_text("\n".join(f"big.user{i:05d}" for i in range(1, BIG)) + "\n")
    buyers_file.write_text("\n".join(names_in(buyers_file)[1:]) + "\n")
    plan = project.preview("--diff").ok().output
    assert not [ln for ln in plan.splitlines() if POSITIONAL.match(ln)]
    assert marked(plan, "big.user00000") == ["- big.user00000: true"] * 2, marked(plan, "big.user00000")
    assert marked(plan, first_buyer) == [f"- {first_buyer}: true"] * 2, marked(plan, first_buyer)
    leaving = re.findall(r"^\s*-\s+(\S+?)\s*:\s*true", plan, re.M)
    assert sorted(set(leaving)) == sorted({"big.user00000", first_buyer}), leaving[:10]
    joining = set(re.findall(r"^\s*\+\s+(big\.user\d{5})\s*:\s*true", plan, re.M))
    assert joining == {f"big.user{i:05d}" for i in range(DISCOVERED, BIG)}, len(joining)
    assert f"+{BIG - DISCOVERED} -1 (joining: big.user{DISCOVERED:05d}" in plan, plan[-2000:]
    assert f"+0 -1 (leaving: {first_buyer})" in plan, plan[-2000:]
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up("--skip-preview").ok()
    assert sum(writes(emu).values()) == 2, writes(emu)
    assert member_count(emu, desk) == BIG - 1
    assert not is_member(emu, desk, pod[0]["id"]) and is_member(emu, desk, pod[-1]["id"])
    gone = next(u["id"] for u in users if first_buyer in (u["id"], u["user"]["email"]))
    assert len(in_group(emu, buyers)) == BIG - 1 and gone not in in_group(emu, buyers)
