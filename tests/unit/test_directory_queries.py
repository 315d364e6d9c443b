"""Lists that follow the directory: a query's answer, exact, with include and exclude, is the list the
check hands on; a query that matches too few, or cannot be asked, fails the check before any write."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote

import pytest
import responses

from emulators import rql
from providers.swo.members import SwoUserGroupMembersProvider
from providers.swo.rql import well_formed
from providers.symphony.members import SymphonyUserGroupMembersProvider
from tests.unit.helpers import POD_URL, configured
from tests.unit.people_fakes import ACC, GID, SWO_CONFIG, SYM_CONFIG, SYM_GID, USERS, Pod, PodDirectory

PEOPLE = {
    "carol.officer": {"company": "Acme Bank", "location": "London", "title": "Compliance Officer",
                      "roles": ["COMPLIANCE_OFFICER"]},
    "dave.bridge": {"company": "Acme Bank", "location": "London Bridge"},  # the search also finds him
    "erin.paris": {"company": "Acme Bank", "location": "Paris"},
    "frank.gone": {"company": "Acme Bank", "location": "London", "status": "DISABLED"},
    "gina.london": {"company": "Acme Bank", "location": "london"},  # another case: the same location
    "hank.contractor": {"company": "Acme Bank", "location": "London"},
}
LONDON = {"company": "Acme Bank", "location": "London"}


@pytest.fixture
def directory(rsps) -> PodDirectory:
    pod = Pod(rsps, [*PEOPLE, "ivan.extra"])
    return PodDirectory(rsps, pod, {k: dict(v) for k, v in PEOPLE.items()})


def members(query=None, usernames=None, **extra):
    return {"group_id": SYM_GID, "usernames": usernames, "connection": "symphony", "query": query, **extra}


def provider() -> SymphonyUserGroupMembersProvider:
    return configured(SymphonyUserGroupMembersProvider, SYM_CONFIG)


def test_a_query_chooses_exactly_the_matching_active_users_with_include_and_exclude(directory, capsys):
    result = provider().check({}, members(LONDON, ["ivan.extra"], exclude=["hank.contractor"]))
    assert not result.failures, result.failures
    # Not dave (London Bridge: the search's inexact answer), not frank (disabled), not hank (excluded);
    # gina's "london" is London without regard to ASCII case; ivan is always in.
    assert result.inputs["usernames"] == {"carol.officer": True, "gina.london": True, "ivan.extra": True}
    assert result.inputs["query"] == LONDON
    assert "query of Symphony group members of g1: matches 3 active members" in capsys.readouterr().err


def test_a_role_query_uses_the_admin_search_and_both_kinds_of_filter_must_hold(directory):
    p = provider()
    assert p.check({}, members({"role": "COMPLIANCE_OFFICER"})).inputs["usernames"] == {"carol.officer": True}
    both = p.check({}, members({"location": "Paris", "role": "COMPLIANCE_OFFICER"}, min_matches=0))
    assert both.inputs["usernames"] == {}


def test_a_directory_change_names_who_leaves_and_why(directory, capsys):
    p = provider()
    outs = p.create(p.check({}, members(LONDON)).inputs).outs
    assert directory.pod.active() == {"carol.officer", "gina.london", "hank.contractor"}
    directory.people["hank.contractor"]["location"] = "Paris"  # HR moved him
    capsys.readouterr()
    news = p.check(outs, members(LONDON)).inputs
    assert news["usernames"] == {"carol.officer": True, "gina.london": True}
    said = capsys.readouterr().err
    assert "leaving: hank.contractor (no longer matches location: London (now Paris))" in said, said
    diff = p.diff(SYM_GID, outs, news)
    assert diff.changes and "+0 -1 (leaving: hank.contractor)" in capsys.readouterr().err
    p.update(SYM_GID, outs, news)
    assert directory.pod.active() == {"carol.officer", "gina.london"}


@pytest.mark.parametrize("query, floor, why", [
    ({"location": "Atlantis"}, None, "matches 0 active members, fewer than min_matches (1)"),
    (LONDON, 5, "matches 3 active members, fewer than min_matches (5)"),
])
def test_too_few_matches_fail_the_check_before_any_write(directory, rsps, query, floor, why):
    result = provider().check({}, members(query, min_matches=floor))
    assert [f.reason.split(":")[0] for f in result.failures] == ["query"] and why in result.failures[0].reason
    assert "never empty a group" in result.failures[0].reason
    assert not [c for c in rsps.calls if c.request.method == "PUT"]


def test_a_directory_that_cannot_be_asked_fails_the_check(rsps):
    Pod(rsps, ["carol.officer"])
    rsps.add("POST", re.compile(re.escape(f"{POD_URL}/pod/v1/user/search") + r".*"), status=503)  # never answers
    result = provider().check({}, members(LONDON))
    assert [f.reason.split(":")[0] for f in result.failures] == ["query"], result.failures
    assert "503" in result.failures[0].reason and "user/search" in result.failures[0].reason


@pytest.mark.parametrize("query, wrong", [
    ({"locaton": "London"}, "query.locaton"),
    ({}, "names no filter"),
    ({"status": "ACTIVE", "role": "X"}, "query.status"),
    ({"location": ""}, "query.location"),
])
def test_a_wrong_query_fails_naming_the_filter(directory, query, wrong):
    result = provider().check({}, members(query))
    assert result.failures and wrong in result.failures[0].reason, result.failures


def test_exclude_and_min_matches_need_a_query(directory):
    result = provider().check({}, members(None, ["carol.officer"], exclude=["dave.bridge"], min_matches=2))
    # The engine is told no property for a list's failure (it would print the whole list): the reason names it.
    assert [f.reason.split(":")[0] for f in result.failures] == ["exclude", "min_matches"]


# -- SoftwareOne: an RQL query over the account's users -------------------------------------------
class Account:
    """An account's users answering the account-users listing with the platform's RQL (the emulator's port of
    its parser evaluates each filter), and adds and removals of a group."""

    def __init__(self, rsps: responses.RequestsMock, users: list[dict]) -> None:
        self.users, self.group = users, set()
        rsps.add_callback("GET", re.compile(re.escape(USERS) + r"\?.*"), self.listing)
        rsps.add_callback("POST", re.compile(re.escape(USERS) + r"/USR-[\d-]+/groups$"), self.add)

    def listing(self, request):
        raw = request.url.split("?", 1)[1]
        expression = unquote(raw.split("&")[0]) if not raw.startswith(("select=", "limit=")) else ""
        matches = rql.compile_filter(rql.parse(expression)) if expression else (lambda _: True)
        offset = int(re.search(r"offset=(\d+)", raw).group(1))
        found = [u for u in self.users if matches(u)]
        return 200, {}, json.dumps({"$meta": {"pagination": {"offset": offset, "limit": 100, "total": len(found)}},
                                    "data": found[offset:offset + 100]})

    def add(self, request):
        self.group.add(request.url.split("/users/")[1].split("/")[0])
        return 200, {}, json.dumps({"id": "x"})


def swo_user(i: int, email: str, status: str = "Active") -> dict:
    return {"id": f"USR-0000-{i:04d}", "status": status, "user": {"id": f"USR-0000-{i:04d}", "email": email},
            "groups": [{"id": "UGR-0000-0001"}]}


CONTOSO = 'ilike(user.email,"*@contoso.com")'


def swo(query=None, users=None, **extra):
    return {"account_id": ACC, "group_id": GID, "users": users, "connection": "swo", "query": query, **extra}


def test_an_rql_query_chooses_the_active_account_users_it_matches(rsps, capsys):
    account = Account(rsps, [swo_user(1, "ann@contoso.com"), swo_user(2, "bob@fabrikam.com"),
                             swo_user(3, "cid@contoso.com", status="Disabled"), swo_user(4, "dee@CONTOSO.com")])
    p = configured(SwoUserGroupMembersProvider, SWO_CONFIG)
    result = p.check({}, swo(CONTOSO, exclude=["dee@contoso.com"]))
    assert not result.failures, result.failures
    assert result.inputs["users"] == {"ann@contoso.com": True}  # not cid (disabled), not dee (excluded)
    assert "matches 2 active users" in capsys.readouterr().err
    p.create(result.inputs)
    assert account.group == {"USR-0000-0001"}


@pytest.mark.parametrize("query, wrong", [
    ('ilik(user.email,"*@contoso.com")', "not an RQL operator"),
    ('eq(user.email,"ann@contoso.com)', "quote open"),
    ("eq(status,Active))", "never opened"),
])
def test_an_rql_query_the_platform_cannot_read_fails_before_it_is_sent(rsps, query, wrong):
    account = Account(rsps, [swo_user(1, "ann@contoso.com")])
    result = configured(SwoUserGroupMembersProvider, SWO_CONFIG).check({}, swo(query))
    assert [f.reason.split(":")[0] for f in result.failures] == ["query"] and wrong in result.failures[0].reason
    assert not [c for c in rsps.calls if "/users" in c.request.url] and not account.group


@pytest.mark.parametrize("query, sent", [
    ('ilike(user.email,"*@contoso.com")', True), ("and(eq(status,Active),ne(id,x))", True),
    ('eq(user.email,"it\'s@contoso.com")', True), ("ilik(a,b)", False),
    # The platform's parser reads these too, guessing where the quote or parenthesis ends; they are
    # refused here, since a typo must not choose who is in a group.
    ('eq(a,"b)', False), ("eq(a,b))", False), ("eq(a,b", False),
])
def test_what_the_syntax_check_sends_the_platforms_parser_reads(query, sent):
    try:
        well_formed(query)
        we_send_it = True
    except ValueError:
        we_send_it = False
    assert we_send_it == sent
    if we_send_it:
        rql.parse(query)  # the port of mpt-rql-net's parser raises for what the platform refuses
    elif query.startswith("ilik"):
        with pytest.raises(rql.RqlError):
            rql.parse(query)


def test_every_query_error_is_one_readable_line(directory, rsps):
    from tests.readable import problems
    from tests.unit.test_people_errors import BUDGET

    p = provider()
    texts = {
        "too few": p.check({}, members({"location": "Atlantis"})),
        "unknown filter": p.check({}, members({"locaton": "London"})),
        "no filter": p.check({}, members({})),
        "wrong status": p.check({}, members({"status": "ACTIVE"})),
        "exclude alone": p.check({}, members(None, ["carol.officer"], exclude=["dave.bridge"])),
        "unknown operator": configured(SwoUserGroupMembersProvider, SWO_CONFIG).check({}, swo("ilik(a,b)")),
    }
    for path, result in texts.items():
        text = " | ".join(f.reason for f in result.failures)
        assert text and not problems(text, BUDGET), (path, text, problems(text, BUDGET))


def test_a_role_query_makes_the_whole_assignee_list(directory):
    from providers.symphony.members import SymphonyUserGroupAssigneesProvider

    p = configured(SymphonyUserGroupAssigneesProvider, SYM_CONFIG)
    checked = p.check({}, members({"role": "COMPLIANCE_OFFICER"}, ["ivan.extra"]))
    assert not checked.failures and checked.inputs["usernames"] == {"carol.officer": True, "ivan.extra": True}
    directory.pod.links["assignments"][directory.pod.ids["dave.bridge"]] = True  # assigned in the portal
    outs = p.create(checked.inputs).outs
    assert directory.pod.active("assignments") == {"carol.officer", "ivan.extra"}  # and dave unassigned
    directory.people["carol.officer"]["roles"] = []  # no longer a compliance officer
    news = p.check(outs, members({"role": "COMPLIANCE_OFFICER"}, ["ivan.extra"])).inputs
    p.update(SYM_GID, outs, news)
    assert directory.pod.active("assignments") == {"ivan.extra"}


# -- discover --propose-queries: a query only where one filter explains a list exactly ---------------
def test_a_query_is_proposed_only_when_it_answers_exactly_the_discovered_members(directory):
    from program.proposals import symphony_query
    from providers.symphony.members import SymphonyUserGroupMembersProvider as Members

    client = configured(Members, SYM_CONFIG).client("symphony")
    # London without regard to case, and not dave's "London Bridge" nor frank (disabled): exactly these three.
    assert symphony_query(client, "symphony", ["carol.officer", "gina.london", "hank.contractor"]) == \
        {"location": "London"}
    assert symphony_query(client, "symphony", ["carol.officer", "gina.london"]) is None  # hank would join
    assert symphony_query(client, "symphony", ["carol.officer", "erin.paris"]) is None  # no shared filter


def test_an_address_domain_is_proposed_only_when_it_answers_exactly_the_discovered_users(rsps):
    from program.proposals import swo_query

    Account(rsps, [swo_user(1, "ann@contoso.com"), swo_user(2, "bob@fabrikam.com"),
                   swo_user(3, "cid@contoso.com", status="Disabled"), swo_user(4, "dee@CONTOSO.com")])
    client = configured(SwoUserGroupMembersProvider, SWO_CONFIG).client("swo")
    assert swo_query(client, "swo", ACC, ["USR-0000-0001", "USR-0000-0004"]) == 'ilike(user.email,"*@contoso.com")'
    assert swo_query(client, "swo", ACC, ["USR-0000-0001"]) is None  # dee would join
    assert swo_query(client, "swo", ACC, ["USR-0000-0001", "USR-0000-0002"]) is None  # two domains


def test_a_member_list_and_an_additive_assignee_of_one_group_hold_different_things(directory):
    from providers.symphony.members import SymphonyUserGroupAssignmentProvider
    from tests.unit.test_people_rules import new_run

    members = configured(SymphonyUserGroupMembersProvider, SYM_CONFIG)
    officer = configured(SymphonyUserGroupAssignmentProvider, SYM_CONFIG)
    listed = members.check({}, {"group_id": SYM_GID, "usernames": ["carol.officer"], "connection": "symphony"})
    assigned = officer.check({}, {"group_id": SYM_GID, "username": "carol.officer", "connection": "symphony"})
    assert not listed.failures and not assigned.failures  # members and assignees: two kinds, no conflict
    outs = members.create(listed.inputs).outs
    officer.create(assigned.inputs)
    new_run()  # the next command: the list leaves the stack, carol's membership goes, her assignment stays
    officer.check({}, {"group_id": SYM_GID, "username": "carol.officer", "connection": "symphony"})
    officer.diff(f"{SYM_GID}/1000", assigned.inputs, assigned.inputs)
    members.delete(SYM_GID, outs)
    assert directory.pod.active() == set() and directory.pod.active("assignments") == {"carol.officer"}


def test_the_access_report_holds_a_query_group_to_what_the_query_chooses(directory):
    from program import report
    from tests.unit.test_stack_config import load

    entry = load(symphonyGroups=[{"key": "emea", "name": "EMEA", "members": {"query": LONDON,
                                                                             "exclude": ["hank.contractor"]}}]).symphony[0][1]
    wanted = report.declared(entry, "members", entry.people()["members"])
    p = provider()
    adapter = p.adapter(p.inputs_model.model_construct(connection="symphony", group_id=SYM_GID))
    assert callable(wanted) and wanted(adapter) == ["carol.officer", "gina.london"]
    for name in ("carol.officer", "dave.bridge"):  # dave was added in the portal; gina is missing
        directory.pod.links["memberships"][directory.pod.ids[name]] = True
    state = report.compare(adapter, report.PeopleState("symphonyGroups", "emea", "EMEA", SYM_GID, "members", True),
                           wanted(adapter))
    assert state.people == {"carol.officer": report.IN_SYNC, "gina.london": report.MISSING,
                            "dave.bridge": report.ADDED} and state.differs


def test_the_ledger_records_who_a_query_chose_so_a_destroy_takes_them_out():
    from program import guards
    from providers.swo.departures import departure_problems

    # The record of a query group holds the users the query chose (a map from the last up), not only `include`.
    olds = {"swoGroups": {"buyers": {"groupId": "UGR-0000-0009", "accountId": ACC, "connection": "swo",
                                     "users": {"ann@contoso.com": True}}}}
    ((leaving, kept),) = guards.swo_departures(olds, {}).values()
    assert [(g.key, g.removes) for g in leaving] == [("buyers", ("ann@contoso.com",))] and kept == {}
    # At preview a kept query group's users are not known yet: they may hold anyone, nobody is called stranded.
    news = {"swoGroups": {"buyers": {"groupId": "UGR-0000-0009", "accountId": ACC, "users": "04da6b54-unknown"}}}
    ((_, kept),) = guards.swo_departures({"swoGroups": {}}, news).values()
    assert kept == {"UGR-0000-0009": None}
    no_client: Any = object()  # nothing is read while a kept group's users are unknown
    assert departure_problems(no_client, ACC, [guards.Leaving("old", "UGR-0000-0001")], kept) == []
