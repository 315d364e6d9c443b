"""SwoUserGroupMembers and SwoUserGroupMember against a mocked SoftwareOne API (responses)."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

import pytest
import requests
import responses
from pulumi.dynamic import Config, ConfigureRequest

from providers.errors import ProviderError
from providers.swo.members import SwoUserGroupMemberProvider, SwoUserGroupMembersProvider
from tests.unit.helpers import SWO_URL, calls, configured
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, TRACE, USERS, Tenant

CONFIG = SWO_CONFIG


@pytest.fixture
def tenant(rsps) -> Tenant:
    emails = {f"USR-1234-000{i}": f"user{i}@contoso.com" for i in range(1, 6)}
    return Tenant(rsps, emails, {u: {"UGR-0000-0001"} for u in emails})


def members(users, **extra):
    return {"account_id": ACC, "group_id": GID, "users": users, "connection": "swo", **extra}


def test_check_refuses_duplicates_bad_ids_and_bad_addresses_offline():
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    bad = provider.check({}, members(["USR-1234-0001", "usr-1234-0001x"])).failures
    assert bad[0].reason.partition(": ")[0] == "users[1]" and "neither a user id" in bad[0].reason
    twice = provider.check({}, members(["Jane@contoso.com", "jane@CONTOSO.com"])).failures
    assert twice[0].reason.partition(": ")[0] == "users" and "'Jane@contoso.com' and 'jane@CONTOSO.com'" in twice[0].reason
    assert provider.check({}, members(["jane@"])).failures[0].reason.partition(": ")[0].startswith("users")


def test_check_names_an_unknown_user_at_preview_in_one_batched_lookup(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    result = provider.check({}, members(["USR-1234-0001", "user2@contoso.com", "nobody@contoso.com"]))
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["users"]
    assert "nobody@contoso.com is not a user of account ACC-1234-5678" in result.failures[0].reason
    assert len(calls(rsps, "GET", "/users?")) == 2  # one for ids, one for addresses


def test_create_adds_the_declared_users_and_removes_the_others(rsps, tenant):
    tenant.groups["USR-1234-0005"].add(GID)  # someone in the group before Pulumi
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    created = provider.create(members(["USR-1234-0001", "user2@contoso.com"]))
    assert created.id == GID
    assert list(created.outs["user_ids"]) == ["USR-1234-0001", "USR-1234-0002"]
    assert created.outs["resolved"] == {"USR-1234-0001": "USR-1234-0001", "user2@contoso.com": "USR-1234-0002"}
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0001", "USR-1234-0002"}
    assert not calls(rsps, "PUT")  # never the replace-all of a user's groups


def test_update_writes_only_the_difference(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    olds = provider.create(members(["USR-1234-0001", "USR-1234-0002"])).outs
    rsps.calls.reset()
    updated = provider.update(GID, olds, members(["USR-1234-0001", "USR-1234-0003"]))
    assert list(updated.outs["user_ids"]) == ["USR-1234-0001", "USR-1234-0003"]
    writes = [c for c in rsps.calls if c.request.method in ("POST", "DELETE")]
    assert [(c.request.method, c.request.url.split("/users/")[1]) for c in writes] == [
        ("POST", "USR-1234-0003/groups"), ("DELETE", f"USR-1234-0002/groups/{GID}")]
    assert len(rsps.calls) == 3  # one id lookup, one add, one remove: the group is not listed


def test_read_reports_users_added_and_removed_outside_pulumi_in_the_declared_spelling(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    outs = provider.create(members(["user1@contoso.com", "USR-1234-0002"])).outs
    tenant.groups["USR-1234-0004"].add(GID)
    tenant.groups["USR-1234-0002"].discard(GID)
    read = provider.read(GID, outs)
    assert sorted(read.inputs["users"]) == ["USR-1234-0004", "user1@contoso.com"]
    assert provider.diff(GID, read.outs, members(["user1@contoso.com", "USR-1234-0002"])).changes


def test_read_drops_the_list_when_the_group_is_gone(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    rsps.replace(responses.GET, re.compile(re.escape(f"{SWO_URL}/public/v1/accounts/user-groups/{GID}") + r"\?.*"),
                 status=404, json={"title": "Not Found", "status": 404})
    assert provider.read(GID, members(["USR-1234-0001"], resolved={}, user_ids=[])).id == ""


def test_list_order_never_makes_a_diff():
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    assert not provider.diff(GID, members(["USR-1234-0001", "USR-1234-0002"]),
                             members(["USR-1234-0002", "USR-1234-0001"])).changes


def test_delete_removes_exactly_the_declared_users(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    outs = provider.create(members(["USR-1234-0001", "USR-1234-0002"])).outs
    tenant.groups["USR-1234-0003"].add(GID)  # added in the portal: not this resource's to remove
    provider = configured(SwoUserGroupMembersProvider, CONFIG)  # a later run (`pulumi destroy`)
    provider.delete(GID, outs)
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0003"}


def test_removing_a_users_last_group_names_user_group_message_and_trace_id(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    tenant.groups["USR-1234-0001"] = {GID}  # the user's only group
    outs = members(["USR-1234-0001"], user_ids=["USR-1234-0001"], resolved={"USR-1234-0001": "USR-1234-0001"})
    with pytest.raises(ProviderError) as err:
        provider.update(GID, outs, members([]))
    text = str(err.value)
    assert "removing user USR-1234-0001 from group UGR-1111-2222" in text
    assert "at least one user group" in text and TRACE in text and "\n" not in text


def test_an_unknown_id_fails_at_create_naming_it_before_any_write(rsps, tenant):
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    with pytest.raises(ProviderError, match="USR-9999-0001 is not a user of account ACC-1234-5678"):
        provider.create(members(["USR-1234-0001", "USR-9999-0001"]))
    assert not calls(rsps, "POST")


def test_a_dropped_add_is_sent_again_and_counts_as_done(rsps, tenant):
    provider = configured(SwoUserGroupMemberProvider, CONFIG)
    tenant.drop_next_post = True
    created = provider.create({"account_id": ACC, "group_id": GID, "user": "user3@contoso.com", "connection": "swo"})
    assert created.id == f"{GID}/USR-1234-0003" and created.outs["email"] == "user3@contoso.com"
    assert len(calls(rsps, "POST")) == 2 and GID in tenant.groups["USR-1234-0003"]


def test_single_member_read_and_already_gone_delete(rsps, tenant):
    provider = configured(SwoUserGroupMemberProvider, CONFIG)
    props = {"account_id": ACC, "group_id": GID, "user": "USR-1234-0004", "connection": "swo"}
    outs = provider.create(props).outs
    assert provider.read(f"{GID}/USR-1234-0004", outs).id == f"{GID}/USR-1234-0004"
    tenant.groups["USR-1234-0004"].discard(GID)  # removed in the portal
    assert provider.read(f"{GID}/USR-1234-0004", outs).id == ""
    provider = configured(SwoUserGroupMemberProvider, CONFIG)  # a later run
    provider.delete(f"{GID}/USR-1234-0004", outs)  # already gone: success
    assert tenant.groups["USR-1234-0004"] == {"UGR-0000-0001"}


def test_an_additive_member_leaves_the_other_users_alone(rsps, tenant):
    tenant.groups["USR-1234-0005"].add(GID)
    provider = configured(SwoUserGroupMemberProvider, CONFIG)
    provider.create({"account_id": ACC, "group_id": GID, "user": "USR-1234-0001", "connection": "swo"})
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0001", "USR-1234-0005"}


def test_a_large_group_is_read_in_pages_not_per_user(rsps):
    emails = {f"USR-1234-{i:04d}": f"u{i}@contoso.com" for i in range(1, 251)}
    Tenant(rsps, emails, {u: {GID} for u in emails})
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    read = provider.read(GID, members([], resolved={}, user_ids=[]))
    assert len(read.outs["user_ids"]) == 250
    assert len(rsps.calls) == 1 + 3  # the group, then ceil(250 / 100) pages


def test_switching_a_list_to_additions_in_one_run_removes_nobody(rsps, tenant):
    whole = configured(SwoUserGroupMembersProvider, CONFIG)
    outs = whole.create(members(["USR-1234-0001", "USR-1234-0002"])).outs
    # Next run: the entry's users became {add: [USR-1234-0001]}: the engine creates the new, then deletes the old.
    one = configured(SwoUserGroupMemberProvider, CONFIG)
    one.create({"account_id": ACC, "group_id": GID, "user": "USR-1234-0001", "connection": "swo"})
    old = SwoUserGroupMembersProvider()  # same process: the run's claims are shared
    old.configure(ConfigureRequest(Config(CONFIG, "usergroups")))
    old.delete(GID, outs)
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0001"}


def test_a_list_and_additive_users_on_one_group_in_one_run_fail_before_writing(rsps, tenant):
    whole = configured(SwoUserGroupMembersProvider, CONFIG)
    whole.create(members(["USR-1234-0001"]))
    one = SwoUserGroupMemberProvider()
    one.configure(ConfigureRequest(Config(CONFIG, "usergroups")))
    rsps.calls.reset()
    with pytest.raises(ProviderError, match="has both a whole user list .* and additive users"):
        one.create({"account_id": ACC, "group_id": GID, "user": "USR-1234-0002", "connection": "swo"})
    assert not calls(rsps, "POST") and GID not in tenant.groups["USR-1234-0002"]


def test_taking_over_a_user_already_in_the_group_writes_nothing(rsps, tenant):
    tenant.groups["USR-1234-0002"].add(GID)
    provider = configured(SwoUserGroupMemberProvider, CONFIG)
    provider.create({"account_id": ACC, "group_id": GID, "user": "USR-1234-0002", "connection": "swo"})
    assert not calls(rsps, "POST") and not calls(rsps, "DELETE")


def test_an_unknown_user_fails_at_preview_even_for_a_group_still_to_be_created(rsps, tenant):
    from pulumi.output import Unknown
    provider = configured(SwoUserGroupMembersProvider, CONFIG)
    result = provider.check({}, {"account_id": ACC, "group_id": Unknown(), "users": ["nobody@contoso.com"]})
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["users"]
    assert "not added to the new group" in result.failures[0].reason
