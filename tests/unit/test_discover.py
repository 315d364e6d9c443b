"""discover's planning and stack-file editing, offline."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from program import discover
from program.discover import Found, StackFile, _text, main, plan, swo_groups
from providers.errors import ProviderError

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


def test_a_malformed_account_fails_naming_the_flag_before_anything_is_read(tmp_path: Path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--stack", "dev", "--swo-account", "bogus", "--root", str(tmp_path)])
    assert stop.value.code == 2
    assert "--swo-account: 'bogus' is not an account id (ACC-NNNN-NNNN)" in capsys.readouterr().err


class _NoGroups:
    def in_account(self, account: str) -> list:
        return []


def test_an_account_the_token_sees_nothing_of_is_an_error_not_an_empty_success():
    with pytest.raises(ProviderError, match=r"--swo-account ACC-1234-9999: the token sees no group of this account "
                                            r"\(every account has its default group\)"):
        swo_groups(_NoGroups(), "swo", ["ACC-1234-9999"], lambda groups: groups)


def test_a_failed_pulumi_config_is_reported_as_its_last_line_not_a_list(tmp_path: Path, monkeypatch):

    def failed(*_args, **_kwargs):
        return subprocess.CompletedProcess([], 255, "", "warning: x\nerror: no stack named 'nope' found\n")
    monkeypatch.setattr(discover.subprocess, "run", failed)
    monkeypatch.setattr(discover.shutil, "which", lambda _name: "/bin/pulumi")
    with pytest.raises(ProviderError) as err:
        discover.stack_config("nope", tmp_path)
    assert str(err.value) == "`pulumi config --stack nope` failed: error: no stack named 'nope' found"


def test_long_people_lists_go_to_files_beside_the_stack_and_short_ones_stay_inline(tmp_path: Path):
    from program.discover import FILE_FROM, people_files, write_people_files
    from program.people_files import read
    crowd = [f"user{i:03d}" for i in range(FILE_FROM + 1)]
    additions = {"symphonyGroups": [{"key": "desk", "members": crowd, "assignees": ["carol.officer"]}],
                 "swoGroups": [{"key": "ops", "users": [f"USR-1234-{i:04d}" for i in range(FILE_FROM + 5)]}]}
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "ops.users.txt").write_text("someone's own file\n")  # never overwritten
    files = people_files(additions, tmp_path)
    assert additions["symphonyGroups"][0]["members"] == {"file": "people/desk.members.txt"}
    assert additions["symphonyGroups"][0]["assignees"] == ["carol.officer"]
    assert additions["swoGroups"][0]["users"] == {"file": "people/ops-2.users.txt"}
    write_people_files(files)
    assert (tmp_path / "people" / "ops.users.txt").read_text() == "someone's own file\n"
    # What was written reads back, through the stack config's own reader, as the list that was found.
    assert read({"file": "people/desk.members.txt"}, tmp_path) == crowd
    assert len(read({"file": "people/ops-2.users.txt"}, tmp_path)) == FILE_FROM + 5
