"""The people engine's rules, proven for every adapter: Symphony members, Symphony assignees, SoftwareOne users.

Each ``World`` is one adapter's provider classes against a strict fake of its API
(``tests.unit.people_fakes``); every rule below runs for each world that has the form it is
about (a whole list exists for members and users; the additive form for all three).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import time

import pytest
import responses
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.output import Unknown

from providers import cache, pending
from providers.errors import ProviderError
from providers.swo.members import SwoUserGroupMemberProvider, SwoUserGroupMembersProvider
from providers.symphony.members import (
    SymphonyUserGroupAssignmentProvider,
    SymphonyUserGroupMemberProvider,
    SymphonyUserGroupMembersProvider,
)
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, SYM_CONFIG, SYM_GID, Pod, Tenant

PEOPLE = 5  # p0..p4 exist in every world; "mallory" exists in none


@dataclass
class World:
    """One adapter's providers, its fake API, and how a test sees and changes who is in the group."""

    name: str
    one_cls: type
    list_cls: type | None
    config: dict[str, str]
    group_fields: dict[str, str]
    list_field: str
    one_field: str
    refs: list[str]  # how the declarations name p0..p4
    members: Callable[[], set[str]]  # who is in the group now, as refs
    put_in: Callable[[str], None]  # someone added outside Pulumi
    take_out: Callable[[str], None]  # someone removed outside Pulumi
    drop_next_write: Callable[[], None]  # the next write is done but its answer is lost
    rsps: Any = field(repr=False, default=None)

    def provider(self, cls: type) -> Any:
        """A provider as the engine makes one in the same process (the run's claims are shared)."""
        p = cls()
        p.configure(ConfigureRequest(Config(self.config, "usergroups")))
        return p

    def list_props(self, refs: list[str]) -> dict[str, Any]:
        return {**self.group_fields, self.list_field: refs}

    def one_props(self, ref: str) -> dict[str, Any]:
        return {**self.group_fields, self.one_field: ref}

    def writes(self) -> int:
        return sum(1 for c in self.rsps.calls if c.request.method in ("POST", "PUT", "DELETE"))


def symphony_world(rsps: responses.RequestsMock, kind: str) -> World:
    refs = [f"p{i}.user" for i in range(PEOPLE)]
    pod = Pod(rsps, refs)
    links = pod.links[kind]

    def drop() -> None:
        pod.drop_next_put = True

    members_cls = SymphonyUserGroupMembersProvider if kind == "memberships" else None
    one_cls = SymphonyUserGroupMemberProvider if kind == "memberships" else SymphonyUserGroupAssignmentProvider
    return World(f"symphony-{kind}", one_cls, members_cls, SYM_CONFIG,
                 {"group_id": SYM_GID, "connection": "symphony"}, "usernames", "username", refs,
                 members=lambda: pod.active(kind), put_in=lambda r: links.__setitem__(pod.ids[r], True),
                 take_out=lambda r: links.__setitem__(pod.ids[r], False), drop_next_write=drop, rsps=rsps)


def swo_world(rsps: responses.RequestsMock) -> World:
    ids = [f"USR-1234-000{i}" for i in range(1, PEOPLE + 1)]
    emails = {uid: f"user{i}@contoso.com" for i, uid in enumerate(ids, 1)}
    tenant = Tenant(rsps, emails, {u: {"UGR-0000-0001"} for u in ids})
    refs = [ids[0], emails[ids[1]], ids[2], emails[ids[3]], ids[4]]  # named by id and by address
    uid = dict(zip(refs, ids))

    def drop() -> None:
        tenant.drop_next_post = True

    return World("swo-users", SwoUserGroupMemberProvider, SwoUserGroupMembersProvider, SWO_CONFIG,
                 {"account_id": ACC, "group_id": GID, "connection": "swo"}, "users", "user", refs,
                 members=lambda: {r for r in refs if GID in tenant.groups[uid[r]]},
                 put_in=lambda r: tenant.groups[uid[r]].add(GID),
                 take_out=lambda r: tenant.groups[uid[r]].discard(GID), drop_next_write=drop, rsps=rsps)


WORLDS = {"symphony-members": lambda r: symphony_world(r, "memberships"),
          "symphony-assignees": lambda r: symphony_world(r, "assignments"),
          "swo-users": swo_world}
LIST_WORLDS = ["symphony-members", "swo-users"]


