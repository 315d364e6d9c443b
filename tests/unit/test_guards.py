"""The people ledger's guard against edits that take people out without saying so (offline)."""

from __future__ import annotations

from typing import Any

import pytest

from program import stack_config
from program.guards import PeopleDropped, all_dropped, dropped_people
from program.ledger import PeopleLedgerProvider

SYM = "usergroups:symphonyGroups"


def record(key: str = "emea", **entry: Any) -> dict[str, Any]:
    """What the ledger records of one Symphony entry."""
    return {key: stack_config.SymphonyGroupEntry.model_validate({"key": key, "name": "EMEA", **entry}).ledger()}


BEFORE = record(members=["alice", "bob"], assignees=["carol"])


def test_a_removed_people_key_is_refused_naming_the_entry_the_people_and_both_ways_out():
    (problem,) = dropped_people(SYM, record(assignees=["carol"]), BEFORE, "stacks/Pulumi.t.yaml")
    assert problem.startswith("stacks/Pulumi.t.yaml: usergroups:symphonyGroups ('emea'): members: removing the key "
                              "would take 2 members out of the group (alice, bob)")
    assert "`members: []` with `maxRemovals: 2`" in problem and "`retainPeople: true`" in problem


def test_what_the_entry_says_is_let_through():
    assert dropped_people(SYM, record(members=[], assignees=["carol"], maxRemovals=2), BEFORE, "f") == []
    assert dropped_people(SYM, record(members={"add": ["alice"]}, assignees=["carol"]), BEFORE, "f") == []
    retained = record(members=["alice", "bob"], assignees=["carol"], retainPeople=True)
    assert dropped_people(SYM, record(), retained, "f") == []  # retainPeople was applied by the last update
    # Set in the same edit that removes the key, retainPeople has not been applied yet: refused.
    assert len(dropped_people(SYM, record(retainPeople=True), BEFORE, "f")) == 2


def test_a_moved_key_is_compared_with_its_former_key_and_a_new_entry_with_nothing():
    moved = record("emea-scope", formerKeys=["emea"])
    assert len(dropped_people(SYM, moved, BEFORE, "f")) == 2  # members and assignees
    assert dropped_people(SYM, record("apac"), BEFORE, "f") == []


def test_a_long_list_is_shortened_and_the_count_kept():
    before = record(members=[f"user{i:02}" for i in range(25)])
    (problem,) = dropped_people(SYM, record(), before, "f")
    assert "would take 25 members" in problem and "user09 and 15 more" in problem and "user10" not in problem


def ledger(symphony: dict[str, Any], swo: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"symphonyGroups": symphony, "swoGroups": swo or {}, "where": "stacks/Pulumi.t.yaml"}


def test_the_ledger_diff_fails_on_a_dropped_key_and_changes_only_when_the_people_do():
    provider = PeopleLedgerProvider()
    olds = provider.create(ledger(BEFORE)).outs
    assert provider.diff("people-ledger", olds, ledger(BEFORE)).changes is False
    assert provider.diff("people-ledger", olds, ledger(record(members=["alice"], assignees=["carol"]))).changes
    with pytest.raises(PeopleDropped, match=r"^people would be removed .*\n  stacks/Pulumi.t.yaml: "
                                            r"usergroups:symphonyGroups \('emea'\): assignees: removing the key"):
        provider.diff("people-ledger", olds, ledger(record(members=["alice", "bob"])))


def test_the_ledger_reads_back_what_it_recorded_and_a_first_run_checks_nothing():
    provider = PeopleLedgerProvider()
    stored = ledger(BEFORE)
    assert provider.read("people-ledger", stored).outs == stored
    assert all_dropped({}, ledger(record())) == []
    swo_before = {"ops": {"users": ["USR-1"], "formerKeys": [], "retainPeople": False}}
    swo_now = {"ops": {"formerKeys": [], "retainPeople": False}}
    (problem,) = all_dropped(ledger({}, swo_before), ledger({}, swo_now))
    assert "usergroups:swoGroups ('ops'): users: removing the key would take 1 users out of the group (USR-1)" \
        in problem
