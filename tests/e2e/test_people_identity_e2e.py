"""The right person, exactly: lookalikes, second spellings, documented lookup answers and hostile ids,
through the real pulumi CLI against the emulators."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import SWO_TOKEN
from tests.e2e.test_symphony_members_e2e import active
from tests.harness import ROOT, Emulators, PulumiProject, connection_config, swo_group, symphony_group

ACC = "ACC-1234-5678"
PEOPLE_PROGRAM = ROOT / "tests" / "e2e" / "programs" / "people"
KELVIN = "\u212aelvin.user"  # KELVIN SIGN: folds to "kelvin.user" under full case folding


def writes(emu: Emulators) -> int:
    return sum(n for c in (emu.symphony, emu.swo) for route, n in c.counts().items()
               if route.split()[0] in ("POST", "PUT", "DELETE") and "/login/" not in route)


def in_group(emu: Emulators, gid: str) -> set[str]:
    return {u["id"] for u in next(g for g in emu.swo.groups() if g["id"] == gid).get("users") or []}


def test_a_lookalike_pair_makes_exactly_the_named_one_the_member(project: PulumiProject, emu: Emulators):
    emu.symphony.settings(lookup_case="fold")  # a pod whose lookup matches loosely
    pod = {u["username"]: u["id"] for u in emu.symphony.seed_pod_users(["kelvin.user", KELVIN])}
    plain, sharp = emu.swo.seed_users(ACC, [{"email": "strasse@contoso.com"}, {"email": "straße@contoso.com"}])
    project.set_groups(symphony=[symphony_group("k", "Kelvin", members=["kelvin.user"])],
                       swo=[swo_group("s", "Strasse", users=["straße@contoso.com"])])
    project.up().ok()
    out = project.outputs()
    assert active(emu, out["symphonyGroups"]["k"]["id"]) == {"kelvin.user"}
    assert in_group(emu, out["swoGroups"]["s"]["id"]) == {sharp["id"]} and plain["id"] != sharp["id"]
    assert pod[KELVIN] != pod["kelvin.user"]
    project.refresh("--expect-no-changes").ok()


def test_every_second_spelling_of_one_person_fails_preview_and_nothing_is_written(project: PulumiProject,
                                                                                  emu: Emulators):
    emu.symphony.seed_pod_users(["carol.officer", "alice.smith"])
    (kim,) = emu.swo.seed_users(ACC, [{"email": "kim.lee@contoso.com"}])
    groups = {"symphony": [symphony_group("a", "A")], "swo": [swo_group("u", "U")]}
    project.set_groups(**groups)
    project.up().ok()  # the groups exist; what follows only adds people to them
    cases = [
        ("symphony", {"assignees": ["Carol.Officer", "carol.officer"]}, "'Carol.Officer' and 'carol.officer'"),
        ("symphony", {"members": ["alice.smith", "Alice.Smith"]}, "'alice.smith' and 'Alice.Smith'"),
        ("symphony", {"members": {"add": ["alice.smith", "ALICE.smith"]}}, "'alice.smith' and 'ALICE.smith'"),
        ("swo", {"users": {"add": [kim["id"], "kim.lee@contoso.com"]}}, "are the same user"),
        ("swo", {"users": [kim["id"], "KIM.LEE@contoso.com"]}, "are the same user"),
    ]
    for api, people, said in cases:
        entry = {**groups[api][0], **people}
        project.set_groups(**{**groups, api: [entry]})
        emu.symphony.reset_counts()
        emu.swo.reset_counts()
        preview = project.preview()
        assert preview.returncode != 0 and said in preview.output, (people, preview.output[-2000:])
        up = project.up()
        assert up.returncode != 0 and said in up.output, (people, up.output[-2000:])
        assert writes(emu) == 0, (people, emu.symphony.counts(), emu.swo.counts())


def test_the_pods_204_is_the_one_line_not_a_user_error(project: PulumiProject, emu: Emulators):
    emu.symphony.seed_pod_users(["alice.smith"])
    project.set_groups(symphony=[symphony_group("g", "G", members=["mallory"])])
    preview = project.preview()
    assert preview.returncode != 0
    assert "mallory is not a user of this pod" in preview.output
    assert "204" not in preview.output and "No Content" not in preview.output


def test_hostile_ids_and_two_spellings_in_a_program_fail_preview_with_no_request(tmp_path: Path, emu: Emulators,
                                                                                  bot):
    emu.symphony.seed_pod_users(["carol.officer"])
    project = PulumiProject(tmp_path / "people", program=PEOPLE_PROGRAM)
    config = {k: v for k, v in connection_config(emu, bot, "rsa").items() if not k.startswith("usergroups:")}
    hostile = [{"groupId": "g1/../g2", "username": "carol.officer"},
               {"groupId": "g1?active=false", "username": "carol.officer"}]
    project.init({**config, "people:symphonyMembers": hostile},
                 {"swo:apiToken": SWO_TOKEN, "symphony:botPrivateKey": bot.private_pem})
    emu.symphony.reset_counts()
    preview = project.preview()
    assert preview.returncode != 0 and "group_id" in preview.output
    assert emu.symphony.total() == 0, emu.symphony.counts()  # not even a login

    (gid,) = [emu.symphony.seed_group(name="Scope", type="ROLE_SCOPE")["id"]]
    twice = [{"groupId": gid, "username": "carol.officer"}, {"groupId": gid, "username": "Carol.Officer"}]
    project.configure({**config, "people:symphonyMembers": twice})
    emu.symphony.reset_counts()
    preview = project.preview()
    assert preview.returncode != 0 and "may be one person" in preview.output, preview.output[-2000:]
    assert writes(emu) == 0
    up = project.up()
    assert up.returncode != 0 and writes(emu) == 0 and active(emu, gid) == set()
