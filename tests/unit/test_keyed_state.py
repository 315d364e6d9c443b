"""A whole list of people is stored as a map keyed by each declared name (``providers.keyed``), so that the
engine's plan and refresh name each person; states written before 0.3.0 (lists) are read everywhere."""

from __future__ import annotations

import pytest

from providers.errors import ProviderError
from providers.keyed import keyed, listed
from providers.swo.members import SwoUserGroupMembersProvider
from providers.symphony.members import SymphonyUserGroupMembersProvider
from tests.unit.helpers import configured
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, SYM_CONFIG, SYM_GID, Pod, Tenant


@pytest.fixture
def pod(rsps) -> Pod:
    return Pod(rsps, ["alice.smith", "bob.jones", "carol.officer", "dave", *(f"user{i:02d}" for i in range(20))])


def sym(usernames, **extra):
    return {"group_id": SYM_GID, "usernames": usernames, "connection": "symphony", **extra}


def provider() -> SymphonyUserGroupMembersProvider:
    return configured(SymphonyUserGroupMembersProvider, SYM_CONFIG)


def test_the_shapes_convert_both_ways_and_leave_anything_else_alone():
    assert keyed(["b", "a"]) == {"b": True, "a": True} and listed({"b": True, "a": True}) == ["a", "b"]
    assert keyed(None) is None and keyed({"a": True}) == {"a": True} and listed(["a"]) == ["a"]
    assert listed({"a": "b"}) == {"a": "b"}  # not ours: validation refuses it


def test_check_stores_the_list_as_a_map_keyed_by_each_declared_name(rsps, pod):
    result = provider().check({}, sym(["bob.jones", "alice.smith"]))
    assert result.failures == []
    assert result.inputs["usernames"] == {"alice.smith": True, "bob.jones": True}


def test_a_map_that_is_not_one_of_ours_is_refused_naming_the_field(rsps, pod):
    failures = provider().check({}, sym({"alice.smith": "yes"})).failures
    assert failures and failures[0].reason.startswith("usernames")


def test_create_and_update_take_the_stored_map_and_store_maps(rsps, pod):
    p = provider()
    checked = p.check({}, sym(["alice.smith", "bob.jones"])).inputs
    created = p.create(checked).outs
    assert created["usernames"] == {"alice.smith": True, "bob.jones": True}
    assert created["user_ids"] == {"1000": "alice.smith", "1001": "bob.jones"}
    assert pod.active() == {"alice.smith", "bob.jones"}
    news = p.check(checked, sym(["alice.smith", "carol.officer"])).inputs
    assert p.diff(SYM_GID, created, news).changes
    updated = p.update(SYM_GID, created, news).outs
    assert updated["usernames"] == {"alice.smith": True, "carol.officer": True}
    assert pod.active() == {"alice.smith", "carol.officer"}
    provider().delete(SYM_GID, updated)  # destroy is a command of its own
    assert pod.active() == set()


def test_a_state_written_before_0_3_0_reads_as_no_change_and_refresh_keeps_its_shape(rsps, pod):
    p = provider()
    old = p.create(sym(["alice.smith", "bob.jones"])).outs
    as_0_2_0 = {**old, "usernames": ["alice.smith", "bob.jones"], "user_ids": [1000.0, 1001.0]}
    news = p.check(as_0_2_0, sym(["bob.jones", "alice.smith"])).inputs
    assert not p.diff(SYM_GID, as_0_2_0, news).changes  # the new shape alone is no change
    read = p.read(SYM_GID, as_0_2_0)
    # What a refresh reports as changed is the outputs: the old shape stays, so an upgrade shows nothing.
    assert read.outs["usernames"] == ["alice.smith", "bob.jones"] and read.outs["user_ids"] == [1000, 1001]
    assert read.inputs["usernames"] == {"alice.smith": True, "bob.jones": True}  # as the next check stores them
    rsps.calls.reset()
    p.update(SYM_GID, as_0_2_0, p.check(as_0_2_0, sym(["alice.smith"])).inputs)
    assert pod.active() == {"alice.smith"} and len([c for c in rsps.calls if c.request.method == "PUT"]) == 1