def make(rsps: responses.RequestsMock, name: str) -> World:
    cache.clear()  # a new run: a new provider process
    return WORLDS[name](rsps)


def new_run() -> None:
    """The engine starts a fresh provider process for every command: nothing of the last run is kept."""
    cache.clear()


# -- a whole list --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_makes_exactly_the_declared_people_members(rsps, name):
    w = make(rsps, name)
    w.put_in(w.refs[4])  # in the group before Pulumi
    created = w.provider(w.list_cls).create(w.list_props(w.refs[:2]))
    assert w.members() == set(w.refs[:2])
    assert set(created.outs["resolved"]) == set(w.refs[:2]) and len(created.outs["user_ids"]) == 2


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_list_order_and_spelling_order_never_make_a_diff(rsps, name):
    w = make(rsps, name)
    diff = w.provider(w.list_cls).diff(GID, w.list_props(w.refs[:3]), w.list_props(list(reversed(w.refs[:3]))))
    assert not diff.changes


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_an_update_writes_only_the_difference(rsps, name):
    w = make(rsps, name)
    outs = w.provider(w.list_cls).create(w.list_props(w.refs[:2])).outs
    new_run()
    rsps.calls.reset()
    w.provider(w.list_cls).update(outs["id"], outs, w.list_props([w.refs[1], w.refs[2]]))
    assert w.members() == {w.refs[1], w.refs[2]}
    assert w.writes() == 2  # one in, one out; nobody else touched


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_delete_removes_exactly_the_declared_people(rsps, name):
    w = make(rsps, name)
    outs = w.provider(w.list_cls).create(w.list_props(w.refs[:2])).outs
    w.put_in(w.refs[3])  # added outside Pulumi after the create
    new_run()
    w.provider(w.list_cls).delete(outs["id"], outs)
    assert w.members() == {w.refs[3]}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_delete_spares_people_an_additive_resource_took_over_in_the_run(rsps, name):
    w = make(rsps, name)
    outs = w.provider(w.list_cls).create(w.list_props(w.refs[:2])).outs
    new_run()
    # The list became additions for p0: the engine creates the new resource, then deletes the old list.
    w.provider(w.one_cls).create(w.one_props(w.refs[0]))
    w.provider(w.list_cls).delete(outs["id"], outs)
    assert w.members() == {w.refs[0]}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_an_additive_delete_spares_a_person_the_list_took_over_in_the_run(rsps, name):
    w = make(rsps, name)
    one = w.provider(w.one_cls).create(w.one_props(w.refs[0]))
    new_run()
    # The additions became a list holding p0: the engine creates the list, then deletes the old additive one.
    w.provider(w.list_cls).create(w.list_props(w.refs[:2]))
    w.provider(w.one_cls).delete(one.id, one.outs)
    assert w.members() == set(w.refs[:2])


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_and_additive_people_on_one_group_in_one_run_fail_before_writing(rsps, name):
    w = make(rsps, name)
    w.provider(w.list_cls).create(w.list_props(w.refs[:1]))
    rsps.calls.reset()
    with pytest.raises(ProviderError, match="has both a whole .* list"):
        w.provider(w.one_cls).create(w.one_props(w.refs[2]))
    assert w.writes() == 0 and w.members() == {w.refs[0]}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_list_write_whose_answer_was_lost_is_sent_again_and_counts_as_done(rsps, name):
    w = make(rsps, name)
    w.drop_next_write()
    w.provider(w.list_cls).create(w.list_props(w.refs[:1]))
    assert w.members() == {w.refs[0]}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_refresh_shows_outside_changes_in_the_declared_spelling(rsps, name):
    w = make(rsps, name)
    outs = w.provider(w.list_cls).create(w.list_props(w.refs[:2])).outs
    w.take_out(w.refs[1])
    w.put_in(w.refs[3])
    new_run()
    read = w.provider(w.list_cls).read(outs["id"], outs)
    shown = set(read.inputs[w.list_field])
    assert w.refs[0] in shown and w.refs[1] not in shown and len(shown) == 2
    assert set(read.outs["resolved"]) == {w.refs[0]}


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_an_unknown_person_in_a_list_fails_at_preview_naming_them(rsps, name):
    w = make(rsps, name)
    result = w.provider(w.list_cls).check({}, w.list_props([w.refs[0], "mallory@contoso.com" if "swo" in name
                                                            else "mallory"]))
    assert [f.reason.partition(": ")[0] for f in result.failures] == [w.list_field]
    assert "mallory" in result.failures[0].reason and "not a user" in result.failures[0].reason


