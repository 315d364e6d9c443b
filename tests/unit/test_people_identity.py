"""The right person, exactly: how each adapter tells people apart, against fakes that match more loosely
than any documented rule (``tests.unit.people_fakes``: full Unicode case folding, as a collation might)."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from pulumi.output import Unknown

from providers import cache
from providers.errors import ProviderError
from providers.http import segment
from providers.people.directory import Directory
from providers.swo.members import SwoUserGroupMemberProvider, SwoUserGroupMembersProvider
from providers.swo.models import AccountUser
from providers.swo.people import AccountUsers, person
from providers.swo.provider import SwoUserGroupProvider
from providers.symphony.members import (
    SymphonyUserGroupAssignmentProvider,
    SymphonyUserGroupMemberProvider,
    SymphonyUserGroupMembersProvider,
)
from providers.symphony.provider import SymphonyUserGroupProvider
from tests.unit.helpers import POD_URL, SWO_URL, configured
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, SYM_CONFIG, SYM_GID, Pod, Tenant

KELVIN = "\u212aelvin.user"  # KELVIN SIGN: folds to "kelvin.user", and is another account


def sym_list(names):
    return {"group_id": SYM_GID, "usernames": names, "connection": "symphony"}


def sym_one(name, group_id=SYM_GID):
    return {"group_id": group_id, "username": name, "connection": "symphony"}


def swo_list(users):
    return {"account_id": ACC, "group_id": GID, "users": users, "connection": "swo"}


def swo_one(user):
    return {"account_id": ACC, "group_id": GID, "user": user, "connection": "swo"}


def reasons(result) -> str:
    return " | ".join(f.reason for f in result.failures)


# -- lookalikes never stand in for each other ------------------------------------------------------
def test_a_symphony_lookalike_account_is_never_made_the_member(rsps):
    pod = Pod(rsps, ["kelvin.user", KELVIN])
    configured(SymphonyUserGroupMembersProvider, SYM_CONFIG).create(sym_list(["kelvin.user"]))
    assert pod.active() == {"kelvin.user"}


def test_a_softwareone_lookalike_address_is_never_made_the_member(rsps):
    tenant = Tenant(rsps, {"USR-1234-0001": "strasse@contoso.com", "USR-1234-0002": "straße@contoso.com"},
                    {"USR-1234-0001": {"UGR-0000-0001"}, "USR-1234-0002": {"UGR-0000-0001"}})
    created = configured(SwoUserGroupMembersProvider, SWO_CONFIG).create(swo_list(["straße@contoso.com"]))
    assert created.outs["resolved"] == {"straße@contoso.com": "USR-1234-0002"}
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0002"}


def test_two_accounts_answering_to_one_value_are_refused_naming_both(rsps):
    Tenant(rsps, {"USR-1234-0001": "Ann@contoso.com", "USR-1234-0002": "ann@contoso.com"},
           {"USR-1234-0001": {"UGR-0000-0001"}, "USR-1234-0002": {"UGR-0000-0001"}})
    with pytest.raises(ProviderError, match=r"names 2 accounts of account ACC-1234-5678 \(USR-1234-0001, "
                                            r"USR-1234-0002\)"):
        configured(SwoUserGroupMembersProvider, SWO_CONFIG).create(swo_list(["ann@contoso.com"]))
    assert not [c for c in rsps.calls if c.request.method != "GET"]


def test_an_address_is_looked_up_by_its_exact_text_never_by_the_servers_collation(rsps):
    Tenant(rsps, {"USR-1234-0001": "jane@contoso.com"}, {"USR-1234-0001": {"UGR-0000-0001"}})
    configured(SwoUserGroupMembersProvider, SWO_CONFIG).check({}, swo_list(["Jane@Contoso.com"]))
    (lookup,) = [c.request.url for c in rsps.calls if "users?" in c.request.url]
    assert 'ilike(user.email,"Jane@Contoso.com")' in unquote(lookup)


def test_an_account_user_id_in_either_form_names_the_same_person():
    users = AccountUsers.__new__(AccountUsers)
    users.scope, users.where = ("swo", "t", ACC), f"account {ACC}"
    listed = person(AccountUser.model_validate({"id": "AUSR-1234-0003", "user": {"id": "USR-1234-0003",
                                                                                    "email": "kim@contoso.com"}}))
    directory = Directory()
    directory.learn(users, [listed])
    found, missing = directory.resolve(users, ["USR-1234-0003", "AUSR-1234-0003", "kim@contoso.com"])
    assert not missing and {p.id for p in found.values()} == {"AUSR-1234-0003"}  # writes use the listed id


# -- one person, one spelling --------------------------------------------------------------------
@pytest.mark.parametrize("provider,props,field", [
    (SymphonyUserGroupMembersProvider, sym_list(["Carol.Officer", "carol.officer"]), "usernames"),
    (SymphonyUserGroupMembersProvider, sym_list(["kelvin.user", KELVIN]), "usernames"),
    (SwoUserGroupMembersProvider, swo_list(["Kim.Lee@contoso.com", "kim.lee@CONTOSO.com"]), "users"),
])
def test_two_spellings_of_one_person_in_a_list_fail_offline_naming_both(rsps, provider, props, field):
    result = configured(provider, SYM_CONFIG if "usernames" in props else SWO_CONFIG).check({}, props)
    first, second = props[field]
    assert result.failures and result.failures[0].reason.partition(": ")[0] == field
    assert repr(first) in reasons(result) and repr(second) in reasons(result)
    assert not rsps.calls  # nothing was asked


@pytest.mark.parametrize("provider_cls", [SymphonyUserGroupMemberProvider, SymphonyUserGroupAssignmentProvider])
def test_two_additive_resources_spelling_one_person_two_ways_fail_at_preview(rsps, provider_cls):
    Pod(rsps, ["carol.officer"])
    provider = configured(provider_cls, SYM_CONFIG)
    assert not provider.check({}, sym_one("carol.officer")).failures
    rsps.calls.reset()
    second = provider.check({}, sym_one("Carol.Officer"))  # same process: the same run
    assert "'Carol.Officer' and 'carol.officer'" in reasons(second) and "may be one person" in reasons(second)
    assert not rsps.calls


def test_an_id_and_the_address_of_that_id_in_two_additive_resources_fail_at_preview(rsps):
    tenant = Tenant(rsps, {"USR-1234-0003": "kim.lee@contoso.com"}, {"USR-1234-0003": {"UGR-0000-0001"}})
    provider = configured(SwoUserGroupMemberProvider, SWO_CONFIG)
    assert not provider.check({}, swo_one("USR-1234-0003")).failures
    second = provider.check({}, swo_one("kim.lee@contoso.com"))
    assert "USR-1234-0003" in reasons(second) and "kim.lee@contoso.com" in reasons(second)
    assert "are the same user (USR-1234-0003)" in reasons(second)
    assert GID not in tenant.groups["USR-1234-0003"]


def test_an_id_and_its_address_in_one_list_fail_at_preview_and_at_create(rsps):
    Tenant(rsps, {"USR-1234-0003": "kim.lee@contoso.com"}, {"USR-1234-0003": {"UGR-0000-0001"}})
    provider = configured(SwoUserGroupMembersProvider, SWO_CONFIG)
    props = swo_list(["USR-1234-0003", "kim.lee@contoso.com"])
    assert "are the same user (USR-1234-0003)" in reasons(provider.check({}, props))
    cache.clear()
    with pytest.raises(ProviderError, match="are the same user"):
        configured(SwoUserGroupMembersProvider, SWO_CONFIG).create(props)
    assert not [c for c in rsps.calls if c.request.method in ("POST", "DELETE")]


def test_two_additive_resources_spelling_one_person_two_ways_fail_at_preview(rsps):
    Pod(rsps, ["carol.officer", "dave"])
    provider = configured(SymphonyUserGroupMemberProvider, SYM_CONFIG)
    assert not provider.check({}, sym_one("carol.officer")).failures
    single = SymphonyUserGroupMemberProvider()
    single.configure(provider_request())
    assert "may be one person" in reasons(single.check({}, sym_one("CAROL.officer")))


def test_a_list_and_an_additive_resource_on_one_group_fail_at_preview_even_when_neither_changes(rsps):
    # Applied in different runs, each alone would pass; together they undo each other at every run.
    Pod(rsps, ["carol.officer", "dave"])
    provider = configured(SymphonyUserGroupMembersProvider, SYM_CONFIG)
    applied = sym_list(["carol.officer", "dave"])
    assert not provider.check(applied, applied).failures
    single = SymphonyUserGroupMemberProvider()
    single.configure(provider_request())
    text = reasons(single.check(sym_one("dave"), sym_one("dave")))
    assert f"{SYM_GID} has both a whole member list (SymphonyUserGroupMembers) and additive members" in text
    assert not [c for c in rsps.calls if c.request.method in ("POST", "PUT", "DELETE")]


def provider_request():
    from pulumi.dynamic import Config, ConfigureRequest
    return ConfigureRequest(Config(SYM_CONFIG, "usergroups"))


# -- answers the APIs document -------------------------------------------------------------------
def test_the_pods_204_no_user_found_is_the_one_line_not_a_user_error(rsps):
    Pod(rsps, ["alice"])
    result = configured(SymphonyUserGroupMembersProvider, SYM_CONFIG).check({}, sym_list(["mallory"]))
    assert reasons(result) == f"usernames: mallory is not a user of this pod, so not added to {SYM_GID}; " \
                              "check the username or address (compared with the pod's own, without ASCII case)"
    assert [c.response.status_code for c in rsps.calls] == [204]


def test_symphony_people_may_be_named_by_address(rsps):
    pod = Pod(rsps, ["alice.smith", "bob.jones"])
    pod.emails[pod.ids["bob.jones"]] = "Bob.Jones@acme.example"
    created = configured(SymphonyUserGroupMembersProvider, SYM_CONFIG).create(
        sym_list(["alice.smith", "bob.jones@acme.example"]))
    assert pod.active() == {"alice.smith", "bob.jones"}
    assert created.outs["resolved"] == {"alice.smith": pod.ids["alice.smith"],
                                        "bob.jones@acme.example": pod.ids["bob.jones"]}


# -- what reaches a URL path or the CLI's output -------------------------------------------------
@pytest.mark.parametrize("group_id", ["g1/../g2", "g1?active=false", "..", "g 1", "g1%2Fx", "g1#x"])
def test_a_hostile_group_id_fails_check_naming_the_field_with_no_request(rsps, group_id):
    result = configured(SymphonyUserGroupMemberProvider, SYM_CONFIG).check({}, sym_one("alice", group_id))
    assert [f.reason.partition(": ")[0] for f in result.failures] == ["group_id"]
    assert not rsps.calls


@pytest.mark.parametrize("provider,props,field", [
    (SymphonyUserGroupMemberProvider, sym_one("bob\nerror: forged"), "username"),
    (SymphonyUserGroupMemberProvider, sym_one("bob\x1b[31m"), "username"),
    (SymphonyUserGroupMembersProvider, sym_list(["alice", "ev\u202eil"]), "usernames[1]"),
    (SwoUserGroupMemberProvider, swo_one("kim\u200b@contoso.com"), "user"),
    (SymphonyUserGroupProvider, {"name": "EMEA\nerror: forged", "connection": "symphony"}, "name"),
    (SwoUserGroupProvider, {"account_id": ACC, "name": "Ops\t", "modules": ["MOD-1756"], "connection": "swo"},
     "name"),
])
def test_control_and_invisible_characters_fail_check_naming_the_field(rsps, provider, props, field):
    config = SWO_CONFIG if props.get("connection") == "swo" else SYM_CONFIG
    result = configured(provider, config).check({}, props)
    assert field in [f.reason.partition(": ")[0] for f in result.failures], reasons(result)
    assert "\n" not in reasons(result).replace("\\n", "")
    assert not rsps.calls


def test_a_path_segment_never_leaves_its_place():
    assert segment("a/b?c#d%e") == "a%2Fb%3Fc%23d%25e"
    assert segment("..") == "%2E%2E" and segment(".") == "%2E"
    assert segment(1305) == "1305"


def test_an_unknown_group_id_still_checks_the_people_offline(rsps):
    Pod(rsps, ["alice"])
    result = configured(SymphonyUserGroupMembersProvider, SYM_CONFIG).check(
        {}, {"group_id": Unknown(), "usernames": ["alice", "Alice"], "connection": "symphony"})
    assert "may be one person" in reasons(result)
    assert not rsps.calls


def test_an_address_no_rql_literal_can_carry_is_accepted_and_found_by_listing_the_account(rsps):
    quoted = '"o\'brien \\"x\\""@contoso.com'  # a quoted local part holding both quote kinds (RFC 5321)
    tenant = Tenant(rsps, {"USR-1234-0001": quoted, "USR-1234-0002": "ann@contoso.com"},
                    {"USR-1234-0001": {"UGR-0000-0001"}, "USR-1234-0002": {"UGR-0000-0001"}})
    provider = configured(SwoUserGroupMembersProvider, SWO_CONFIG)
    assert not provider.check({}, swo_list([quoted])).failures
    created = provider.create(swo_list([quoted]))
    assert created.outs["resolved"] == {quoted: "USR-1234-0001"}
    assert {u for u, gs in tenant.groups.items() if GID in gs} == {"USR-1234-0001"}
    listings = [unquote(c.request.url) for c in rsps.calls if "users?" in c.request.url]
    assert not any(quoted in url for url in listings)  # never sent as a broken literal


def test_a_respelled_assignee_keeps_their_access_and_the_warning_says_nothing_is_to_do(rsps, capsys):
    pod = Pod(rsps, ["carol.officer"])
    old = configured(SymphonyUserGroupAssignmentProvider, SYM_CONFIG).create(sym_one("carol.officer")).outs
    run = configured(SymphonyUserGroupAssignmentProvider, SYM_CONFIG)  # the next `up`: one process
    new = run.create(sym_one("Carol.Officer"))
    assert new.id == old["id"]  # the same person
    capsys.readouterr()
    run.delete(old["id"], old)  # the old resource (another name) leaves the stack
    said = capsys.readouterr().err
    assert "took it over in this run" in said and "keeps their access" in said and "formerKeys" not in said
    assert pod.active("assignments") == {"carol.officer"}


# -- an unchanged list asks nothing; only new names are looked up -----------------------------------
def test_a_check_of_an_unchanged_list_sends_no_request(rsps):
    Tenant(rsps, {f"USR-1234-{i:04d}": f"user{i}@contoso.com" for i in range(120)},
           {f"USR-1234-{i:04d}": {GID} for i in range(120)})
    provider = configured(SwoUserGroupMembersProvider, SWO_CONFIG)
    props = swo_list([f"USR-1234-{i:04d}" for i in range(120)])
    assert not provider.check(props, props).failures
    assert not rsps.calls


def test_only_the_new_name_is_looked_up_and_its_other_spelling_in_the_list_still_fails(rsps):
    Tenant(rsps, {f"USR-1234-{i:04d}": f"user{i}@contoso.com" for i in range(120)},
           {f"USR-1234-{i:04d}": {GID} for i in range(120)})
    olds = swo_list([f"USR-1234-{i:04d}" for i in range(100)])
    grown = swo_list([*olds["users"], "USR-1234-0100"])
    assert not configured(SwoUserGroupMembersProvider, SWO_CONFIG).check(olds, grown).failures
    assert len(rsps.calls) == 1 and "USR-1234-0100" in unquote(rsps.calls[0].request.url)
    assert "USR-1234-0050" not in unquote(rsps.calls[0].request.url)
    cache.clear()
    rsps.calls.reset()
    twice = swo_list([*olds["users"], "user7@contoso.com"])  # the address of someone the list names by id
    result = configured(SwoUserGroupMembersProvider, SWO_CONFIG).check(olds, twice)
    assert "USR-1234-0007 (" in reasons(result) and "are the same user (USR-1234-0007)" in reasons(result)
    assert len(rsps.calls) == 1