def test_refresh_names_who_joined_outside_pulumi_by_key(rsps, pod):
    p = provider()
    outs = p.create(sym(["alice.smith", "bob.jones"])).outs
    pod.links["memberships"][pod.ids["dave"]] = True
    read = p.read(SYM_GID, outs)
    assert read.outs["usernames"] == {"alice.smith": True, "bob.jones": True, "dave": True}
    assert read.outs["user_ids"] == {"1000": "alice.smith", "1001": "bob.jones", "1003": "dave"}


def test_the_mass_removal_guard_counts_the_names_of_a_stored_map(rsps, pod):
    p = provider()
    names = [f"user{i:02d}" for i in range(20)]
    outs = p.create(sym(names)).outs
    with pytest.raises(ProviderError, match=r"11 members would lose access \(user00, user01, user02 and 8 more\)"):
        p.diff(SYM_GID, outs, p.check(outs, sym(names[11:])).inputs)


def test_softwareone_users_are_stored_the_same_way(rsps):
    emails = {f"USR-1234-000{i}": f"user{i}@contoso.com" for i in range(1, 4)}
    tenant = Tenant(rsps, emails, {u: {"UGR-0000-0001"} for u in emails})
    p = configured(SwoUserGroupMembersProvider, SWO_CONFIG)
    props = {"account_id": ACC, "group_id": GID, "users": ["user2@contoso.com", "USR-1234-0001"], "connection": "swo"}
    checked = p.check({}, props).inputs
    assert checked["users"] == {"USR-1234-0001": True, "user2@contoso.com": True}
    created = p.create(checked).outs
    assert created["users"] == checked["users"]
    assert created["user_ids"] == {"USR-1234-0001": "USR-1234-0001", "USR-1234-0002": "user2@contoso.com"}
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0001", "USR-1234-0002"}


def test_a_planned_change_is_summed_up_in_one_line_naming_who_joins_and_leaves(rsps, pod, capsys):
    p = provider()
    outs = p.create(sym(["alice.smith", "bob.jones"])).outs
    capsys.readouterr()
    assert p.diff(SYM_GID, outs, p.check(outs, sym(["alice.smith", "carol.officer", "dave"])).inputs).changes
    said = capsys.readouterr().err
    assert f"plan for Symphony group members of {SYM_GID}: +2 -1 (joining: carol.officer, dave; leaving: bob.jones)" in said
    assert not p.diff(SYM_GID, outs, p.check(outs, sym(["bob.jones", "alice.smith"])).inputs).changes
    assert "plan for" not in capsys.readouterr().err  # no change, no line


def test_plan_lines_and_the_removal_guard_name_the_list_by_its_title_first(rsps, pod, capsys):
    p = provider()
    outs = p.create(p.check({}, sym(["alice.smith", "bob.jones"], title="emea-desk")).inputs).outs
    assert outs["title"] == "emea-desk"
    capsys.readouterr()
    news = p.check(outs, sym(["alice.smith", "carol.officer"], title="emea-desk")).inputs
    result = p.diff(SYM_GID, outs, news)
    assert result.changes and not result.replaces
    assert (f"plan for emea-desk (Symphony group members of {SYM_GID}): +1 -1 (joining: carol.officer; "
            "leaving: bob.jones)") in capsys.readouterr().err
    # A new title alone is no change of the group, and sends nothing.
    assert not p.diff(SYM_GID, outs, p.check(outs, sym(["alice.smith", "bob.jones"], title="other")).inputs).changes
    with pytest.raises(ProviderError, match=r"^emea-desk \(Symphony group members of [^)]+\): the update empties"):
        p.diff(SYM_GID, outs, p.check(outs, sym([], title="emea-desk")).inputs)