# -- one person (additive) -------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(WORLDS))
def test_an_additive_person_is_added_and_the_others_left_alone(rsps, name):
    w = make(rsps, name)
    w.put_in(w.refs[4])
    created = w.provider(w.one_cls).create(w.one_props(w.refs[0]))
    assert w.members() == {w.refs[0], w.refs[4]}
    assert created.id.startswith(w.group_fields["group_id"] + "/")


@pytest.mark.parametrize("name", list(WORLDS))
def test_an_additive_person_already_in_place_is_taken_over_without_a_write(rsps, name):
    w = make(rsps, name)
    w.put_in(w.refs[1])
    w.provider(w.one_cls).create(w.one_props(w.refs[1]))
    assert w.writes() == 0 and w.members() == {w.refs[1]}


@pytest.mark.parametrize("name", list(WORLDS))
def test_an_additive_write_whose_answer_was_lost_is_sent_again_and_counts_as_done(rsps, name):
    w = make(rsps, name)
    w.drop_next_write()
    w.provider(w.one_cls).create(w.one_props(w.refs[2]))
    assert w.members() == {w.refs[2]}


@pytest.mark.parametrize("name", list(WORLDS))
def test_an_additive_delete_removes_exactly_that_person(rsps, name):
    w = make(rsps, name)
    one = w.provider(w.one_cls).create(w.one_props(w.refs[0]))
    w.put_in(w.refs[3])
    new_run()
    w.provider(w.one_cls).delete(one.id, one.outs)
    assert w.members() == {w.refs[3]}
    new_run()
    w.provider(w.one_cls).delete(one.id, one.outs)  # already gone: success, nothing else touched
    assert w.members() == {w.refs[3]}


@pytest.mark.parametrize("name", list(WORLDS))
def test_a_refresh_drops_an_additive_person_removed_outside_pulumi(rsps, name):
    w = make(rsps, name)
    one = w.provider(w.one_cls).create(w.one_props(w.refs[0]))
    new_run()
    assert w.provider(w.one_cls).read(one.id, one.outs).id == one.id
    w.take_out(w.refs[0])
    new_run()
    assert w.provider(w.one_cls).read(one.id, one.outs).id == ""


@pytest.mark.parametrize("name", list(WORLDS))
def test_an_unknown_additive_person_fails_at_preview_even_for_a_group_still_to_be_created(rsps, name):
    w = make(rsps, name)
    nobody = "mallory@contoso.com" if "swo" in name else "mallory"
    result = w.provider(w.one_cls).check({}, {**w.one_props(nobody), "group_id": Unknown()})
    assert [f.reason.partition(": ")[0] for f in result.failures] == [w.one_field]
    assert "not added to the new group" in result.failures[0].reason
    assert w.writes() == 0


