"""The access report's comparison: who is in a group against who is declared, matched as the providers match."""

from __future__ import annotations

import pytest

from program.report import ADDED, IN_SYNC, MISSING, UNKNOWN, PeopleState, compare, rows
from tests.unit.test_people_rules import LIST_WORLDS, World, make


def adapter_of(w: World):
    provider = w.provider(w.list_cls)
    return provider.adapter(provider.inputs_model.model_construct(**w.group_fields))


def state(w: World, whole: bool = True) -> PeopleState:
    gid = w.group_fields["group_id"]
    return PeopleState("swoGroups" if "swo" in w.name else "symphonyGroups", "ops", "Ops", gid, "members", whole)


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_the_report_names_who_was_added_and_removed_outside_and_who_is_unknown(rsps, name):
    w = make(rsps, name)
    w.put_in(w.refs[0])
    w.put_in(w.refs[3])  # added outside Pulumi
    writes = w.writes()
    report = compare(adapter_of(w), state(w), [w.refs[0], w.refs[1], "mallory"])
    assert report.people[w.refs[0]] == IN_SYNC and report.people[w.refs[1]] == MISSING
    assert report.people["mallory"] == UNKNOWN
    assert [p for p, s in report.people.items() if s == ADDED] and report.differs
    assert w.writes() == writes  # it writes nothing
    assert {r["status"] for r in rows([report])} == {IN_SYNC, MISSING, UNKNOWN, ADDED}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_group_as_declared_does_not_differ_and_additions_leave_others_alone(rsps, name):
    w = make(rsps, name)
    for ref in w.refs[:3]:
        w.put_in(ref)
    # Any spelling of a person is that person (a SoftwareOne user by id or by address).
    assert not compare(adapter_of(w), state(w), w.refs[:3]).differs
    additions = compare(adapter_of(w), state(w, whole=False), w.refs[:1])
    assert not additions.differs and len([s for s in additions.people.values() if s == ADDED]) == 2
