"""A plan a reviewer can trust: through the real pulumi CLI, a people change and a drift read by name.

The engine renders a dynamic resource's change from its stored inputs in their own shape (its
``DiffResult`` carries no detailed diff): the people lists are stored as maps keyed by each declared
name (``providers.keyed``), so that the plan shows one line per person who joins or leaves, never a
positional rewrite of the names after them.
"""

from __future__ import annotations

import re

from tests.harness import Emulators, PulumiProject, swo_group, symphony_group

ACC = "ACC-1234-5678"
N = 200
POSITIONAL = re.compile(r"^\s*[-+~]\s*\[\d+\]")  # how the engine prints a list element's change


def lines_naming(output: str, name: str) -> list[str]:
    return [ln.strip() for ln in output.splitlines() if re.search(rf"\b{re.escape(name)}\b", ln)]


def marked(output: str, name: str) -> list[str]:
    """The lines of a plan that mark ``name`` as added, removed or changed (``+``, ``-``, ``~``)."""
    return [re.sub(r"\s+:", ":", ln.strip()) for ln in output.splitlines()
            if re.match(r"^\s*[-+~]\s", ln) and re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", ln)]


def test_a_removal_and_a_drift_name_exactly_the_person(project: PulumiProject, emu: Emulators):
    names = [f"bulk.user{i:05d}" for i in range(N)]
    pod = {u["username"]: u["id"] for u in emu.symphony.seed_pod_users([*names, "dave.brown"])}
    users = emu.swo.seed_users(ACC, [{"email": f"buyer{i:03d}@contoso.com"} for i in range(N + 1)])
    emails = [f"buyer{i:03d}@contoso.com" for i in range(N)]
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=names)],
                       swo=[swo_group("buy", "Buyers", users=emails)])
    project.up().ok()
    out = project.outputs()
    desk, buy = out["symphonyGroups"]["desk"]["id"], out["swoGroups"]["buy"]["id"]

    # The first of 200 names leaves each list: the plan marks exactly that person, in the resource and in the
    # stack's outputs, and nobody else; a one-line summary names them beside the resource.
    project.set_groups(symphony=[symphony_group("desk", "Desk", members=names[1:])],
                       swo=[swo_group("buy", "Buyers", users=emails[1:])])
    plan = project.preview("--diff").ok().output
    assert not [ln for ln in plan.splitlines() if POSITIONAL.match(ln)], plan[-3000:]
    assert marked(plan, names[0]) == [f"- {names[0]}: true"] * 2, marked(plan, names[0])
    assert marked(plan, emails[0]) == [f"- {emails[0]}: true"] * 2, marked(plan, emails[0])
    assert not [ln for ln in plan.splitlines() if re.match(r"^\s*[-+~]\s", ln) and
                re.search(r"bulk\.user00(?!000)\d{3}|buyer(?!000)\d{3}@", ln)], "someone else is marked"
    assert f"plan for desk (Symphony group members of {desk}): +0 -1 (leaving: {names[0]})" in plan, plan[-2000:]
    assert f"plan for buy (SoftwareOne group users of {buy}): +0 -1 (leaving: {emails[0]})" in plan, plan[-2000:]
    project.up().ok()
    project.up("--expect-no-changes").ok()  # the stored maps read back as the lists they stand for

    # Someone joins each group outside Pulumi: refresh shows exactly that person joining, by name.
    emu.symphony.set_link(desk, "members", pod["dave.brown"], True)
    extra = users[N]["id"]
    emu.swo.set_user_groups(extra, [buy])
    seen = project.refresh("--yes", "--diff").ok().output
    assert not [ln for ln in seen.splitlines() if POSITIONAL.match(ln)], seen[-3000:]
    assert sorted(marked(seen, "dave.brown")) == sorted(["+ dave.brown: true", f'+ {pod["dave.brown"]}: "dave.brown"']), \
        marked(seen, "dave.brown")
    assert marked(seen, extra) and all(ln.startswith("+ ") for ln in marked(seen, extra)), marked(seen, extra)
    assert not [ln for ln in seen.splitlines() if re.match(r"^\s*[-~]\s", ln) and "bulk.user" in ln]
    # And the next plan takes them out, naming them.
    assert marked(project.preview("--diff").ok().output, "dave.brown") == ["- dave.brown: true"]