# -- nobody loses access by surprise -------------------------------------------------------------
def many(w: World, n: int) -> list[str]:
    return [f"extra{i:02d}" for i in range(n)]


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_an_update_removing_more_than_the_limit_fails_at_preview_naming_them(rsps, name):
    w = make(rsps, name)
    provider = w.provider(w.list_cls)
    before = {**w.list_props([*w.refs, *many(w, 8)]), "user_ids": []}  # 13 people
    kept = w.list_props(w.refs[:2])  # 11 removed: over the default of 10
    with pytest.raises(ProviderError, match=r"removes more than max_removals allows \(10\): 11 \w+s would lose "
                                            r"access \((p2.user|USR-1234-0003), .* and 8 more\); if intended, set max_removals "
                                            r"to 11 or more"):
        provider.diff(GID, before, kept)
    assert provider.diff(GID, before, {**kept, "max_removals": 11.0}).changes  # allowed, as the engine sends it
    assert provider.diff(GID, before, w.list_props([*w.refs, *many(w, 3)])).changes  # 5 removed: under the limit
    assert not rsps.calls  # diff asks nothing


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_emptying_a_list_fails_at_preview_unless_max_removals_allows_it(rsps, name):
    w = make(rsps, name)
    provider = w.provider(w.list_cls)
    before = w.list_props(w.refs[:2])
    with pytest.raises(ProviderError, match=r"empties the list: 2 \w+s would lose access"):
        provider.diff(GID, before, w.list_props([]))
    assert provider.diff(GID, before, {**w.list_props([]), "max_removals": 2}).changes


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_a_respelling_is_no_removal(rsps, name):
    w = make(rsps, name)
    provider = w.provider(w.list_cls)
    people = [*w.refs, *many(w, 10)]
    provider.diff(GID, w.list_props(people), w.list_props([p.upper() if "@" in p else p for p in people]))


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_someone_removed_as_drift_who_comes_back_is_named_when_the_list_would_remove_them_again(rsps, name, capsys):
    # Another stack adds p3 additively: the list removes them, the other re-adds them, every run.
    w = make(rsps, name)
    props = w.list_props(w.refs[:2])
    outs = {**props, **w.provider(w.list_cls).create(props).outs}
    w.put_in(w.refs[3])
    for _ in range(2):
        new_run()
        refreshed = {**outs, **w.provider(w.list_cls).read(outs["id"], outs).outs}
        new_run()
        provider = w.provider(w.list_cls)
        assert provider.diff(GID, refreshed, props).changes
        outs = {**props, **provider.update(GID, refreshed, props).outs}
        assert w.members() == set(w.refs[:2])
        w.put_in(w.refs[3])  # the other owner adds them back
    warnings = capsys.readouterr().err
    # Only the second removal is a return: the first was an ordinary drift correction.
    shown = "USR-1234-0004" if name == "swo-users" else w.refs[3]  # undeclared: as the API shows them
    assert warnings.count("came back to") == 1 and f"warning: {shown} came back to" in warnings
    assert "declare them in this list, or stop the other from adding them" in warnings
    new_run()
    declared = w.list_props([*w.refs[:2], w.refs[3]])  # declaring them ends it
    refreshed = {**outs, **w.provider(w.list_cls).read(outs["id"], outs).outs}
    new_run()
    w.provider(w.list_cls).diff(GID, refreshed, declared)
    assert "came back" not in capsys.readouterr().err


@pytest.mark.parametrize("name", LIST_WORLDS)
def test_someone_a_new_list_took_out_who_comes_back_is_named(rsps, name, capsys):
    # Another stack's additive person was in the group when this list was made: the create takes them out.
    w = make(rsps, name)
    w.put_in(w.refs[3])
    props = w.list_props(w.refs[:2])
    outs = {**props, **w.provider(w.list_cls).create(props).outs}
    assert w.members() == set(w.refs[:2]) and len(outs["evicted"]) == 1
    w.put_in(w.refs[3])  # the other owner adds them back
    new_run()
    refreshed = {**outs, **w.provider(w.list_cls).read(outs["id"], outs).outs}
    new_run()
    w.provider(w.list_cls).diff(GID, refreshed, props)
    assert "came back to" in capsys.readouterr().err


# -- a write that did not finish -----------------------------------------------------------------
def test_a_delete_that_failed_part_way_is_planned_from_the_live_people_next_run(rsps):
    from tests.unit.people_fakes import Tenant
    cache.clear()
    emails = {f"USR-1234-000{i}": f"user{i}@contoso.com" for i in (1, 2)}
    # USR-1234-0002 has this group only: the platform refuses to take it out ("at least one group").
    tenant = Tenant(rsps, emails, {"USR-1234-0001": {"UGR-0000-0001", GID}, "USR-1234-0002": {GID}})
    w = World("swo", SwoUserGroupMemberProvider, SwoUserGroupMembersProvider, SWO_CONFIG,
              {"account_id": ACC, "group_id": GID, "connection": "swo"}, "users", "user", list(emails),
              members=lambda: {u for u, gs in tenant.groups.items() if GID in gs}, put_in=lambda r: None,
              take_out=lambda r: None, drop_next_write=lambda: None, rsps=rsps)
    props = w.list_props(list(emails))
    outs = {**props, **w.provider(w.list_cls).create(props).outs}
    new_run()
    with pytest.raises(ProviderError, match="at least one user group.*this is their last group.*declare them in "
                                            "another group of this stack"):
        w.provider(w.list_cls).delete(GID, outs)  # USR-1234-0001 is out, USR-1234-0002 stays: the state says both
    assert w.members() == {"USR-1234-0002"}
    new_run()  # the entry is put back: the state alone would say "no changes"
    provider = w.provider(w.list_cls)
    assert provider.diff(GID, outs, props).changes
    outs = {**props, **provider.update(GID, outs, props).outs}
    assert w.members() == set(emails)
    # The refusal was an answer (400), so no late write can follow it: one live plan settles the group.
    new_run()
    assert not w.provider(w.list_cls).diff(GID, outs, props).changes


