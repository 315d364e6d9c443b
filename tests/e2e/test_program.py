"""The program and its stacks: the shipped local stack, config errors, exports, and reuse from other programs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from emulators import local_people
from tests.e2e.conftest import SWO_TOKEN
from tests.e2e.test_symphony_members_e2e import active
from tests.harness import ROOT, Emulators, PulumiProject, make_bot_key, swo_group

LOCAL_STACK = ROOT / "stacks" / "Pulumi.local.yaml"


@pytest.fixture(scope="module")
def local_emulators(tmp_path_factory):
    """Emulators that accept exactly what the shipped local stack sends."""
    folder = tmp_path_factory.mktemp("local")
    bot = make_bot_key(folder / "keys", "usergroups-bot")
    emu = Emulators(folder / "emu", bot, swo_token="local-emulator-token", session_token="unused").start()
    yield emu, bot
    emu.stop()


def test_shipped_local_stack(tmp_path: Path, local_emulators):
    emu, bot = local_emulators
    emu.reset()
    shipped = yaml.safe_load(LOCAL_STACK.read_text())
    declared = shipped["config"]
    project = PulumiProject(tmp_path, stack="local", passphrase="local")
    stack = dict(shipped)
    stack["config"] = {**declared, "symphony:podUrl": emu.symphony_url, "swo:apiUrl": emu.swo_url,
                       "symphony:botPrivateKeyPath": str(bot.private_path)}
    project.stack_file.write_text(yaml.safe_dump(stack, allow_unicode=True, sort_keys=False))
    project.run("stack", "init").ok()  # run() names the stack
    local_people.seed(emu.symphony, emu.swo)  # what scripts/emulators.sh seeds into fresh local emulators

    preview = project.preview().ok()
    assert "+ 12 to create" in preview.stdout  # six groups, four people resources, the ledger, the stack
    assert emu.symphony.total("POST /pod") == 0 and emu.swo.total("POST") == 0

    project.up().ok()
    sym_declared = {(g["name"], g.get("area")) for g in declared["usergroups:symphonyGroups"]}
    swo_declared = {(g["name"], tuple(sorted(g["modules"]))) for g in declared["usergroups:swoGroups"]}
    assert {(g["name"], g.get("area")) for g in emu.symphony.groups()} == sym_declared
    managed = [g for g in emu.swo.groups() if not g["isDefault"]]
    assert {(g["name"], tuple(sorted(m["id"] for m in g["modules"]))) for g in managed} == swo_declared

    out = project.outputs()
    assert set(out) == {"symphonyGroups", "swoGroups"}
    assert set(out["symphonyGroups"]) == {g["key"] for g in declared["usergroups:symphonyGroups"]}
    for value in out["symphonyGroups"].values():
        assert set(value) - {"members", "assignees", "memberCount", "assigneeCount"} == {"id", "name", "type", "area", "active"} and value["active"]
    for value in out["swoGroups"].values():
        assert set(value) - {"users", "userCount"} == {"id", "name", "accountId", "revision", "modules"} and value["revision"] == 1
    # The first run shows who is in the groups, as declared.
    # Each kind a map keyed by the declared spelling, so a change of the outputs reads by name in the plan.
    assert out["symphonyGroups"]["emea-scope"]["members"] == {"alice.smith": True, "bob.jones": True}
    assert out["symphonyGroups"]["emea-scope"]["assignees"] == {"carol.officer": True}
    assert out["swoGroups"]["procurement"]["users"] == {"USR-1234-0001": True, "jane.doe@contoso.com": True}
    assert out["symphonyGroups"]["emea-scope"]["memberCount"] == 2 and out["swoGroups"]["procurement"]["userCount"] == 2
    emea = out["symphonyGroups"]["emea-scope"]["id"]
    assert active(emu, emea, token="unused") == {"alice.smith", "bob.jones"}
    assert active(emu, emea, "assignments", token="unused") == {"carol.officer"}
    assert {v["id"] for v in out["swoGroups"].values()} == {g["id"] for g in managed}

    second = project.up().ok()
    assert "12 unchanged" in second.stdout and "created" not in second.stdout.split("Resources:")[-1]

    project.destroy().ok()
    assert not any(g["active"] for g in emu.symphony.groups())
    assert [g for g in emu.swo.groups() if not g["isDefault"]] == []


@pytest.mark.parametrize("entries,expect", [
    ([swo_group("dup", "A"), swo_group("dup", "B")], "swoGroups[1] ('dup'): key 'dup' is used by"),
    ([{**swo_group("x", "A"), "colour": "red"}], "swoGroups[0] ('x'): colour: is not a known field"),
    ([{**swo_group("x", "A"), "modules": "MOD-1756"}], "swoGroups[0] ('x'): modules: Input should be a valid list"),
    ([swo_group("x", "A", account="ACC-1-2")], "swoGroups[0] ('x'): accountId: String should match"),
])
def test_config_errors_stop_before_any_resource(project: PulumiProject, emu: Emulators, entries, expect):
    project.set_groups(swo=entries, symphony=[{"key": "fine", "name": "Fine"}])
    emu.swo.reset_counts()
    emu.symphony.reset_counts()
    result = project.up()
    assert result.returncode != 0
    assert f"stacks/Pulumi.{project.stack}.yaml: usergroups:{expect}" in result.output
    assert emu.swo.total() == 0 and emu.symphony.total() == 0
    assert project.resources("UserGroup") == []


def test_providers_from_another_program_via_stack_reference(tmp_path: Path, project: PulumiProject, emu: Emulators):
    project.set_groups(swo=[swo_group("finance", "Finance", modules=["MOD-1002"])])
    project.up().ok()
    finance_id = project.outputs()["swoGroups"]["finance"]["id"]

    consumer = PulumiProject(tmp_path / "consumer", stack="consumer", program=ROOT / "tests/e2e/programs/consumer",
                             state_dir=project.state_dir)

    consumer.init({"swo:apiUrl": emu.swo_url, "consumer:groupsStack": f"organization/usergroups/{project.stack}"},
                  {"swo:apiToken": SWO_TOKEN})
    consumer.up().ok()
    out = consumer.outputs()
    auditors = [g for g in emu.swo.groups() if g["name"] == "Finance auditors"]
    assert len(auditors) == 1 and out["auditorsId"] == auditors[0]["id"]
    assert out["auditorsDescription"] == f"Audits group {finance_id}"
    consumer.destroy().ok()
