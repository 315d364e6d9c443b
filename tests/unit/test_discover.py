"""discover's planning and stack-file editing, offline."""

from __future__ import annotations

from pathlib import Path

import yaml

from program.discover import Found, StackFile, _text, plan

STACK = """# a header comment
config:
  swo:apiUrl: https://api.platform.softwareone.com  # trailing comment
  usergroups:swoGroups:
    - key: ops
      formerKeys: [ops-2]
      accountId: ACC-1234-5678
      name: Ops
      modules: [MOD-1756]
"""


def found(kind: str, name: str, scope: str, **entry) -> Found:
    return Found(kind, ("swo" if kind == "swoGroups" else "symphony", scope, name), f"id-{name}", name,
                 entry={"name": _text(name), **entry, "adopt": True})


def test_plan_skips_declared_groups_and_makes_unique_keys(tmp_path: Path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    stack = StackFile(path)
    groups = [found("swoGroups", "Ops", "ACC-1234-5678", accountId="ACC-1234-5678"),
              found("swoGroups", "Ops!", "ACC-1234-5678", accountId="ACC-1234-5678"),
              found("swoGroups", "OPS", "ACC-9999-9999", accountId="ACC-9999-9999"),
              found("symphonyGroups", "Ops", "ROLE_SCOPE")]
    groups.append(Found("swoGroups", ("swo", "ACC-1234-5678", "Admins"), "x", "Admins", left_out="default"))
    additions, already = plan(groups, stack)
    assert [f.name for f in already] == ["Ops"]
    assert [e["key"] for e in additions["swoGroups"]] == ["ops-3", "ops-4"]  # ops and ops-2 are taken
    assert [e["key"] for e in additions["symphonyGroups"]] == ["ops"]  # keys are unique per list


def test_the_stack_file_keeps_comments_and_entries(tmp_path: Path):
    path = tmp_path / "Pulumi.dev.yaml"
    path.write_text(STACK)
    stack = StackFile(path)
    additions, _ = plan([found("symphonyGroups", "yes", "ROLE_SCOPE")], stack)
    stack.add("symphonyGroups", additions["symphonyGroups"])
    stack.write()
    text = path.read_text()
    assert text.startswith(STACK.split("  usergroups")[0])  # header, trailing comment, order: all kept
    data = yaml.safe_load(text)["config"]
    assert data["usergroups:symphonyGroups"] == [{"key": "yes", "name": "yes", "adopt": True}]
    assert data["usergroups:swoGroups"][0]["formerKeys"] == ["ops-2"]