def test_the_journal_settles_once_no_late_write_can_land(rsps):
    w = make(rsps, "symphony-members")
    config = {**w.config, "symphony:pendingWindow": "0"}
    w.config = config
    outs = w.provider(w.list_cls).create(w.list_props(w.refs[:2])).outs
    provider = w.provider(w.list_cls)
    pending.record(("people", type(provider).__name__, "symphony"), SYM_GID, time.time() - 60)  # a failed run
    new_run()
    assert w.provider(w.list_cls).diff(SYM_GID, outs, w.list_props(w.refs[:2])).changes
    w.take_out(w.refs[0])  # what that run's late write did
    w.provider(w.list_cls).update(SYM_GID, outs, w.list_props(w.refs[:2]))
    assert w.members() == set(w.refs[:2])  # planned from the live people: put back
    new_run()
    assert not w.provider(w.list_cls).diff(SYM_GID, outs, w.list_props(w.refs[:2])).changes  # settled


def test_a_process_killed_mid_write_leaves_the_group_journaled(rsps):
    from providers.people.journal import WriteJournal
    journal, scope = WriteJournal(("people", "Kill", "symphony"), window=60), ("people", "Kill", "symphony")
    with journal.writing(SYM_GID):
        # What a killed process leaves on disk: the group, recorded before its first write.
        assert journal.unsettled(SYM_GID) and pending.attempted(scope, SYM_GID) is not None
    assert not journal.unsettled(SYM_GID)  # all written: nothing to plan live
    pending.record(scope, SYM_GID, time.time() - 5)  # an earlier run's unanswered write
    with journal.writing(SYM_GID):
        pass
    assert journal.unsettled(SYM_GID)  # that run's late write may still land: kept for its window


def test_a_user_moved_between_two_groups_is_added_before_being_removed_whatever_the_order(rsps):
    import threading
    from tests.unit.people_fakes import Tenant
    cache.clear()
    other = "UGR-3333-4444"
    # Jane's only group is GID; the run moves her to the other group, and the engine starts the removal first.
    tenant = Tenant(rsps, {"USR-1234-0001": "jane@contoso.com", "USR-1234-0002": "joe@contoso.com"},
                    {"USR-1234-0001": {GID}, "USR-1234-0002": {GID, "UGR-0000-0001"}})
    def props(group, users):
        return {"account_id": ACC, "group_id": group, "users": users, "connection": "swo"}
    old = {**props(GID, ["USR-1234-0001", "USR-1234-0002"]), "user_ids": ["USR-1234-0001", "USR-1234-0002"],
           "resolved": {"USR-1234-0001": "USR-1234-0001", "USR-1234-0002": "USR-1234-0002"}, "id": GID}
    leaving, joining = (SwoUserGroupMembersProvider(), SwoUserGroupMembersProvider())
    for p in (leaving, joining):
        p.configure(ConfigureRequest(Config(SWO_CONFIG, "usergroups")))
    assert not joining.check({}, props(other, ["jane@contoso.com"])).failures  # announces jane's arrival
    errors: list[Exception] = []
    def remove_first() -> None:
        try:
            leaving.update(GID, old, props(GID, ["USR-1234-0002"]))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    first = threading.Thread(target=remove_first)
    first.start()
    time.sleep(0.1)  # the removal is refused ("at least one group") and waits
    joining.create(props(other, ["jane@contoso.com"]))
    first.join(10)
    assert not errors, errors
    assert tenant.groups["USR-1234-0001"] == {other}


def test_a_removal_refused_for_the_last_group_with_no_move_in_the_run_still_fails_naming_the_user(rsps):
    from tests.unit.people_fakes import Tenant
    cache.clear()
    Tenant(rsps, {"USR-1234-0001": "jane@contoso.com"}, {"USR-1234-0001": {GID}})
    provider = SwoUserGroupMembersProvider()
    provider.configure(ConfigureRequest(Config(SWO_CONFIG, "usergroups")))
    old = {"account_id": ACC, "group_id": GID, "users": ["USR-1234-0001"], "connection": "swo", "id": GID,
           "user_ids": ["USR-1234-0001"], "resolved": {"USR-1234-0001": "USR-1234-0001"}}
    with pytest.raises(ProviderError, match="removing user USR-1234-0001 from group UGR-1111-2222: .*at least one"):
        provider.update(GID, old, {**old, "users": [], "max_removals": 1})
