"""Symphony members and assignees against a mocked pod (responses)."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from pulumi.dynamic import Config, ConfigureRequest

from providers.errors import ProviderError
from providers.symphony.members import (
    SymphonyUserGroupAssignmentProvider,
    SymphonyUserGroupMemberProvider,
    SymphonyUserGroupMembersProvider,
)
from tests.unit.helpers import POD_URL, calls, configured
from tests.unit.people_fakes import GROUPS, SYM_CONFIG, SYM_GID, Pod

GID = SYM_GID
CONFIG = SYM_CONFIG


@pytest.fixture
def pod(rsps) -> Pod:
    return Pod(rsps, ["alice.smith", "bob.jones", "carol.officer", "dave", "erin"])


def members(usernames, **extra):
    return {"group_id": GID, "usernames": usernames, "connection": "symphony", **extra}


def one(username):
    return {"group_id": GID, "username": username, "connection": "symphony"}


def writes(rsps):
    return [c for c in rsps.calls if c.request.method == "PUT"]


def test_check_refuses_blank_duplicate_and_comma_usernames_offline():
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    assert "more than once" in provider.check({}, members(["alice", "alice"])).failures[0].reason
    assert provider.check({}, members(["alice", " "])).failures[0].reason.partition(": ")[0] == "usernames[1]"
    assert "comma" in provider.check({}, members(["a,b"])).failures[0].reason
    single = configured(SymphonyUserGroupMemberProvider, CONFIG)
    assert single.check({}, one(" bob")).failures[0].reason.partition(": ")[0] == "username"


def test_an_unknown_username_fails_at_preview_naming_it(rsps, pod):
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    result = provider.check({}, members(["alice.smith", "mallory"]))
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["usernames"]
    assert "mallory is not a user of this pod, so not added to g1" in result.failures[0].reason


def test_create_adds_the_declared_and_deactivates_the_others_one_by_one(rsps, pod):
    pod.links["memberships"][pod.ids["erin"]] = True  # a member before Pulumi
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    created = provider.create(members(["alice.smith", "bob.jones"]))
    assert created.id == GID and created.outs["user_ids"] == {"1000": "alice.smith", "1001": "bob.jones"}
    assert pod.active() == {"alice.smith", "bob.jones"}
    assert sorted(urlsplit(c.request.url).path.rsplit("/", 1)[1] for c in writes(rsps)) == ["1000", "1001", "1004"]


def test_many_changes_use_one_replace_all(rsps):
    names = [f"user{i:03d}" for i in range(120)]
    pod = Pod(rsps, names)
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    provider.create(members(names[:100]))
    assert pod.active() == set(names[:100])
    puts = writes(rsps)
    assert len(puts) == 1 and urlsplit(puts[0].request.url).path.endswith("/memberships")
    assert len(calls(rsps, "GET", "/pod/v3/users")) == 1  # 100 usernames: one lookup


def test_update_changes_only_the_difference(rsps, pod):
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    olds = provider.create(members(["alice.smith", "bob.jones"])).outs
    rsps.calls.reset()
    updated = provider.update(GID, olds, members(["alice.smith", "carol.officer"]))
    assert updated.outs["user_ids"] == {"1000": "alice.smith", "1002": "carol.officer"} and pod.active() == {"alice.smith", "carol.officer"}
    assert len(rsps.calls) == 3  # one lookup of the new name, one add, one deactivation; no listing


def test_read_reports_members_added_and_removed_outside_pulumi(rsps, pod):
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    outs = provider.create(members(["alice.smith", "bob.jones"])).outs
    pod.links["memberships"][pod.ids["dave"]] = True
    pod.links["memberships"][pod.ids["bob.jones"]] = False
    read = provider.read(GID, outs)
    assert sorted(read.inputs["usernames"]) == ["alice.smith", "dave"]
    assert provider.diff(GID, read.outs, members(["alice.smith", "bob.jones"])).changes
    assert not provider.diff(GID, outs, members(["bob.jones", "alice.smith"])).changes  # order is no change


def test_refresh_pages_to_the_end_and_drops_a_vanished_group(rsps):
    names = [f"user{i:03d}" for i in range(250)]
    pod = Pod(rsps, names)
    for uid in pod.names:
        pod.links["memberships"][uid] = True
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    read = provider.read(GID, members([], resolved={}, user_ids={}))
    assert len(read.outs["user_ids"]) == 250
    assert len(calls(rsps, "GET", "/memberships")) == 3  # ceil(250 / 100) pages, never one per member
    pod.group_exists = False
    assert provider.read(GID, members([], resolved={}, user_ids=[])).id == ""


def test_delete_deactivates_exactly_the_declared_members(rsps, pod):
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    outs = provider.create(members(["alice.smith", "bob.jones"])).outs
    pod.links["memberships"][pod.ids["dave"]] = True  # added in the portal: not this resource's
    configured(SymphonyUserGroupMembersProvider, CONFIG).delete(GID, outs)
    assert pod.active() == {"dave"}


def test_additive_member_upsert_read_and_already_inactive_delete(rsps, pod):
    pod.links["memberships"][pod.ids["erin"]] = True
    provider = configured(SymphonyUserGroupMemberProvider, CONFIG)
    created = provider.create(one("alice.smith"))
    assert created.id == "g1/1000" and pod.active() == {"alice.smith", "erin"}  # the others stay
    assert provider.read("g1/1000", created.outs).id == "g1/1000"
    pod.links["memberships"][1000] = False  # deactivated in the portal
    assert provider.read("g1/1000", created.outs).id == ""
    configured(SymphonyUserGroupMemberProvider, CONFIG).delete("g1/1000", created.outs)  # already inactive: done
    pod.group_exists = False
    configured(SymphonyUserGroupMemberProvider, CONFIG).delete("g1/1000", created.outs)  # group gone: done


def test_a_dropped_upsert_is_sent_again(rsps, pod):
    pod.drop_next_put = True
    provider = configured(SymphonyUserGroupAssignmentProvider, CONFIG)
    created = provider.create(one("carol.officer"))
    assert created.id == "g1/1002" and pod.active("assignments") == {"carol.officer"}
    assert len(writes(rsps)) == 2


def test_assignment_add_and_remove(rsps, pod):
    provider = configured(SymphonyUserGroupAssignmentProvider, CONFIG)
    created = provider.create(one("carol.officer"))
    assert pod.active("assignments") == {"carol.officer"} and pod.active() == set()  # not a member
    configured(SymphonyUserGroupAssignmentProvider, CONFIG).delete(created.id, created.outs)
    assert pod.active("assignments") == set() and pod.links["assignments"][1002] is False


def test_an_unknown_user_at_write_time_names_user_and_group(rsps, pod):
    provider = configured(SymphonyUserGroupMemberProvider, CONFIG)
    with pytest.raises(ProviderError, match="mallory is not a user of this pod, so not added to g1"):
        provider.create(one("mallory"))
    assert writes(rsps) == []


def test_a_list_and_an_additive_member_on_one_group_in_one_run_fail(rsps, pod):
    configured(SymphonyUserGroupMembersProvider, CONFIG).create(members(["alice.smith"]))
    additive = SymphonyUserGroupMemberProvider()
    additive.configure(ConfigureRequest(Config(CONFIG, "usergroups")))
    with pytest.raises(ProviderError, match="has both a whole member list"):
        additive.create(one("bob.jones"))
    assert pod.active() == {"alice.smith"}


def test_ids_stored_as_floats_by_the_engine_are_read_back_as_ids(rsps, pod):
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    olds = provider.create(members(["alice.smith", "bob.jones"])).outs
    as_stored = {**olds, "user_ids": [float(u) for u in olds["user_ids"]],  # as 0.2.0 stored them
                 "resolved": {k: float(v) for k, v in olds["resolved"].items()}}
    rsps.calls.reset()
    provider.update(GID, as_stored, members(["alice.smith"]))
    assert pod.active() == {"alice.smith"} and len(writes(rsps)) == 1
    configured(SymphonyUserGroupMembersProvider, CONFIG).delete(GID, {**as_stored, "resolved": {"alice.smith": 1000.0}})
    assert pod.active() == set()


def test_taking_over_an_active_member_or_assignee_writes_nothing(rsps, pod):
    pod.links["memberships"][1000] = True
    pod.links["assignments"][1002] = True
    assert configured(SymphonyUserGroupMemberProvider, CONFIG).create(one("alice.smith")).id == "g1/1000"
    assert configured(SymphonyUserGroupAssignmentProvider, CONFIG).create(one("carol.officer")).id == "g1/1002"
    assert writes(rsps) == []


def test_an_unknown_username_fails_at_preview_even_for_a_group_still_to_be_created(rsps, pod):
    from pulumi.output import Unknown
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    result = provider.check({}, {"group_id": Unknown(), "usernames": ["alice.smith", "mallory"]})
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["usernames"]
    assert "mallory is not a user of this pod, so not added to the new group" in result.failures[0].reason
    assert provider.check({}, {"group_id": Unknown(), "usernames": ["alice.smith"]}).failures == []


def test_a_pod_that_cannot_be_asked_at_preview_leaves_the_check_to_the_write(rsps, capsys):
    rsps.add("GET", re.compile(re.escape(f"{POD_URL}/pod/v3/users") + r"\?.*"), status=503,
             json={"code": 503, "message": "down"})
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    assert provider.check({}, members(["alice.smith"])).failures == []
    assert "could not check the usernames of g1 at preview" in capsys.readouterr().err


# -- the replace-all write carries the pod's own usernames, and is not used where it cannot ------
def crowd(rsps, n: int = 60) -> Pod:
    return Pod(rsps, [f"user{i:03}" for i in range(n)] + ["ghost"])


def test_many_members_declared_by_address_or_another_case_are_written_in_one_replace_by_username(rsps):
    pod = crowd(rsps)
    declared = [f"user{i:03}@pod.example" for i in range(30)] + [f"USER{i:03}" for i in range(30, 60)]
    configured(SymphonyUserGroupMembersProvider, CONFIG).create(members(declared))
    (bulk,) = [c for c in calls(rsps, "PUT") if c.request.url.endswith("/memberships")]
    assert {item["username"] for item in json.loads(bulk.request.body)} == {f"user{i:03}" for i in range(60)}
    assert pod.active() == {f"user{i:03}" for i in range(60)}


def test_a_list_deleted_beside_a_member_the_pod_cannot_expand_deactivates_by_id_and_keeps_that_member(rsps):
    pod = crowd(rsps)
    provider = configured(SymphonyUserGroupMembersProvider, CONFIG)
    created = provider.create(members([f"user{i:03}" for i in range(60)]))
    pod.links["memberships"][pod.ids["ghost"]] = True  # added outside Pulumi, then its user broke
    pod.unexpandable.add(pod.ids["ghost"])
    configured(SymphonyUserGroupMembersProvider, CONFIG).delete(GID, created.outs)  # a later engine command
    assert pod.active() == {"ghost"}  # the resource's 60 are out; the member it never managed stays
