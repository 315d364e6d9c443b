"""People named in a file beside the stack: read as the inline list would be, every problem named."""

from __future__ import annotations

import pytest

from tests.unit.test_stack_config import SWO_ENTRY, load, problems

ENTRY = {"key": "emea", "name": "EMEA Compliance"}


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The program runs in the project folder: files are found relative to it."""
    (tmp_path / "people").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_text_file_is_the_list_it_holds_in_file_order(project):
    (project / "people" / "emea.txt").write_text("# EMEA compliance, from HR\n\nalice.smith\nbob.jones  # until March\n"
                                                 "\tcarol.officer\n", encoding="utf-8")
    entry = load(symphonyGroups=[{**ENTRY, "members": {"file": "people/emea.txt"},
                                  "assignees": {"file": "people/emea.txt"}}]).symphony[0][1]
    made = entry.memberships("g1")
    assert made[0][2].usernames == ["alice.smith", "bob.jones", "carol.officer"]
    assert [name for _, name, _, _ in made[1:]] == ["emea/alice.smith", "emea/bob.jones", "emea/carol.officer"]
    assert entry.people()["members"] == ["alice.smith", "bob.jones", "carol.officer"]  # the ledger sees them too


def test_a_csv_export_takes_the_named_column_and_additions_take_a_file(project):
    (project / "people" / "ops.csv").write_bytes("\ufeffname,email\nJane Doe,jane.doe@contoso.com\n"
                                                 "Joe Bloggs,joe@contoso.com\n,\n".encode("utf-8"))
    entry = load(swoGroups=[{**SWO_ENTRY, "users": {"file": "people/ops.csv", "column": "email"}}]).swo[0][1]
    ((_, _, args, _),) = entry.memberships("UGR-1111-2222")
    assert args.users == ["jane.doe@contoso.com", "joe@contoso.com"]
    added = load(swoGroups=[{**SWO_ENTRY, "users": {"add": {"file": "people/ops.csv", "column": "email"}}}]).swo[0][1]
    assert [a.user for _, _, a, _ in added.memberships("UGR-1111-2222")] == ["jane.doe@contoso.com", "joe@contoso.com"]


@pytest.mark.parametrize("value,expect", [
    ({"file": "people/none.txt"}, "members: file people/none.txt not found (paths are relative to the project folder)"),
    ({"file": "../outside.txt"}, "members: file ../outside.txt is outside the project folder"),
    ({"file": "people/empty.txt"}, "members: file people/empty.txt names nobody"),
    ({"file": "people/emea.csv", "column": "mail"}, "has no column 'mail' (its columns: username, name)"),
    ({"file": "people/empty.txt", "columns": "x"}, "members: columns: is not a known field"),
    ({"add": {"file": "people/none.txt"}}, "members.add: file people/none.txt not found"),
])
def test_a_bad_file_fails_naming_the_entry_field_and_file(project, value, expect):
    (project / "people" / "empty.txt").write_text("# nobody yet\n")
    (project / "people" / "emea.csv").write_text("username,name\nalice.smith,Alice\n")
    text = problems(symphonyGroups=[{**ENTRY, "members": value}])
    assert "stacks/Pulumi.dev.yaml: usergroups:symphonyGroups[0] ('emea'): " in text and expect in text, text


def test_a_file_is_checked_like_the_inline_list(project):
    (project / "people" / "dup.txt").write_text("alice.smith\nalice.smith\n")
    assert "members: lists 'alice.smith' more than once" in problems(
        symphonyGroups=[{**ENTRY, "members": {"file": "people/dup.txt"}}])
