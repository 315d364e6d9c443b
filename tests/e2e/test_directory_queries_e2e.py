"""Groups that follow the directory, through the real pulumi CLI against the emulators: a query-driven list
gets exactly the matching active users, a directory change shows in preview by name and is applied by up,
include and exclude hold, and a query that would empty a group or remove too many fails preview unwritten."""

from __future__ import annotations

import json
import re

from program.report import ADDED, MISSING
from tests.e2e.test_discover import run_discover
from tests.e2e.test_swo_members_e2e import in_group
from tests.e2e.test_symphony_members_e2e import active
from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

ACC = "ACC-1234-5678"
LONDON = {"company": "Acme Bank", "location": "London"}
CONTOSO = 'ilike(user.email,"*@contoso.com")'


def writes(emu: Emulators) -> int:
    return sum(n for r, n in {**emu.symphony.counts(), **emu.swo.counts()}.items()
               if r.split()[0] in ("PUT", "POST", "DELETE") and "login" not in r and "/search" not in r
               and "/find" not in r)


def test_query_groups_follow_the_directory(project: PulumiProject, emu: Emulators):
    pod = {u["username"]: u["id"] for u in emu.symphony.seed_pod_users([
        {"username": "carol.officer", **LONDON, "title": "Compliance Officer", "_function": ["Compliance"],
         "_roles": ["INDIVIDUAL", "COMPLIANCE_OFFICER"]},
        {"username": "zoe.officer", "company": "Acme Bank", "location": "Paris",
         "_roles": ["INDIVIDUAL", "COMPLIANCE_OFFICER"]},
        {"username": "dave.bridge", "company": "Acme Bank", "location": "London Bridge"},  # the search's near miss
        {"username": "erin.paris", "company": "Acme Bank", "location": "Paris"},
        {"username": "frank.gone", **LONDON, "_status": "DISABLED"},
        {"username": "hank.contractor", **LONDON},
        {"username": "ivan.paris", "company": "Acme Bank", "location": "Paris"},
        *({"username": f"lon.user{i:02d}", **LONDON} for i in range(12)),
    ])}
    users = {u["user"]["email"]: u["id"] for u in emu.swo.seed_users(ACC, [
        {"email": "ann@contoso.com"}, {"email": "bob@fabrikam.com"}, {"email": "cid@contoso.com", "status": "Disabled"},
        {"email": "dee@contoso.com"}, {"email": "eve@contoso.com"}])}
    members = {"query": LONDON, "include": ["ivan.paris"], "exclude": ["hank.contractor"]}
    officers = {"query": {"role": "COMPLIANCE_OFFICER"}}
    buyers = {"query": CONTOSO, "exclude": ["dee@contoso.com"]}
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members=members, assignees=officers)],
                       swo=[swo_group("buyers", "All buyers", users=buyers)])
    up = project.up().ok().output
    out = project.outputs()
    emea, buy = out["symphonyGroups"]["emea"]["id"], out["swoGroups"]["buyers"]["id"]
    london = {"carol.officer", *(f"lon.user{i:02d}" for i in range(12))}
    assert active(emu, emea) == london | {"ivan.paris"}, up[-3000:]  # not dave, frank or hank
    assert in_group(emu, buy) == {users["ann@contoso.com"], users["eve@contoso.com"]}  # not bob, cid or dee
    assert active(emu, emea, "assignments") == {"carol.officer", "zoe.officer"}  # Find Users by role
    exported = out["symphonyGroups"]["emea"]
    assert exported["memberCount"] == 14 and "lon.user00" in exported["members"]  # as the query chose them
    assert exported["assignees"] == {"carol.officer": True, "zoe.officer": True}
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.up("--expect-no-changes").ok()
    assert writes(emu) == 0

    # The directory changes: erin moves to London, carol to Paris; eve is disabled on the account.
    emu.symphony.change_pod_user(pod["erin.paris"], location="London")
    emu.symphony.change_pod_user(pod["carol.officer"], location="Paris")
    emu.swo.change_user(users["eve@contoso.com"], status="Disabled")
    plan = project.preview("--diff").ok().output
    marked = {re.sub(r"\s+:", ":", ln.strip()) for ln in plan.splitlines() if ln.strip().startswith(("+ ", "- "))}
    assert {"+ erin.paris: true", "- carol.officer: true", "- eve@contoso.com: true"} <= marked, plan[-3000:]
    assert "carol.officer (no longer matches location: London (now Paris))" in plan, plan[-3000:]
    assert "eve@contoso.com (status is Disabled)" in plan, plan[-3000:]
    # The access report holds a query group to what the query chooses now: it differs until the next up.
    drift = run_discover(project, "--format", "json", command="report")
    assert drift.returncode == 2, drift.stderr
    differs = {(g["key"], person, status) for g in json.loads(drift.stdout)["groups"]
               for person, status in g["people"].items()}
    assert ("emea", "erin.paris", MISSING) in differs and ("emea", "carol.officer", ADDED) in differs, differs
    project.up().ok()
    assert run_discover(project, command="report").returncode == 0
    assert active(emu, emea) == london - {"carol.officer"} | {"erin.paris", "ivan.paris"}
    assert in_group(emu, buy) == {users["ann@contoso.com"]}

    # A filter that matches nobody, and one that would take out more than max_removals allows: preview
    # fails naming why, and nothing is written.
    emu.symphony.reset_counts()
    emu.swo.reset_counts()
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", assignees=officers,
                                                members={**members, "query": {**LONDON, "location": "Atlantis"}})],
                       swo=[swo_group("buyers", "All buyers", users=buyers)])
    empty = project.preview()
    assert empty.returncode != 0 and "matches 0 active members, fewer than min_matches (1)" in empty.output, \
        empty.output[-3000:]
    assert "property query value" not in empty.output  # one line, without the query's whole value
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", assignees=officers, members={
        **members, "query": {**LONDON, "location": "Paris"}})],  # carol and ivan: the 13 Londoners would leave
        swo=[swo_group("buyers", "All buyers", users=buyers)])
    mass = project.up()
    assert mass.returncode != 0 and "removes more than max_removals allows (10)" in mass.output, mass.output[-3000:]
    assert writes(emu) == 0
    assert active(emu, emea) == london - {"carol.officer"} | {"erin.paris", "ivan.paris"}

    # destroy takes out exactly the people each query chose (the ledger records them, so the check that no
    # SoftwareOne user is stranded counts them as the stack's own), then the groups.
    project.set_groups(symphony=[symphony_group("emea", "EMEA Compliance", members=members, assignees=officers)],
                       swo=[swo_group("buyers", "All buyers", users=buyers)])
    project.destroy().ok()
    assert not [g for g in emu.swo.groups() if g["id"] == buy]
