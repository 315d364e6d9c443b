"""The program's guard against edits that take people out without saying so (offline: the last exports as data)."""

from __future__ import annotations

from program import stack_config
from program.guards import dropped_people

SYM = "usergroups:symphonyGroups"


def entries(**entry):
    return [("emea", stack_config.SymphonyGroupEntry.model_validate({"key": "emea", "name": "EMEA", **entry}))]


BEFORE = {"emea": {"id": "g1", "members": ["alice", "bob"], "assignees": ["carol"]}}


def test_a_removed_people_key_is_refused_naming_the_entry_the_people_and_both_ways_out():
    (problem,) = dropped_people(SYM, entries(assignees=["carol"]), BEFORE, "stacks/Pulumi.t.yaml")
    assert problem.startswith("stacks/Pulumi.t.yaml: usergroups:symphonyGroups ('emea'): members: removing the key "
                              "would take 2 members out of the group (alice, bob)")
    assert "`members: []` with `maxRemovals: 2`" in problem and "`retainPeople: true`" in problem


def test_what_the_entry_says_is_let_through():
    assert dropped_people(SYM, entries(members=[], assignees=["carol"], maxRemovals=2), BEFORE, "f") == []
    assert dropped_people(SYM, entries(members={"add": ["alice"]}, assignees=["carol"]), BEFORE, "f") == []
    retained = {"emea": {**BEFORE["emea"], "retainPeople": True}}
    assert dropped_people(SYM, entries(), retained, "f") == []  # retainPeople was applied by the last update


def test_a_moved_key_is_compared_with_its_former_key_and_a_first_run_with_nothing():
    moved = [("emea-scope", stack_config.SymphonyGroupEntry.model_validate(
        {"key": "emea-scope", "formerKeys": ["emea"], "name": "EMEA"}))]
    assert len(dropped_people(SYM, moved, BEFORE, "f")) == 2  # members and assignees
    assert dropped_people(SYM, entries(), None, "f") == []
